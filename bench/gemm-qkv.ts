// A self-attention's q, k and v projections (three GEMMs of one input, no bias: SD 2's to_q/to_k/to_v)
// at the shapes of a 768 px dense call and of a ~5% sparse step, three ways inside CUDA graphs:
// three GEMMs (what the U-Net runs now), one cuBLASLt call in pointer-array batch mode (the three
// outputs in buffers of their own, so a fused projection would need no views into one buffer), and
// one GEMM of the three weights stacked (output [M, 3C] packed: what a single GEMM costs). What a
// fused projection would save, before building it. GPU machine only. Writes JSON to $OUT (or bench/results/).
import { CudaBackend } from '../src/backend/cuda/cuda.js';
import { OP_N, OP_T } from '../src/backend/cuda/cublas.js';
import { CublasLt } from '../src/backend/cuda/cublaslt.js';
import { Random } from '../src/util/random.js';
import { maxAbsDiff } from '../src/verify/compare.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { benchEnvironment } from './random-weights.js';
import { devicePtr, graphLaunchUs } from './stats.js';
import { writeResult } from './output.js';

const PER_GRAPH = 20, REPLAYS = 15, WORKSPACE = 32 * 2 ** 20;

/** [token rows, channels]: 768 px dense levels (batch 2), then a ~5% sparse step's active tokens. */
const shapes: [number, number][] = [[18432, 320], [4608, 640], [1152, 1280], [768, 320], [252, 640], [76, 1280]];

const gpu = new CudaBackend();
const driver = gpu.driver;
const lt = new CublasLt('fp16', driver.name, gpu.pool.alloc(WORKSPACE).ptr, WORKSPACE, () => driver.stream, gpu.hostCosts);
const rnd = new Random(11);
const round = (v: number) => Math.round(v * 10) / 10;

/** Microseconds per repetition of `call` in a graph of PER_GRAPH, median of REPLAYS replays. */
function usOf(call: () => void): number {
  return graphLaunchUs(driver, call, PER_GRAPH, REPLAYS);
}

/** A device array of device pointers. */
function pointers(ps: number[]): Tensor {
  const t = gpu.zeros([ps.length * 4]); // 8 bytes each in fp16 elements
  driver.upload(devicePtr(t), new BigUint64Array(ps.map(BigInt)));
  return t;
}

const results = shapes.map(([m, c]) => {
  const x = gpu.fromHost(rnd.normal(m * c), [m, c]);
  const stacked = rnd.normal(3 * c * c).map((v) => v * 0.05);
  const w3 = gpu.fromHost(stacked, [3 * c, c]);
  const ws = [0, 1, 2].map((i) => gpu.fromHost(stacked.subarray(i * c * c, (i + 1) * c * c), [c, c]));
  const outs = [0, 1, 2].map(() => gpu.zeros([m, c])), packed = gpu.zeros([m, 3 * c]);
  const separate = usOf(() => ws.forEach((w, i) => lt.gemm(OP_T, OP_N, c, m, c, devicePtr(w), c, devicePtr(x), c, devicePtr(outs[i]!), c)));
  const want = outs.map((o) => gpu.toHost(o));
  const single = usOf(() => lt.gemm(OP_T, OP_N, 3 * c, m, c, devicePtr(w3), c, devicePtr(x), c, devicePtr(packed), 3 * c));
  const packedHost = gpu.toHost(packed);
  const packedDiff = Math.max(...want.map((q, i) => maxAbsDiff(q, Float32Array.from({ length: m * c }, (_, e) => packedHost[Math.floor(e / c) * 3 * c + i * c + (e % c)]!))));
  let batched: number | string;
  let batchedDiff: number | undefined;
  const [As, Bs, Ds] = [pointers(ws.map(devicePtr)), pointers([devicePtr(x), devicePtr(x), devicePtr(x)]), pointers(outs.map(devicePtr))];
  try {
    outs.forEach((o) => driver.zero(devicePtr(o), m * c * 2));
    batched = round(usOf(() => lt.gemmPointerArrays(OP_T, OP_N, c, m, c, devicePtr(As), c, devicePtr(Bs), c, devicePtr(Ds), c, 3)));
    batchedDiff = Math.max(...outs.map((o, i) => maxAbsDiff(want[i]!, gpu.toHost(o))));
  } catch (e) {
    batched = `not run: ${(e as Error).message}`;
  }
  const r = { rows: m, channels: c, threeGemmsUs: round(separate), pointerArraysUs: batched, stackedGemmUs: round(single), pointerArraysMaxDiff: batchedDiff, stackedMaxDiff: packedDiff };
  console.log(JSON.stringify(r));
  for (const t of [x, w3, ...ws, ...outs, packed, As, Bs, Ds]) gpu.dispose(t);
  return r;
});

writeResult('gemm-qkv', {
  what: `a self-attention's q/k/v projections (fp16, no bias) as three cuBLASLt GEMMs, as one pointer-array batched call, and as one GEMM of the stacked weights, microseconds per set of three inside CUDA graphs of ${PER_GRAPH}, median of ${REPLAYS} replays (${gpu.description}); max |difference| against the three GEMMs' outputs`,
  command: `${benchEnvironment()}node dist/bench/gemm-qkv.js`,
  date: new Date().toISOString(),
  results,
});
