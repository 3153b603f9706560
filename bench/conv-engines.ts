// The 3x3 convolutions of the SD 2 U-Net at 768 px (batch 2, NHWC fp16) and a few of a FISEdit
// step's tile batches: the legacy API's implicit-precomputed GEMM (what the cuda backend runs in
// graphs) against every engine configuration cuDNN's backend API proposes, each timed inside a CUDA
// graph. Answers whether choosing the configuration by timing would pay. GPU machine only; writes
// JSON to $OUT (or bench/results/).
import { CudaBackend } from '../src/backend/cuda/cuda.js';
import { CudnnEngines, HEUR_A, HEUR_B, NO_EPILOGUE, type ConvEpilogue, type ConvPlan, type ConvPointers, type EngineChoice } from '../src/backend/cuda/cudnn-engines.js';
import type { ConvShape } from '../src/backend/cuda/cudnn.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { Random } from '../src/util/random.js';
import { benchEnvironment } from './random-weights.js';
import { devicePtr, graphLaunchUs, graphOpUs } from './stats.js';
import { writeResult } from './output.js';

const PER_GRAPH = 10, REPLAYS = Number(process.env.BENCH_REPLAYS ?? 20);
/** Configurations timed from the top of each heuristic's list (the fastest were within its first 22 in session 16's full run). */
const CANDIDATES = Number(process.env.BENCH_CANDIDATES ?? 12);
const WORKSPACE_BYTES = 64 * 2 ** 20;

/**
 * [side, ci, co, stride, count a 768 px U-Net call runs it] of the padded map convolutions (an upsampler's at
 * the map it makes: up_blocks[2]'s 640 -> 640 at 96, counted at 48 until session 60); then tiles.
 */
const maps: [number, number, number, number, number][] = [
  [96, 320, 320, 1, 7], [96, 640, 320, 1, 2], [96, 960, 320, 1, 1], [96, 640, 640, 1, 1], [96, 320, 320, 2, 1],
  [48, 640, 640, 1, 6], [48, 320, 640, 1, 1], [48, 1280, 640, 1, 1], [48, 1920, 640, 1, 1], [48, 960, 640, 1, 1], [48, 1280, 1280, 1, 1], [48, 640, 640, 2, 1],
  [24, 1280, 1280, 1, 7], [24, 640, 1280, 1, 1], [24, 2560, 1280, 1, 2], [24, 1920, 1280, 1, 1], [24, 1280, 1280, 2, 1],
];
/** [tiles, side, ci, co] of gathered tile batches (unpadded), as bench/conv.ts. */
const tiles: [number, number, number, number][] = [[96, 6, 640, 640], [96, 6, 1280, 1280], [16, 10, 1280, 1280], [32, 18, 320, 320], [32, 18, 640, 640]];

const gpu = new CudaBackend({ convolution: 'cudnn' });
const engines = new CudnnEngines(gpu.driver.stream);
gpu.driver.followStream((s) => engines.useStream(s)); // onto the recording stream while a graph is recorded
const workspace = gpu.keep(gpu.zeros([WORKSPACE_BYTES / gpu.elementBytes]));
const rnd = new Random(11);

/** Microseconds a convolution by `plan` (a graph of PER_GRAPH runs, median over replays). */
function planUs(p: ConvPlan, io: ConvPointers): number {
  return graphLaunchUs(gpu.driver, () => engines.execute(p, devicePtr(workspace), io), PER_GRAPH, REPLAYS);
}

const msSince = (t0: number) => +(performance.now() - t0).toFixed(2);

/** The epilogues timed: none, bias + residual (a resnet's second convolution). */
const EPILOGUES: Record<string, ConvEpilogue> = {
  plain: NO_EPILOGUE,
  'bias+residual': { bias: true, residual: true },
};

