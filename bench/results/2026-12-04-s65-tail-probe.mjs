// Session 65 probe 3 (a record, run by …-s65-call3.sh from the repository root; PROBE_DIST picks the
// build): where an edit's end goes, from its last step's end on the GPU to the image. Five ~30% edits
// (k = 10, masks-dev-300's first mask of 28-32%) from version 0 after a generation and prepareEdits;
// per edit: the GPU's last step end to the edit's return (lastStepEndToImageMs, by an event at each
// step as …-s64-timeline-probe2.mjs), the host's wait for the steps' latents (from the last step's
// queuing to latents.toHost's return), sd.decode's own time, and what follows it (the composite, the
// version's bookkeeping). Call 4 ran it under V8 flags (a larger young generation; --trace-gc) to see
// whether garbage collection is the ~1.7 ms after the decode that the composite (~1 ms) does not explain.
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
const at = {};
const wrap = (obj, name) => {
  const f = obj[name].bind(obj);
  obj[name] = (...a) => { const t = performance.now(); try { return f(...a); } finally { at[name] = [t, performance.now()]; } };
};
wrap(sd, 'decode');
wrap(gpu.latents, 'toHost');
const s = new EditSession(sd);
s.generate({ prompt: BASE_PROMPT, steps: 50, width: 768, height: 768, seed: 1, scheduler: 'dpmpp2m', recordSteps: 10 });
s.prepareEdits();
const d = gpu.driver;
const file = readMaskSet(join(fixturesDir(), '..', 'data', 'masks-dev-300.bin'));
const m = file.masks.find((x) => maskFraction(x.mask) >= 0.28 && maskFraction(x.mask) < 0.32);
const prompt = WHOLE_EDITS[1].prompt;
const rows = [];
const skip = new Set(['rep', 'clock']);
for (let rep = 0; rep < 5; rep++) {
  gpu.synchronize();
  const events = [];
  let lastQueued = 0;
  const e0 = d.event();
  d.record(e0);
  const t0 = performance.now();
  const v = s.edit(prompt, { mask: m.mask, denseSteps: 10, from: 0, onStep: (step) => { const e = d.event(); d.record(e); events[step] = e; lastQueued = performance.now(); } });
  const end = performance.now();
  const lastEnd = t0 + d.elapsed(e0, events[events.length - 1]); // the last step's end in the host's clock (e0 recorded at ~t0)
  const row = {
    rep, wallMs: r2(end - t0), lastStepEndToImageMs: r2(end - lastEnd), latentsWaitAfterLastStepEndMs: r2(at.toHost[1] - lastEnd),
    decodeMs: r2(at.decode[1] - at.decode[0]), afterDecodeMs: r2(end - at.decode[1]), decodeMsTiming: r2(v.timings.decodeMs),
    lastQueuedBeforeEndMs: r2(lastEnd - lastQueued),
    // the host's clock at the call, the last step's end and the decode's return (to place --trace-gc's lines: call 4)
    clock: [r2(t0), r2(lastEnd), r2(at.decode[1])],
  };
  rows.push(row);
  console.log(JSON.stringify(row));
  for (const e of [e0, ...events.filter(Boolean)]) d.destroyEvent(e);
  s.checkout(0);
  s.release(v.id);
  gpu.synchronize();
}
console.log(JSON.stringify({ medians: Object.fromEntries(Object.keys(rows[0]).filter((k) => !skip.has(k)).map((k) => [k, r2(med(rows.map((r) => r[k])))])) }));
