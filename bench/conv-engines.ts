// The 3x3 convolutions of the SD 2 U-Net at 768 px (batch 2, NHWC fp16) and a few of a FISEdit
// step's tile batches: the legacy API's implicit-precomputed GEMM (what the cuda backend runs in
// graphs) against every engine configuration cuDNN's backend API proposes, each timed inside a CUDA
// graph. Answers whether choosing the configuration by timing would pay. GPU machine only; writes
// JSON to $OUT (or bench/results/).
import { CudaBackend } from '../src/backend/cuda/cuda.js';
import { CudnnEngines, HEUR_A, HEUR_B, type ConvPlan } from '../src/backend/cuda/cudnn-engines.js';
import type { ConvShape } from '../src/backend/cuda/cudnn.js';
import type { DeviceBuffer } from '../src/backend/cuda/memory.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { Random } from '../src/util/random.js';
import { benchEnvironment } from './random-weights.js';
import { graphOpUs, medianSynchronisedMs } from './stats.js';
import { writeResult } from './output.js';

const PER_GRAPH = 10, REPLAYS = Number(process.env.BENCH_REPLAYS ?? 20);
const WORKSPACE_BYTES = 64 * 2 ** 20;

/** [side, ci, co, stride, count a 768 px U-Net call runs it] of the padded map convolutions; then tiles. */
const maps: [number, number, number, number, number][] = [
  [96, 320, 320, 1, 7], [96, 640, 320, 1, 2], [96, 960, 320, 1, 1], [96, 320, 320, 2, 1],
  [48, 640, 640, 1, 7], [48, 320, 640, 1, 1], [48, 1280, 640, 1, 1], [48, 1920, 640, 1, 1], [48, 960, 640, 1, 1], [48, 1280, 1280, 1, 1], [48, 640, 640, 2, 1],
  [24, 1280, 1280, 1, 7], [24, 640, 1280, 1, 1], [24, 2560, 1280, 1, 2], [24, 1920, 1280, 1, 1], [24, 1280, 1280, 2, 1],
];
/** [tiles, side, ci, co] of gathered tile batches (unpadded), as bench/conv.ts. */
const tiles: [number, number, number, number][] = [[96, 6, 640, 640], [96, 6, 1280, 1280], [16, 10, 1280, 1280], [32, 18, 320, 320], [32, 18, 640, 640]];

const gpu = new CudaBackend({ convolution: 'cudnn' });
const engines = new CudnnEngines(gpu.driver.stream);
const workspace = gpu.keep(gpu.zeros([WORKSPACE_BYTES / gpu.elementBytes]));
const rnd = new Random(11);
const ptr = (t: Tensor) => (t.storage as DeviceBuffer).ptr;

/** Microseconds a convolution by `plan` (a graph of PER_GRAPH runs, median over replays). */
function planUs(p: ConvPlan, x: Tensor, w: Tensor, y: Tensor): number {
  const exec = gpu.driver.capture(() => {
    for (let i = 0; i < PER_GRAPH; i++) engines.execute(p, ptr(workspace), ptr(x), ptr(w), ptr(y));
  });
  gpu.driver.replay(exec);
  const us = (medianSynchronisedMs(REPLAYS, () => gpu.synchronize(), () => gpu.driver.replay(exec)) * 1000) / PER_GRAPH;
  gpu.driver.destroyGraph(exec);
  return us;
}

