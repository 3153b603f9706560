// 3x3 convolutions of the shapes a FISEdit step runs (batches of gathered tiles, small full maps),
// each by cuDNN and by im2col + cuBLASLt GEMM, timed inside CUDA graphs as the steps run them:
// which path is faster where. GPU machine only. Writes JSON to $OUT (or bench/results/).
import { CudaBackend, type ConvolutionMode } from '../src/backend/cuda/cuda.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { Random } from '../src/util/random.js';
import { benchEnvironment } from './random-weights.js';
import { graphOpUs } from './stats.js';
import { writeResult } from './output.js';

/** Convolutions per graph (one graph launch and input copy shared by all) and graph replays timed. */
const PER_GRAPH = 10, REPLAYS = Number(process.env.BENCH_REPLAYS ?? 30);

interface Shape { what: string; n: number; side: number; ci: number; co: number; padding: number }

const channels: [number, number][] = [[320, 320], [640, 640], [1280, 1280], [2560, 1280], [640, 320], [1920, 1280]];
const shapes: Shape[] = [];
for (const [ci, co] of channels) {
  // tiles of blocks 2, 4, 8 and 16 with their halo, as many as a 5-30% mask gives
  for (const [side, tiles] of [[4, 8], [4, 48], [6, 8], [6, 48], [10, 8], [10, 24], [18, 4], [18, 16]] as const)
    shapes.push({ what: 'tiles', n: 2 * tiles, side, ci, co, padding: 0 });
  // full maps of a classifier-free-guidance batch (the dense fallback and the dense steps)
  for (const side of [12, 24, 48]) shapes.push({ what: 'map', n: 2, side, ci, co, padding: 1 });
}

const rnd = new Random(7);
const backends = Object.fromEntries((['cudnn', 'gemm'] as ConvolutionMode[]).map((c) => [c, new CudaBackend({ convolution: c })])) as Record<'cudnn' | 'gemm', CudaBackend>;

const made = new Map<string, { w: Tensor; b: Tensor }>();
/** A convolution's weight and bias on `gpu`, made once per channel pair. */
function weights(gpu: CudaBackend, ci: number, co: number): { w: Tensor; b: Tensor } {
  const key = `${gpu.convolution} ${ci} ${co}`;
  let m = made.get(key);
  if (!m) made.set(key, (m = { w: gpu.keep(gpu.convWeight(rnd.normal(co * ci * 9).map((v) => v * 0.02), [co, ci, 3, 3])), b: gpu.keep(gpu.fromHost(rnd.normal(co), [co])) }));
  return m;
}

/** Microseconds per convolution on `gpu` (median over replays of a graph of PER_GRAPH convolutions). */
function timeConv(gpu: CudaBackend, s: Shape, key: string): number {
  const x = gpu.fromHost(rnd.normal(s.n * s.side * s.side * s.ci), [s.n, s.side, s.side, s.ci]);
  const { w, b } = weights(gpu, s.ci, s.co);
  return graphOpUs(gpu, x, key, (xi) => gpu.conv2d(xi, w, b, { padding: s.padding }), PER_GRAPH, REPLAYS).us;
}

const results = shapes.map((s, i) => {
  const cudnnUs = timeConv(backends.cudnn, s, `conv-${i}`), gemmUs = timeConv(backends.gemm, s, `conv-${i}`);
  const out = Math.max(0, s.side + 2 * s.padding - 2);
  const r = { ...s, rows: s.n * out * out, cudnnUs: Math.round(cudnnUs * 10) / 10, gemmUs: Math.round(gemmUs * 10) / 10 };
  console.log(JSON.stringify(r));
  return r;
});

const out = {
  what: `3x3 convolutions by cuDNN and by im2col + GEMM inside CUDA graphs (${backends.cudnn.description}); microseconds per convolution, median of ${REPLAYS} replays of ${PER_GRAPH}`,
  command: `${benchEnvironment()}node dist/bench/conv.js`,
  date: new Date().toISOString(),
  results,
};
writeResult('conv-paths', out);
