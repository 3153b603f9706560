// Session 65 probe (a record, run by …-s65-call1.sh from the repository root; PROBE_DIST picks the
// build): the text encoder (synchronised, and its profile) and the 768 px VAE decode (synchronised,
// and its profile op by op: where the decoder's ~10.9 ms go, never looked at op by op since session 13);
// then the ~30% bin's first mask (masks-dev-300), k = 10, three edits from version 0 as
// …-s64-timeline-probe2.mjs times them (the wall, from the last step's end on the GPU to the image).
import { join } from 'node:path';
const root = new URL(`../../${process.env.PROBE_DIST ?? 'dist'}/`, import.meta.url);
const load = (path) => import(new URL(path, root).href);
const { CudaBackend } = await load('src/backend/cuda/cuda.js');
const { EditSession } = await load('src/edit/session.js');
const { maskFraction } = await load('src/edit/mask.js');
const { readMaskSet } = await load('src/io/fismask.js');
const { fixturesDir } = await load('src/verify/fixtures.js');
const { BASE_PROMPT, WHOLE_EDITS, randomSd2 } = await load('bench/sd2.js');

const gpu = new CudaBackend({ math: 'fp16' });
const sd = randomSd2(gpu);
const med = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const r2 = (x) => +x.toFixed(2);
const gc = async () => { globalThis.gc?.(); await new Promise((r) => setImmediate(r)); };
const s = new EditSession(sd);
const v0 = s.generate({ prompt: BASE_PROMPT, steps: 50, width: 768, height: 768, seed: 1, scheduler: 'dpmpp2m', recordSteps: 10 });
s.prepareEdits();
const prompt = WHOLE_EDITS[1].prompt;
const timeIt = (what, f, top) => {
  const all = [];
  for (let i = 0; i < 5; i++) { gpu.synchronize(); const t0 = performance.now(); f(); gpu.synchronize(); all.push(performance.now() - t0); }
  gpu.profileStart();
  f();
  const p = gpu.profileEnd();
  console.log(JSON.stringify({ what, median: r2(med(all)), all: all.map(r2), profiledMs: r2(p.totalMs), launches: p.ops.reduce((n, o) => n + o.count, 0), top: p.ops.slice(0, top).map(({ op, ms, count }) => `${op} ${ms.toFixed(3)} x${count}`) }));
};
timeIt('text encoder, 2 prompts, synchronised, ms', () => sd.encodeText(['', prompt]), 8);
const z = gpu.latents.fromHost(v0.latents);
const image = sd.imageBuffer([96, 96]);
timeIt('VAE decode 768 px, synchronised, ms', () => sd.decode(z, [96, 96], image), 40);
// Would a side stream's device-to-device copies (the copy engines, if the driver uses them for
// these) hide behind compute? A dense edit step's recorded cache (574 MiB, k_copy_many 0.37 ms in
// line) copied on the side stream in 100 pieces while the decode runs: the decode's wall and the
// copy's GPU time, each alone and together.
{
  const d = gpu.driver, bytes = 574 * 2 ** 20, pieces = 100, piece = bytes / pieces;
  const a = d.alloc(bytes), b = d.alloc(bytes);
  const copies = () => {
    const s0 = d.event(), s1 = d.event();
    let side;
    d.behind((st) => { side = st; d.record(s0, false, st); for (let i = 0; i < pieces; i++) d.check('cuMemcpyDtoDAsync', d.f.cuMemcpyDtoDAsync(b + i * piece, a + i * piece, piece, st)); d.record(s1, false, st); });
    return () => { d.synchronize(side); const ms = d.elapsed(s0, s1); d.destroyEvent(s0); d.destroyEvent(s1); return ms; };
  };
  const rows = { copyAlone: [], decodeAlone: [], together: [] };
  for (let i = 0; i < 5; i++) {
    gpu.synchronize(); rows.copyAlone.push(copies()());
    gpu.synchronize(); let t0 = performance.now(); sd.decode(z, [96, 96], image); rows.decodeAlone.push(performance.now() - t0);
    gpu.synchronize(); const end = copies(); t0 = performance.now(); sd.decode(z, [96, 96], image); const dec = performance.now() - t0; rows.together.push([dec, end()]);
  }
  console.log(JSON.stringify({ what: 'side-stream D2D copy of 574 MiB in 100 pieces beside the decode', copyAloneMs: rows.copyAlone.map(r2), decodeAloneMs: rows.decodeAlone.map(r2), togetherDecodeAndCopyMs: rows.together.map(([x, y]) => [r2(x), r2(y)]) }));
  gpu.synchronize(); d.free(a); d.free(b);
}
const file = readMaskSet(join(fixturesDir(), '..', 'data', 'masks-dev-300.bin'));
const m = file.masks.find((x) => maskFraction(x.mask) >= 0.28 && maskFraction(x.mask) < 0.32);
for (let rep = 0; rep < 3; rep++) {
  gpu.synchronize();
  const events = [];
  const e0 = gpu.driver.event();
  gpu.driver.record(e0);
  const t0 = performance.now();
  const v = s.edit(prompt, { mask: m.mask, denseSteps: 10, from: 0, onStep: (step) => { const e = gpu.driver.event(); gpu.driver.record(e); events[step] = e; } });
  const wall = performance.now() - t0;
  const stepGpu = [];
  for (let i = 1; i < events.length; i++) stepGpu.push(gpu.driver.elapsed(events[i - 1] ?? e0, events[i]));
  console.log(JSON.stringify({
    bin: '~30%', mask: m.index, editSize: r2(v.editSize * 100), k: 10, rep, wallMs: r2(wall), timings: Object.fromEntries(Object.entries(v.timings).map(([a, b]) => [a, r2(b)])),
    callToFirstStepEndGpuMs: r2(gpu.driver.elapsed(e0, events[1])), denseStepGpuMedian: r2(med(stepGpu.slice(1, 10))), sparseStepGpuMedian: r2(med(stepGpu.slice(12))),
    lastStepEndToImageMs: r2(wall - gpu.driver.elapsed(e0, events[events.length - 1])),
  }));
  for (const e of [e0, ...events.filter(Boolean)]) gpu.driver.destroyEvent(e);
  s.checkout(0);
  s.release(v.id);
  gpu.synchronize();
  await gc();
}
