// Session 64 probe (a record, run by …-s64-call2.sh from the repository root): where a whole 768 px
// edit's wall time goes against the GPU's. A 50-step session (recordSteps 10) and prepareEdits as
// bench:edit's whole edits; then the ~15% and ~30% bins' first masks (masks-dev-300, as those edits),
// k = 10 and k = 0, three times each, each from version 0 and released after (the swap back awaited).
// Per edit: a CUDA event on the stream when the call starts and one as each step is queued (onStep):
// the GPU's time from one to the next is that step's GPU time plus any time the GPU waited for the
// host. Printed: the wall; from the call to the first step's end on the GPU (the prompt's encoding and
// everything before the first step, on the host and the GPU, plus step 1); each step's GPU ms (dense
// and sparse medians, the first two sparse steps); the host's ms from the call to the first step's
// queuing; the text encoder alone (synchronised; and its profile), and from the last step's end on the GPU to the image.
import { join } from 'node:path';
import { CudaBackend } from '../../dist/src/backend/cuda/cuda.js';
import { EditSession } from '../../dist/src/edit/session.js';
import { maskFraction } from '../../dist/src/edit/mask.js';
import { readMaskSet } from '../../dist/src/io/fismask.js';
import { fixturesDir } from '../../dist/src/verify/fixtures.js';
import { BASE_PROMPT, WHOLE_EDITS, randomSd2 } from '../../dist/bench/sd2.js';

const gpu = new CudaBackend({ math: 'fp16' });
const sd = randomSd2(gpu);
const med = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const r2 = (x) => +x.toFixed(2);
const gc = async () => { globalThis.gc?.(); await new Promise((r) => setImmediate(r)); };
const s = new EditSession(sd);
s.generate({ prompt: BASE_PROMPT, steps: 50, width: 768, height: 768, seed: 1, scheduler: 'dpmpp2m', recordSteps: 10 });
s.prepareEdits();
const file = readMaskSet(join(fixturesDir(), '..', 'data', 'masks-dev-300.bin'));
const first = (lo, hi) => file.masks.find((m) => maskFraction(m.mask) >= lo && maskFraction(m.mask) < hi);
const prompt = WHOLE_EDITS[1].prompt;
const encode = [];
for (let i = 0; i < 5; i++) { gpu.synchronize(); const t0 = performance.now(); sd.encodeText(['', prompt]); gpu.synchronize(); encode.push(performance.now() - t0); }
gpu.profileStart();
sd.encodeText(['', prompt]);
const p = gpu.profileEnd();
console.log(JSON.stringify({ what: 'text encoder, 2 prompts, synchronised, ms', median: r2(med(encode)), all: encode.map(r2), profiledMs: r2(p.totalMs), launches: p.ops.reduce((n, o) => n + o.count, 0), top: p.ops.slice(0, 8).map(({ op, ms, count }) => `${op} ${ms.toFixed(3)} x${count}`) }));
for (const [name, lo, hi] of [['~15%', 0.13, 0.17], ['~30%', 0.28, 0.32]]) {
  const m = first(lo, hi);
  for (const k of [10, 0]) for (let rep = 0; rep < 3; rep++) {
    gpu.synchronize();
    const events = [], hostAt = [];
    const e0 = gpu.driver.event();
    gpu.driver.record(e0);
    const t0 = performance.now();
    const v = s.edit(prompt, { mask: m.mask, denseSteps: k, from: 0, onStep: (step) => { const e = gpu.driver.event(); gpu.driver.record(e); events[step] = e; hostAt[step] = performance.now() - t0; } });
    const wall = performance.now() - t0;
    const stepGpu = [];
    for (let i = 1; i < events.length; i++) stepGpu.push(gpu.driver.elapsed(events[i - 1] ?? e0, events[i]));
    const toFirstEnd = gpu.driver.elapsed(e0, events[1]);
    const lastEndToImage = wall - gpu.driver.elapsed(e0, events[events.length - 1]);
    const dense = stepGpu.slice(1, k), sparse = stepGpu.slice(Math.max(k, 1));
    console.log(JSON.stringify({
      bin: name, mask: m.index, editSize: r2(v.editSize * 100), k, rep, wallMs: r2(wall), timings: Object.fromEntries(Object.entries(v.timings).map(([a, b]) => [a, r2(b)])),
      callToFirstStepEndGpuMs: r2(toFirstEnd), hostToFirstStepQueuedMs: r2(hostAt[1]),
      denseStepGpuMedian: dense.length ? r2(med(dense)) : null, sparseStepGpuMedian: r2(med(sparse.slice(2))), firstSparseSteps: sparse.slice(0, 3).map(r2),
      callToLastStepEndGpuMs: r2(gpu.driver.elapsed(e0, events[events.length - 1])), lastStepEndToImageMs: r2(lastEndToImage),
      slowSteps: stepGpu.map((ms, i) => [i, r2(ms)]).filter(([i, ms]) => i > 0 && ms > (i < k ? 11.5 : 7)),
    }));
    for (const e of [e0, ...events.filter(Boolean)]) gpu.driver.destroyEvent(e);
    s.checkout(0);
    s.release(v.id);
    gpu.synchronize();
    await gc();
  }
}