/** Each configuration of the first CANDIDATES of heuristics A and B, timed; the host costs of getting there. */
function measure(what: string, s: ConvShape, count: number, epilogue: string) {
  const e = EPILOGUES[epilogue]!;
  const host = rnd.normal(s.n * s.h * s.w * s.ci);
  const x = gpu.keep(gpu.fromHost(host, [s.n, s.h, s.w, s.ci]));
  const w = gpu.keep(gpu.convWeight(rnd.normal(s.co * s.ci * 9).map((v) => v * 0.02), [s.co, s.ci, 3, 3]));
  const b = gpu.keep(gpu.fromHost(rnd.normal(s.co), [s.co]));
  const residual = gpu.keep(gpu.fromHost(rnd.normal(s.n * s.ho * s.wo * s.co), [s.n, s.ho, s.wo, s.co]));
  const y = gpu.keep(gpu.zeros([s.n, s.ho, s.wo, s.co]));
  const opts = { stride: s.stride, padding: s.padH };
  const conv = (xi: Tensor) => gpu.conv2d(xi, w, e.bias ? b : undefined, opts, e.residual ? residual : undefined);
  const ref = gpu.toHost(gpu.tidy(() => conv(x)));
  // (graphOpUs gives its input back at the end)
  const legacyUs = graphOpUs(gpu, gpu.keep(gpu.fromHost(host, [s.n, s.h, s.w, s.ci])), `legacy ${what} ${epilogue}`, conv, PER_GRAPH, REPLAYS).us;
  const io = { x: devicePtr(x), w: devicePtr(w), y: devicePtr(y), bias: e.bias ? devicePtr(b) : 0, residual: e.residual ? devicePtr(residual) : 0 };
  let t0 = performance.now();
  const graph = engines.graph(s, e);
  const graphMs = msSince(t0);
  const timed: { mode: string; rank: number; us: number; workspaceMiB: number; maxDiff: number; choice: EngineChoice }[] = [];
  const hostMs: Record<string, number> = { graphMs };
  let plans = 0, planMs = 0;
  for (const [mode, m] of [['A', HEUR_A], ['B', HEUR_B]] as const) {
    t0 = performance.now();
    const configs = engines.configs(graph, m);
    hostMs[`heuristic${mode}Ms`] = msSince(t0);
    for (const [rank, config] of configs.slice(0, CANDIDATES).entries()) {
      t0 = performance.now();
      const p = engines.plan(config, WORKSPACE_BYTES);
      planMs += performance.now() - t0, plans++;
      if (!p) continue;
      try {
        const us = planUs(p, io);
        const out = gpu.toHost(y);
        let maxDiff = 0;
        for (let i = 0; i < out.length; i++) maxDiff = Math.max(maxDiff, Math.abs(out[i]! - ref[i]!));
        timed.push({ mode, rank, us: +us.toFixed(1), workspaceMiB: +(p.workspaceBytes / 2 ** 20).toFixed(1), maxDiff: +maxDiff.toExponential(2), choice: engines.choice(config) });
      } catch (e) {
        console.log(`${what}: rank ${rank} (${mode}): ${(e as Error).message}`);
      }
      engines.release(p);
    }
  }
  hostMs.planMsEach = +(planMs / Math.max(1, plans)).toFixed(2);
  const best = timed.filter((t) => t.maxDiff < 0.05).sort((a, b) => a.us - b.us)[0];
  // what a process pays for a shape whose choice it already has: the graph, the chosen configuration and its plan
  if (best) {
    t0 = performance.now();
    const again = engines.choiceConfig(engines.graph(s, e), best.choice);
    const p = again && engines.plan(again);
    hostMs.fromChoiceMs = msSince(t0);
    if (p) {
      hostMs.rebuiltUs = +planUs(p, io).toFixed(1);
      // what a process pays with the plan stored as text instead (runtime-compiled engines only)
      t0 = performance.now();
      const text = engines.serialize(p);
      hostMs.serializeMs = msSince(t0);
      if (text) {
        hostMs.textKiB = +(text.length / 1024).toFixed(1);
        t0 = performance.now();
        const loaded = engines.deserialize(text);
        hostMs.deserializeMs = msSince(t0);
        if (loaded) {
          hostMs.deserializedUs = +planUs(loaded, io).toFixed(1);
          engines.release(loaded);
        }
      }
      engines.release(p);
    }
  }
  [x, w, b, residual, y].forEach((t) => gpu.dispose(t));
  const macs = s.n * s.ho * s.wo * s.co * s.ci * 9;
  const first = timed.find((t) => t.mode === 'A');
  const r = {
    what, epilogue, ...s, count, legacyUs: +legacyUs.toFixed(1), heuristicFirstUs: first?.us, best, bestTflops: best ? +((2 * macs) / best.us / 1e6).toFixed(0) : undefined,
    savedUsPerCall: best && first ? +(count * Math.max(0, first.us - best.us)).toFixed(1) : 0, hostMs,
  };
  console.log(JSON.stringify(r));
  return { ...r, timed };
}

/** BENCH_SIDES: only the maps of these sides (e.g. 48,24). */
const sides = process.env.BENCH_SIDES?.split(',').map(Number);
const results = [
  ...maps.filter(([side]) => !sides || sides.includes(side)).map(([side, ci, co, stride, count]) => {
    const out = Math.floor((side + 2 - 3) / stride) + 1;
    const shape = { n: 2, h: side, w: side, ci, co, kh: 3, kw: 3, ho: out, wo: out, stride, padH: 1, padW: 1 };
    return Object.keys(EPILOGUES).map((epilogue) => measure(`map ${side} ${ci}->${co}${stride > 1 ? ' /2' : ''}`, shape, count, epilogue));
  }).flat(),
  ...tiles.map(([n, side, ci, co]) => measure(`tiles ${n}x${side} ${ci}->${co}`, { n, h: side, w: side, ci, co, kh: 3, kw: 3, ho: side - 2, wo: side - 2, stride: 1, padH: 0, padW: 0 }, 0, 'bias+residual')),
];
const saved = results.filter((r) => r.epilogue === 'bias+residual').reduce((a, r) => a + r.savedUsPerCall, 0);
console.log(`U-Net call at 768 px: ${(saved / 1000).toFixed(3)} ms of 3x3 convolutions (with bias and residual) saved by the fastest configurations over the heuristic's first`);

writeResult('conv-engines', {
  what: `3x3 convolutions (NHWC fp16): plain and with bias and residual fused: the legacy API's implicit-precomputed GEMM (in graphs of ${PER_GRAPH}) against the first ${CANDIDATES} engine configurations of each of cuDNN's heuristics A and B (backend API), median of ${REPLAYS} replays (${gpu.description}); best: the fastest whose output is within 0.05 of the legacy's; savedUsPerCall: count x (heuristic A's first - best), a 768 px U-Net call; hostMs: building the graph, each heuristic's query, a plan, the best choice rebuilt for a new graph, and its plan serialized and deserialized (runtime-compiled engines)`,
  command: `${benchEnvironment()}node dist/bench/conv-engines.js`,
  date: new Date().toISOString(),
  savedMsPerUnetCall: +(saved / 1000).toFixed(3),
  results,
});
