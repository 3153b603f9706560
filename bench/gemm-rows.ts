// A sparse step's linear layers: cuBLASLt against kernels/gemm-rows-sm90.cu's k_gemm_rows
// (CudaBackend.linearRowsKernel), at a 768 px sparse step's shapes, inside CUDA graphs of PER_GRAPH
// layers, each behind a LayerNorm of ours as in a transformer block (k_gemm_rows prefetches its
// weights while that kernel runs; a library kernel cannot start before it ends), and back to back:
// µs a layer (the LayerNorm included where it is), median of REPLAYS replays; the largest difference
// of the kernel's outputs from cuBLASLt's. Weights: PER_GRAPH distinct ones a graph, so that they
// come from memory as in a step, declared parameters as a model's are (Ours: the kernel loads them
// before it waits) and not (OursLate: into L2 before, into registers after); also each split of K a
// build offers (OursSplit<S>, parameters) and blocks of fewer slabs (OursSlabs<s>: more blocks). GPU machine only (Hopper). Writes JSON to $OUT (or bench/results/).
import { CudaBackend } from '../src/backend/cuda/cuda.js';
import { gemmRowsLaunch } from '../src/backend/cuda/gemm-rows.js';
import { GEMM_ROWS_BUILDS } from '../src/backend/cuda/kernels.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { Random } from '../src/util/random.js';
import { benchEnvironment } from './random-weights.js';
import { medianSynchronisedMs } from './stats.js';
import { writeResult } from './output.js';

const PER_GRAPH = 20, REPLAYS = 15;
// [rows, outputs n, K]: a ~5% step's (76 x 1280, 252 x 640, 768 x 320 active tokens at the three
// attention levels), its feed-forwards' second layers, a ~30% step's, a time embedding's
const shapes: [number, number, number][] = process.env.BENCH_SHAPES?.split(',').map((s) => s.split('x').map(Number) as [number, number, number]) ?? [
  [76, 1280, 1280], [252, 640, 640], [768, 320, 320],
  [252, 640, 2560], [768, 320, 1280], [40, 1280, 5120],
  [350, 1280, 1280], [700, 640, 640],
  [2, 320, 1280],
];

const gpu = new CudaBackend();
const driver = gpu.driver;
const rnd = new Random(7);
const tensor = (shape: number[], scale = 1) => gpu.fromHost(rnd.normal(shape.reduce((a, b) => a * b, 1)).map((v) => v * scale), shape);

const results = shapes.map(([m, n, k]) => {
  const launch = gemmRowsLaunch(m, n, k, driver.multiprocessors);
  const x = tensor([m, k]), gamma = tensor([k], 0.1), beta = tensor([k], 0.1), b = tensor([n], 0.1), r = tensor([m, n]);
  const ws = Array.from({ length: PER_GRAPH }, () => gpu.parameter(tensor([n, k], 1 / Math.sqrt(k))));
  const plain = ws.map((w) => gpu.fromHost(gpu.toHost(w), w.shape)); // the same values, no parameter
  const timeOf = (layer: (w: Tensor) => Tensor, normed: boolean, weights = ws): number => {
    const exec = driver.capture(() => {
      for (const w of weights) {
        const input = normed ? gpu.layerNorm(x, gamma, beta, 1e-5) : x;
        gpu.dispose(layer(w));
        if (normed) gpu.dispose(input);
      }
    });
    driver.replay(exec);
    const ms = medianSynchronisedMs(REPLAYS, () => driver.synchronize(), () => driver.replay(exec));
    driver.destroyGraph(exec);
    return Math.round(((ms * 1000) / PER_GRAPH) * 10) / 10;
  };
  const library = (w: Tensor) => gpu.linearLibrary(x, w, b, r);
  const ours = (w: Tensor) => gpu.linearRowsKernel(x, w, b, r);
  const yLib = library(ws[0]!); // its first call makes the library's choice, outside the graphs
  const row: Record<string, unknown> = { m, n, k, launch };
  if (typeof launch !== 'string') {
    const yOurs = ours(ws[0]!);
    const a = gpu.toHost(yLib), o = gpu.toHost(yOurs);
    let maxDiff = 0, maxRef = 0;
    a.forEach((v, i) => {
      maxDiff = Math.max(maxDiff, Math.abs(v - o[i]!));
      maxRef = Math.max(maxRef, Math.abs(v));
    });
    Object.assign(row, { maxDiff, maxRef });
    gpu.dispose(yOurs);
  }
  for (const normed of [true, false]) {
    const key = normed ? 'afterLayerNorm' : 'backToBack';
    row[`${key}LibraryUs`] = timeOf(library, normed);
    if (typeof launch !== 'string') {
      row[`${key}OursUs`] = timeOf(ours, normed);
      row[`${key}OursLateUs`] = timeOf(ours, normed, plain);
    }
    // the choice's alternatives: every split of K a build has for this shape, and blocks of fewer slabs of rows (more blocks)
    const alternatives: { splits?: number; slabs?: number }[] = [...[...new Set(GEMM_ROWS_BUILDS.flatMap((b) => b.splits))].map((splits) => ({ splits })), ...[4, 2, 1].map((slabs) => ({ slabs }))];
    for (const only of alternatives) {
      const l = gemmRowsLaunch(m, n, k, driver.multiprocessors, only);
      if (typeof l === 'string' || (only.slabs && typeof launch !== 'string' && l.slabs === launch.slabs)) continue;
      row[`${key}Ours${only.splits ? `Split${only.splits}` : `Slabs${only.slabs}`}Us`] = timeOf((w) => gpu.linearRowsKernel(x, w, b, r, only), normed);
    }
  }
  console.log(JSON.stringify(row));
  for (const t of [x, gamma, beta, b, r, yLib, ...ws, ...plain]) gpu.dispose(t);
  return row;
});

writeResult('gemm-rows', {
  what: `a sparse step's linear layers (bias and residual): cuBLASLt against k_gemm_rows (weights parameters, loaded before its wait; Late: not parameters, loaded after), inside CUDA graphs of ${PER_GRAPH} (distinct weights), each behind a LayerNorm of ours (µs of the pair) and back to back, median of ${REPLAYS} replays; maxDiff: ours against cuBLASLt's outputs (${gpu.description})`,
  command: `${benchEnvironment()}node dist/bench/gemm-rows.js`,
  date: new Date().toISOString(),
  results,
});
