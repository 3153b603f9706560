// GroupNorm statistics as a sparse step computes them (Backend.groupNormAffine with an update: the
// base's sums plus what a write changed, folded into scale and shift: k_group_affine alone) and as a
// dense step does (every segment's sums, k_group_partial + k_group_affine), for the map shapes of the
// SD 2 U-Net at 768 px and a ~5% mask's square of positions at each resolution; timed inside CUDA
// graphs as the steps run them. GPU machine only. Writes JSON to $OUT (or bench/results/).
import type { SumsChange } from '../src/backend/backend.js';
import { CudaBackend } from '../src/backend/cuda/cuda.js';
import { Random } from '../src/util/random.js';
import { benchEnvironment } from './random-weights.js';
import { graphOpUs } from './stats.js';
import { writeResult } from './output.js';

const PER_GRAPH = 10, REPLAYS = Number(process.env.BENCH_REPLAYS ?? 30), GROUPS = 32;
/** [map side, channels, side of the written square]: a 768 px U-Net's GroupNorm inputs; the positions a ~5% blob with halo writes. */
const shapes: [number, number, number][] = [
  [96, 320, 20], [96, 640, 20], [96, 960, 20], [48, 320, 12], [48, 640, 12], [48, 960, 12], [48, 1280, 12],
  [24, 640, 8], [24, 1280, 8], [24, 1920, 8], [24, 2560, 8], [12, 1280, 6], [12, 2560, 6],
];
/** BENCH_GN_SHAPES=side:channels,...: only those (e.g. under Nsight Compute). */
const only = process.env.BENCH_GN_SHAPES?.split(',');
const gpu = new CudaBackend({ dependentLaunches: process.env.BENCH_DEPENDENT_LAUNCHES !== 'off' });
const rnd = new Random(5);
const results: { side: number; channels: number; positionsWritten: number; sparseUs: number; denseUs: number }[] = [];
for (const [side, c, flagged] of shapes) {
  if (only && !only.includes(`${side}:${c}`)) continue;
  const shape = [2, side, side, c];
  const host = rnd.normal(shape.reduce((a, b) => a * b));
  const gamma = gpu.keep(gpu.fromHost(rnd.normal(c), [c])), beta = gpu.keep(gpu.fromHost(rnd.normal(c), [c]));
  const base = gpu.keep(gpu.tidy(() => gpu.groupNormAffine(gpu.fromHost(host, shape), GROUPS, gamma, beta, 1e-5).sums));
  // what writing the square's positions changed (its change has a part a block of the write)
  const from = Math.floor((side - flagged) / 2), idx = Int32Array.from({ length: flagged * flagged }, (_, i) => (from + Math.floor(i / flagged)) * side + from + (i % flagged));
  const changes: SumsChange[] = [];
  const map = gpu.fromHost(host, [2, side * side, c]), rows = gpu.fromHost(rnd.normal(2 * idx.length * c), [2, idx.length, c]);
  gpu.dispose(gpu.overwriteRows(map, rows, idx, false, changes));
  [map, rows].forEach((t) => gpu.dispose(t));
  const update = { base, changes: changes.map((change) => ({ change: gpu.keep(change), channel: 0 })) };
  const time = (sparse: boolean, key: string) => graphOpUs(gpu, gpu.fromHost(host, shape), key, (x) => gpu.groupNormAffine(x, GROUPS, gamma, beta, 1e-5, sparse ? update : undefined).scale, PER_GRAPH, REPLAYS).us;
  const sparseUs = time(true, `gn sparse ${side} ${c}`), denseUs = time(false, `gn dense ${side} ${c}`);
  const r = { side, channels: c, positionsWritten: idx.length, sparseUs: +sparseUs.toFixed(2), denseUs: +denseUs.toFixed(2) };
  console.log(JSON.stringify(r));
  results.push(r);
  [gamma, beta, base, ...update.changes.map((u) => u.change)].forEach((t) => gpu.dispose(t));
}
const sum = (k: 'sparseUs' | 'denseUs') => +results.reduce((a, r) => a + r[k], 0).toFixed(1);
console.log(`sum over the shapes: sparse ${sum('sparseUs')} µs, dense ${sum('denseUs')} µs`);
writeResult('group-norm', {
  what: `GroupNorm statistics and fold (groupNormAffine) per call inside CUDA graphs, ${PER_GRAPH} calls a graph, median of ${REPLAYS} replays (${gpu.description}): sparse = the base's sums plus a write's change`,
  command: `${benchEnvironment()}node dist/bench/group-norm.js`,
  date: new Date().toISOString(), device: gpu.description, results, sparseSumUs: sum('sparseUs'), denseSumUs: sum('denseUs'),
});
