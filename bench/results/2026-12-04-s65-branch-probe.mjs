// Session 65 probe 4 (a record, run by …-s65-call5.sh from the repository root): would a copy on a
// parallel branch inside a CUDA graph hide behind the graph's kernels without the lasting ~3%
// slowdown that work on a side stream leaves (…-s65-call2.log)? A dense step's recorded cache
// (574 MiB) could then be copied out beside the rest of its step instead of after it (k_copy_many,
// 0.37 ms a step in line). MODE=none | branch: after a generation and prepareEdits, the 768 px decode
// recorded as a graph of its own ('plain'), and (branch) once more with a fork at its start: 100
// device-to-device copies of 5.74 MiB on the side stream, captured as the graph's memcpy nodes, joined
// at its end. Each replayed five times, synchronised (wall ms); then four ~30% edits (k = 10), the
// dense and sparse steps' GPU ms by events (a process that ran the branch graph against one that did not).
import { join } from 'node:path';
const root = new URL(`../../${process.env.PROBE_DIST ?? 'dist'}/`, import.meta.url);
const load = (path) => import(new URL(path, root).href);
const { CudaBackend } = await load('src/backend/cuda/cuda.js');
const { EditSession } = await load('src/edit/session.js');
const { maskFraction } = await load('src/edit/mask.js');
const { readMaskSet } = await load('src/io/fismask.js');
const { fixturesDir } = await load('src/verify/fixtures.js');
const { BASE_PROMPT, WHOLE_EDITS, randomSd2 } = await load('bench/sd2.js');

const mode = process.env.MODE ?? 'none';
const gpu = new CudaBackend({ math: 'fp16' });
const sd = randomSd2(gpu);
const med = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const r2 = (x) => +x.toFixed(2);
const s = new EditSession(sd);
const v0 = s.generate({ prompt: BASE_PROMPT, steps: 50, width: 768, height: 768, seed: 1, scheduler: 'dpmpp2m', recordSteps: 10 });
s.prepareEdits();
const d = gpu.driver;
const z = gpu.latents.sample(gpu.latents.fromHost(v0.latents), [96, 96, 4], 1, 1 / sd.vae.config.scalingFactor);
const timed = (f) => { const ms = []; for (let i = 0; i < 6; i++) { gpu.synchronize(); const t = performance.now(); f(); gpu.synchronize(); ms.push(performance.now() - t); } return ms.slice(1).map(r2); };
const plain = timed(() => gpu.tidy(() => { gpu.replayable('probe plain decode', [z], (x) => [gpu.unitRange(sd.vae.decode(x))]); }));
const out = { mode, plainDecodeMs: plain };
if (mode === 'branch') {
  const bytes = 574 * 2 ** 20, pieces = 100, piece = bytes / pieces;
  const a = d.alloc(bytes), b = d.alloc(bytes);
  const side = d.sideStream();
  const withBranch = () => gpu.tidy(() => {
    gpu.replayable('probe branch decode', [z], (x) => {
      const fork = d.event(false), joined = d.event(false);
      d.record(fork); // on the recording stream: the side stream's wait joins it to the capture
      d.check('cuStreamWaitEvent', d.f.cuStreamWaitEvent(side, fork, 0));
      for (let i = 0; i < pieces; i++) d.check('cuMemcpyDtoDAsync', d.f.cuMemcpyDtoDAsync(b + i * piece, a + i * piece, piece, side));
      const y = gpu.unitRange(sd.vae.decode(x));
      d.record(joined, false, side);
      d.check('cuStreamWaitEvent', d.f.cuStreamWaitEvent(d.stream, joined, 0));
      return [y];
    });
  });
  out.branchDecodeMs = timed(withBranch);
  out.plainAfterMs = timed(() => gpu.tidy(() => { gpu.replayable('probe plain decode', [z], (x) => [gpu.unitRange(sd.vae.decode(x))]); }));
  gpu.synchronize();
  d.free(a); d.free(b);
}
console.log(JSON.stringify(out));
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
  console.log(JSON.stringify({ mode, rep, editSize: r2(v.editSize * 100), wallMs: r2(wall), denseStepGpuMedian: r2(med(stepGpu.slice(1, 10))), sparseStepGpuMedian: r2(med(stepGpu.slice(12))) }));
  for (const e of [e0, ...events.filter(Boolean)]) d.destroyEvent(e);
  s.checkout(0);
  s.release(v.id);
  gpu.synchronize();
}
