// Session 65 probe 2 (a record, run by …-s65-call2.sh from the repository root): does a side stream's
// device-to-device copy leave the process's later graph replays slower, as six short kernels on any
// other stream did in sessions 42-43 (~3%)? Call 1's probe, which ran such copies (574 MiB, 100
// pieces) beside the decode, then had its ~30% sparse steps at 5.93-5.95 ms where its whole-edit
// processes had 5.77-5.83. SIDE=none | d2d | h2d: after the generation and prepareEdits, nothing, or
// five rounds of side-stream copies (device to device, or host (page-locked) to device, 574 MiB in 100
// pieces), then four ~30% edits (k = 10, the first mask of 28-32% in masks-dev-300), the dense and
// sparse steps' GPU ms by events at each step (as …-s64-timeline-probe2.mjs).
import { join } from 'node:path';
const root = new URL(`../../${process.env.PROBE_DIST ?? 'dist'}/`, import.meta.url);
const load = (path) => import(new URL(path, root).href);
const { CudaBackend } = await load('src/backend/cuda/cuda.js');
const { EditSession } = await load('src/edit/session.js');
const { maskFraction } = await load('src/edit/mask.js');
const { readMaskSet } = await load('src/io/fismask.js');
const { fixturesDir } = await load('src/verify/fixtures.js');
const { BASE_PROMPT, WHOLE_EDITS, randomSd2 } = await load('bench/sd2.js');

const side = process.env.SIDE ?? 'none';
const gpu = new CudaBackend({ math: 'fp16' });
const sd = randomSd2(gpu);
const med = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const r2 = (x) => +x.toFixed(2);
const s = new EditSession(sd);
s.generate({ prompt: BASE_PROMPT, steps: 50, width: 768, height: 768, seed: 1, scheduler: 'dpmpp2m', recordSteps: 10 });
s.prepareEdits();
const d = gpu.driver;
if (side !== 'none') {
  const bytes = 574 * 2 ** 20, pieces = 100, piece = bytes / pieces;
  const a = d.alloc(bytes), b = d.alloc(bytes), host = gpu.hostBuffer(bytes);
  const ms = [];
  for (let round = 0; round < 5; round++) {
    const s0 = d.event(), s1 = d.event();
    let st;
    d.behind((x) => {
      st = x;
      d.record(s0, false, x);
      for (let i = 0; i < pieces; i++) {
        if (side === 'd2d') d.check('cuMemcpyDtoDAsync', d.f.cuMemcpyDtoDAsync(b + i * piece, a + i * piece, piece, x));
        else d.upload(b + i * piece, host.subarray(i * piece, (i + 1) * piece), x);
      }
      d.record(s1, false, x);
    });
    d.synchronize(st);
    ms.push(r2(d.elapsed(s0, s1)));
  }
  gpu.synchronize();
  d.free(a); d.free(b);
  console.log(JSON.stringify({ side, copyMs: ms }));
}
const file = readMaskSet(join(fixturesDir(), '..', 'data', 'masks-dev-300.bin'));
const m = file.masks.find((x) => maskFraction(x.mask) >= 0.28 && maskFraction(x.mask) < 0.32);
const prompt = WHOLE_EDITS[1].prompt;
for (let rep = 0; rep < 4; rep++) {
  gpu.synchronize();
  const events = [];
  const e0 = d.event();
  d.record(e0);
  const t0 = performance.now();
  const v = s.edit(prompt, { mask: m.mask, denseSteps: 10, from: 0, onStep: (step) => { const e = d.event(); d.record(e); events[step] = e; } });
  const wall = performance.now() - t0;
  const stepGpu = [];
  for (let i = 1; i < events.length; i++) stepGpu.push(d.elapsed(events[i - 1] ?? e0, events[i]));
  console.log(JSON.stringify({ side, rep, editSize: r2(v.editSize * 100), wallMs: r2(wall), denseStepGpuMedian: r2(med(stepGpu.slice(1, 10))), sparseStepGpuMedian: r2(med(stepGpu.slice(12))) }));
  for (const e of [e0, ...events.filter(Boolean)]) d.destroyEvent(e);
  s.checkout(0);
  s.release(v.id);
  gpu.synchronize();
}
