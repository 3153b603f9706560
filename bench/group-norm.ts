// GroupNorm statistics as a sparse step computes them (Backend.groupNormAffine with a row update:
// the flagged rows' segment sums afresh, the others the base's, folded into scale and shift) and as
// a dense step does (every segment), for the map shapes of the SD 2 U-Net at 768 px and the rows a
// ~5% mask flags at each resolution; timed inside CUDA graphs as the steps run them (k_group_partial
// + k_group_affine). GPU machine only. Writes JSON to $OUT (or bench/results/).
import { CudaBackend } from '../src/backend/cuda/cuda.js';
import { Random } from '../src/util/random.js';
import { benchEnvironment } from './random-weights.js';
import { graphOpUs } from './stats.js';
import { writeResult } from './output.js';

const PER_GRAPH = 10, REPLAYS = Number(process.env.BENCH_REPLAYS ?? 30), GROUPS = 32;
/** [map side, channels, rows flagged]: a 768 px U-Net's GroupNorm inputs; flagged rows as a ~5% blob with halo gives. */
const shapes: [number, number, number][] = [
  [96, 320, 20], [96, 640, 20], [96, 960, 20], [48, 320, 12], [48, 640, 12], [48, 960, 12], [48, 1280, 12],
  [24, 640, 8], [24, 1280, 8], [24, 1920, 8], [24, 2560, 8], [12, 1280, 6], [12, 2560, 6],
];
/** BENCH_GN_SHAPES=side:channels,...: only those (e.g. under Nsight Compute). */
const only = process.env.BENCH_GN_SHAPES?.split(',');
const gpu = new CudaBackend({ dependentLaunches: process.env.BENCH_DEPENDENT_LAUNCHES !== 'off' });
const rnd = new Random(5);
const results: { side: number; channels: number; rowsFlagged: number; sparseUs: number; denseUs: number }[] = [];
for (const [side, c, flagged] of shapes) {
  if (only && !only.includes(`${side}:${c}`)) continue;
  const shape = [2, side, side, c];
  const host = rnd.normal(shape.reduce((a, b) => a * b));
  const gamma = gpu.keep(gpu.fromHost(rnd.normal(c), [c])), beta = gpu.keep(gpu.fromHost(rnd.normal(c), [c]));
  const base = gpu.keep(gpu.tidy(() => gpu.groupNormAffine(gpu.fromHost(host, shape), GROUPS, gamma, beta, 1e-5).sums));
  const rows = Uint8Array.from({ length: side }, (_, y) => (Math.abs(y - side / 2) < flagged / 2 ? 1 : 0));
  const time = (update: boolean, key: string) => graphOpUs(gpu, gpu.fromHost(host, shape), key, (x) => gpu.groupNormAffine(x, GROUPS, gamma, beta, 1e-5, update ? { base, rows } : undefined).scale, PER_GRAPH, REPLAYS).us;
  const sparseUs = time(true, `gn sparse ${side} ${c}`), denseUs = time(false, `gn dense ${side} ${c}`);
  const r = { side, channels: c, rowsFlagged: rows.reduce((a, b) => a + b, 0), sparseUs: +sparseUs.toFixed(2), denseUs: +denseUs.toFixed(2) };
  console.log(JSON.stringify(r));
  results.push(r);
  [gamma, beta, base].forEach((t) => gpu.dispose(t));
}
const sum = (k: 'sparseUs' | 'denseUs') => +results.reduce((a, r) => a + r[k], 0).toFixed(1);
console.log(`sum over the shapes: sparse ${sum('sparseUs')} µs, dense ${sum('denseUs')} µs`);
writeResult('group-norm', {
  what: `GroupNorm statistics and fold (groupNormAffine) per call inside CUDA graphs, ${PER_GRAPH} calls a graph, median of ${REPLAYS} replays (${gpu.description}): sparse = the flagged rows' sums afresh`,
  command: `${benchEnvironment()}node dist/bench/group-norm.js`,
  date: new Date().toISOString(), device: gpu.description, results, sparseSumUs: sum('sparseUs'), denseSumUs: sum('denseUs'),
});