function measure(what: string, s: ConvShape, count: number) {
  const x = gpu.keep(gpu.fromHost(rnd.normal(s.n * s.h * s.w * s.ci), [s.n, s.h, s.w, s.ci]));
  const w = gpu.keep(gpu.convWeight(rnd.normal(s.co * s.ci * 9).map((v) => v * 0.02), [s.co, s.ci, 3, 3]));
  const y = gpu.keep(gpu.zeros([s.n, s.ho, s.wo, s.co]));
  const legacyUs = graphOpUs(gpu, x, `legacy ${what}`, (xi) => gpu.conv2d(xi, w, undefined, { stride: s.stride, padding: s.padH }), PER_GRAPH, REPLAYS).us;
  const ref = gpu.toHost(gpu.conv2d(x, w, undefined, { stride: s.stride, padding: s.padH }));
  const timed: { engine: number; rank: number; mode: string; us: number; workspaceMiB: number; maxDiff: number }[] = [];
  for (const [mode, m] of [['A', HEUR_A], ['B', HEUR_B]] as const) {
    let plans: ConvPlan[] = [];
    try {
      plans = engines.plans(engines.graph(s, false, false), m);
    } catch (e) {
      console.log(`${what}: heuristic ${mode}: ${(e as Error).message}`);
    }
    for (const p of plans) {
      if (p.workspaceBytes > WORKSPACE_BYTES) continue;
      try {
        const us = planUs(p, x, w, y);
        const out = gpu.toHost(y);
        let maxDiff = 0;
        for (let i = 0; i < out.length; i++) maxDiff = Math.max(maxDiff, Math.abs(out[i]! - ref[i]!));
        timed.push({ engine: p.engine, rank: p.rank, mode, us: +us.toFixed(1), workspaceMiB: +(p.workspaceBytes / 2 ** 20).toFixed(1), maxDiff: +maxDiff.toExponential(2) });
      } catch (e) {
        console.log(`${what}: engine ${p.engine} (rank ${p.rank}, ${mode}): ${(e as Error).message}`);
      }
    }
  }
  [x, w, y].forEach((t) => gpu.dispose(t));
  const best = timed.filter((t) => t.maxDiff < 0.05).sort((a, b) => a.us - b.us)[0];
  const macs = s.n * s.ho * s.wo * s.co * s.ci * 9;
  const r = {
    what, ...s, count, legacyUs: +legacyUs.toFixed(1), legacyTflops: +((2 * macs) / legacyUs / 1e6).toFixed(0),
    best, bestTflops: best ? +((2 * macs) / best.us / 1e6).toFixed(0) : undefined,
    savedUsPerCall: best ? +(count * Math.max(0, legacyUs - best.us)).toFixed(1) : 0,
    configs: timed.length, heuristicFirst: timed.find((t) => t.mode === 'A' && t.rank === Math.min(...timed.filter((u) => u.mode === 'A').map((u) => u.rank))),
  };
  console.log(JSON.stringify({ ...r, h: undefined }));
  return { ...r, timed };
}

const results = [
  ...maps.map(([side, ci, co, stride, count]) => {
    const out = Math.floor((side + 2 - 3) / stride) + 1;
    return measure(`map ${side} ${ci}->${co}${stride > 1 ? ' /2' : ''}`, { n: 2, h: side, w: side, ci, co, kh: 3, kw: 3, ho: out, wo: out, stride, padH: 1, padW: 1 }, count);
  }),
  ...tiles.map(([n, side, ci, co]) => measure(`tiles ${n}x${side} ${ci}->${co}`, { n, h: side, w: side, ci, co, kh: 3, kw: 3, ho: side - 2, wo: side - 2, stride: 1, padH: 0, padW: 0 }, 0)),
];
const saved = results.reduce((a, r) => a + r.savedUsPerCall, 0);
console.log(`U-Net call at 768 px: ${(saved / 1000).toFixed(3)} ms of 3x3 convolutions saved by the fastest configurations`);

writeResult('conv-engines', {
  what: `3x3 convolutions (NHWC fp16): the legacy API's implicit-precomputed GEMM (bias-free, in graphs of ${PER_GRAPH}) against each engine configuration of cuDNN's backend API (heuristics A and B), median of ${REPLAYS} replays (${gpu.description}); best: the fastest whose output is within 0.05 of the legacy's; savedUsPerCall: count x the difference, a 768 px U-Net call`,
  command: `${benchEnvironment()}node dist/bench/conv-engines.js`,
  date: new Date().toISOString(),
  savedMsPerUnetCall: +(saved / 1000).toFixed(3),
  results,
});
