// Whether a process computes the same bits for the same edit, whichever backend and whenever: backends
// made one after another (BENCH_ORDER: each 'on' or 'off', with or without dependent launches), each
// a tiny-sd2 generation, an edit recorded as graphs, the same edit replayed, and once more eagerly.
// For each backend: its first (recorded) edit against its replay (the first step whose starting
// latents differ, how many pixels of the automatic mask differ); then every result against the first
// backend's. Sessions 28-30 saw edits part now and then; session 30 found why (cuDNN's kernels
// recorded as programmatic dependents of ours: README, "A nondeterminism, found and fixed"). A fresh
// home (FISEDIT_HOME) per process makes its trials and borrowing happen as in a fresh install.
// BENCH_REPLAYS=N replays the edit N times (default 1) and counts the replays that part from the
// recorded edit, by where they parted; BENCH_SYNC=1 makes the host wait for each graph before it
// queues the next (GraphReplays.phases), which tells a race with the host's queuing from one inside
// the GPU's work. BENCH_EAGER=N runs the edit eagerly N more times and counts those that part from
// the first eager one; BENCH_CONV=cudnn|gemm|auto (default) is CudaOptions.convolution (cudnn: the
// eager runs convolve by cuDNN too). Each backend also reports the programmatic edges into library
// kernels in its recorded graphs (Driver.libraryDependents; none expected).
// Usage: BENCH_ORDER=on,off,on [BENCH_GC=1] [BENCH_REPLAYS=N] [BENCH_SYNC=1] [BENCH_EAGER=N] [BENCH_CONV=cudnn] node --expose-gc dist/bench/repeatability.js
import { join } from 'node:path';
import { CudaBackend } from '../src/backend/cuda/cuda.js';
import type { ConvolutionMode } from '../src/backend/cuda/options.js';
import { EditSession, type Version } from '../src/edit/session.js';
import { StableDiffusion } from '../src/pipeline/text-to-image.js';
import { fixturesDir } from '../src/verify/fixtures.js';
import { benchEnvironment } from './random-weights.js';
import { writeResult } from './output.js';

const order = (process.env.BENCH_ORDER ?? 'on,off,on').split(',');
for (const o of order) if (o !== 'on' && o !== 'off') throw new Error(`BENCH_ORDER: '${o}' is not on or off`);
/** BENCH_GC=1: the garbage collector runs before each edit (needs --expose-gc). */
const collect = process.env.BENCH_GC === '1' ? () => globalThis.gc?.() : () => {};
const REPLAYS = Number(process.env.BENCH_REPLAYS ?? 1), SYNC = process.env.BENCH_SYNC === '1';
if (!Number.isInteger(REPLAYS) || REPLAYS < 1) throw new Error(`BENCH_REPLAYS: '${process.env.BENCH_REPLAYS}' is not a whole number of replays`);
const EAGER = Number(process.env.BENCH_EAGER ?? 0), CONV = (process.env.BENCH_CONV ?? 'auto') as ConvolutionMode;
if (!Number.isInteger(EAGER) || EAGER < 0) throw new Error(`BENCH_EAGER: '${process.env.BENCH_EAGER}' is not a whole number of eager edits`);
if (!['auto', 'cudnn', 'gemm'].includes(CONV)) throw new Error(`BENCH_CONV: '${CONV}' is not auto, cudnn or gemm`);
const dir = fixturesDir();
if (!dir) throw new Error('fixtures not found: run ../shared/device/prepare.sh --fixtures tiny-sd2');
const gen = { prompt: 'a red cube on a table', steps: 6, seed: 3, width: 128, height: 128, recordSteps: 6 };
const EDIT = 'a red ball on a table', AT = { from: 0, denseSteps: 2 };

/**
 * An edit's automatic mask, the latents each of its steps started from, and each step's recorded
 * layers (outputs, then GroupNorm scale and shift, in the order the step made them), read at once:
 * a sparse step's layers are the base's buffers, which the next edit writes into.
 */
interface Trace {
  latents: Float32Array;
  mask: Uint8Array | undefined;
  steps: { latents: Float32Array; layers: Map<string, Float32Array> }[];
}
const KINDS = ['generation', 'recorded', 'replayed', 'eager'] as const;

const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);
const compare = (a: Float32Array, b: Float32Array) => (same(a, b) ? 'same' : maxDiff(a, b).toExponential(2));
/** The first of a step's layers whose values differ between two traces (a layer one lacks counts as differing). */
function firstLayerDiffering(a: Map<string, Float32Array>, b: Map<string, Float32Array>): { layer: string; diff: string } | undefined {
  for (const [layer, x] of a) {
    const y = b.get(layer);
    if (!y) return { layer, diff: 'absent from the replay' };
    if (!same(x, y)) return { layer, diff: compare(x, y) };
  }
  return undefined;
}

/** Where two traces of an edit part: the first step whose starting latents differ (-1: none), and the first layer differing in the step before it. */
function parting(a: Trace, b: Trace): { firstStep: number; layer?: { step: number; layer: string; diff: string } } {
  const firstStep = a.steps.findIndex((x, k) => !b.steps[k] || !same(x.latents, b.steps[k]!.latents));
  const layer = firstStep > 0 ? firstLayerDiffering(a.steps[firstStep - 1]!.layers, b.steps[firstStep - 1]!.layers) : undefined;
  return { firstStep, layer: layer && { step: firstStep - 1, ...layer } };
}

