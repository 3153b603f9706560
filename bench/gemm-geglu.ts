// A transformer feed-forward's input layer and its GEGLU: the library path (cuBLASLt GEMM with bias
// into [M, 2F], then k_geglu) against kernels/gemm-geglu-sm90.cu's one kernel (wgmma, the GEGLU in its
// epilogue) at every row count (CudaBackend.linearGegluKernel; linearGeglu runs it from GEMM_GEGLU_MIN_ROWS), at the U-Net's shapes (768, 512 and 1024 px dense calls; a sparse step's
// few rows), inside CUDA graphs of PER_GRAPH: µs a layer, median of REPLAYS replays; TFLOP/s of the
// GEMM's FLOPs; the largest difference of the kernel's outputs from the library path's. GPU machine
// only (Hopper). Writes JSON to $OUT (or bench/results/).
import { CudaBackend } from '../src/backend/cuda/cuda.js';
import { GEMM_GEGLU_COLS, GEMM_GEGLU_ROWS } from '../src/backend/cuda/kernels.js';
import { Random } from '../src/util/random.js';
import { benchEnvironment } from './random-weights.js';
import { graphLaunchUs } from './stats.js';
import { writeResult } from './output.js';

const PER_GRAPH = 20, REPLAYS = 15;
// [rows, outputs F, K]: a call's feed-forwards at 768 px (levels 1-3), 512 px, 1024 px level 1, and a ~5% sparse step's active tokens
const shapes: [number, number, number][] = process.env.BENCH_SHAPES?.split(',').map((s) => s.split('x').map(Number) as [number, number, number]) ?? [
  [18432, 1280, 320], [4608, 2560, 640], [1152, 5120, 1280],
  [8192, 1280, 320], [2048, 2560, 640], [512, 5120, 1280],
  [32768, 1280, 320],
  [1000, 1280, 320], [260, 2560, 640], [76, 5120, 1280],
];

const gpu = new CudaBackend();
const driver = gpu.driver;
const rnd = new Random(7);

const results = shapes.map(([m, f, k]) => {
  const x = gpu.fromHost(rnd.normal(m * k), [m, k]);
  const w = gpu.fromHost(rnd.normal(2 * f * k).map((v) => v / Math.sqrt(k)), [2 * f, k]);
  const b = gpu.fromHost(rnd.normal(2 * f).map((v) => 0.1 * v), [2 * f]);
  const ours = () => gpu.linearGegluKernel(x, w, b);
  const library = () => {
    const h = gpu.linear(x, w, b);
    const y = gpu.geglu(h);
    gpu.dispose(h);
    return y;
  };
  const timeOf = (op: () => void): number => Math.round(graphLaunchUs(driver, op, PER_GRAPH, REPLAYS) * 10) / 10;
  const yLib = library(); // its first call makes the library's choices, outside the graphs
  const yOurs = ours();
  const a = gpu.toHost(yLib), o = gpu.toHost(yOurs);
  let maxDiff = 0, maxRef = 0, differ = 0;
  a.forEach((v, i) => {
    const d = Math.abs(v - o[i]!);
    if (!(d <= 0.02 * Math.max(1, Math.abs(v)))) differ++; // NaN counts
    maxDiff = Math.max(maxDiff, d);
    maxRef = Math.max(maxRef, Math.abs(v));
  });
  const libraryUs = timeOf(() => gpu.dispose(library()));
  const oursUs = timeOf(() => gpu.dispose(ours()));
  const tflop = (2 * m * 2 * f * k) / 1e12;
  const r = { m, f, k, libraryUs, oursUs, libraryTflops: Math.round(tflop / (libraryUs / 1e6)), oursTflops: Math.round(tflop / (oursUs / 1e6)), maxDiff, maxRef, differ };
  console.log(JSON.stringify(r));
  for (const t of [x, w, b, yOurs, yLib]) gpu.dispose(t);
  return r;
});

writeResult('gemm-geglu', {
  what: `a feed-forward's input layer and GEGLU: cuBLASLt GEMM (bias) + k_geglu against k_gemm_geglu (one kernel, wgmma, ${GEMM_GEGLU_ROWS} x ${GEMM_GEGLU_COLS} tiles, a block per SM), inside CUDA graphs of ${PER_GRAPH}, µs a layer, median of ${REPLAYS} replays; TFLOP/s of 4 m f k; maxDiff / differ (beyond 2% of max(1, |v|)): ours against the library's outputs (${gpu.description})`,
  command: `${benchEnvironment()}node dist/bench/gemm-geglu.js`,
  date: new Date().toISOString(),
  results,
});