let device = '';
const runs = order.map((launches, i) => {
  const b = new CudaBackend({ math: 'fp16', dependentLaunches: launches === 'on', convolution: CONV });
  if (SYNC) b.replays.phases = { copyInMs: 0, graphMs: 0, copyOutMs: 0, calls: 0 };
  device ||= b.description;
  const s = new EditSession(StableDiffusion.load(join(dir, 'tiny-sd2'), b));
  const trace = (v: Version): Trace => ({
    latents: v.latents, mask: v.mask && Uint8Array.from(v.mask),
    steps: v.cache?.steps.map((st) => ({
      latents: b.latents.toHost(st.latents),
      layers: new Map([...[...st.tensors].map(([name, t]) => [name, b.toHost(t)] as const), ...[...st.norms].flatMap(([name, n]) => [[`${name} scale`, b.toHost(n.scale)], [`${name} shift`, b.toHost(n.shift)]] as const)]),
    })) ?? [],
  });
  const generation = trace(s.generate(gen));
  b.hostCosts.take(); // the first edit's own costs from here
  collect();
  const recorded = trace(s.edit(EDIT, AT));
  const costs = b.hostCosts.take();
  const replays = Array.from({ length: REPLAYS }, () => (collect(), trace(s.edit(EDIT, AT))));
  const replayed = replays[0]!;
  // each replay that parts from the recorded edit, counted by where it parted
  const partedReplays: Record<string, number> = {};
  let partedCount = 0;
  for (const x of replays) {
    if (same(x.latents, recorded.latents)) continue;
    partedCount++;
    const p = parting(recorded, x), where = p.layer ? `step ${p.layer.step} ${p.layer.layer} (${p.layer.diff})` : `step ${p.firstStep}`;
    partedReplays[where] = (partedReplays[where] ?? 0) + 1;
  }
  b.replays.enabled = false;
  const eager = trace(s.edit(EDIT, AT));
  const eagerParted = Array.from({ length: EAGER }, () => (collect(), trace(s.edit(EDIT, AT)))).filter((x) => !same(x.latents, eager.latents)).length;
  b.replays.enabled = true;
  const libraryDependents = Object.fromEntries(b.driver.libraryDependents());
  const maskPixels = recorded.mask && replayed.mask ? recorded.mask.reduce((n, x, p) => n + (x !== replayed.mask![p] ? 1 : 0), 0) : undefined;
  // the first step whose starting latents differ, and the first layer that differs in the step before it (where the edits parted)
  const { firstStep, layer: parted } = parting(recorded, replayed);
  const r = {
    backend: i, dependentLaunches: launches, recordedAgainstReplayed: compare(recorded.latents, replayed.latents),
    firstStepDiffering: firstStep, firstLayerDiffering: parted, replays: REPLAYS, replaysParted: partedCount, partedReplays, eagerRepeats: EAGER, eagerParted, libraryDependents, maskPixelsDiffering: maskPixels, eagerAgainstReplayed: compare(eager.latents, replayed.latents),
    firstEditCosts: Object.fromEntries(Object.entries(costs).filter(([k]) => /borrow|trial|heuristic/.test(k)).map(([k, c]) => [k, c.calls])),
  };
  if (EAGER) console.log(`backend ${i} (dependent launches ${launches}, ${CONV} convolutions): ${eagerParted} of ${EAGER} eager edits parted from the first eager one`);
  console.log(`backend ${i}: programmatic edges from our kernels into library kernels in its graphs: ${JSON.stringify(libraryDependents)}`);
  if (REPLAYS > 1) console.log(`backend ${i} (dependent launches ${launches}${SYNC ? ', synchronised replays' : ''}): ${partedCount} of ${REPLAYS} replays parted from the recorded edit ${JSON.stringify(partedReplays)}`);
  console.log(`backend ${i} (dependent launches ${launches}): recorded edit against its replay ${r.recordedAgainstReplayed}, first step differing ${firstStep}${parted ? ` (step ${parted.step}'s first layer differing: ${parted.layer}, ${parted.diff})` : ''}, mask pixels differing ${maskPixels}; eager against replayed ${r.eagerAgainstReplayed}; ${JSON.stringify(r.firstEditCosts)}`);
  return { r, results: { generation, recorded, replayed, eager } };
});
const againstFirst = runs.slice(1).map(({ results }) => Object.fromEntries(KINDS.map((k) => [k, compare(results[k].latents, runs[0]!.results[k].latents)])) as Record<(typeof KINDS)[number], string>);
againstFirst.forEach((a, j) => console.log(`backend ${j + 1} against backend 0: ${KINDS.map((k) => `${k} ${a[k]}`).join(', ')}`));
writeResult('repeatability-cuda-fp16', {
  what: 'whether backends of one process compute the same bits for the same tiny-sd2 edit, recorded, replayed and eager',
  command: `${benchEnvironment()}node --expose-gc dist/bench/repeatability.js`,
  replays: REPLAYS, synchronisedReplays: SYNC,
  date: new Date().toISOString(),
  device,
  backends: runs.map(({ r }) => r),
  againstFirst,
});
