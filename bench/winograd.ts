// Would Winograd's convolution (fewer multiplications for 3x3 kernels: F(2x2, 3x3) does 16 where
// direct convolution does 36 per 2x2 outputs) shorten the U-Net's 3x3 convolutions at 768 px? The
// legacy cuDNN call with each forward algorithm it has for these shapes (NHWC fp16, tensor-op math),
// timed inside CUDA graphs as a step runs them, its workspace and its output against the
// implicit-precomputed GEMM the backend runs; and what cudnnFindConvolutionForwardAlgorithm measures.
// Then what a Winograd path of our own would cost (cuDNN has none for NHWC fp16 on Hopper: session
// 59 call 1): its 16 transform-domain GEMMs (2x2 output tiles: rows = n (side / 2)^2, K = ci, the
// transformed weights 16 x co x ci, cold) as one cuBLASLt strided batch, as the backend runs them, and its transforms'
// memory traffic timed as device copies of as many bytes (the input's read and V written, M read
// and y written), a floor under kernels that would do that work.
// A question for the dense call's energy (it runs at the H200's power limit), not a path of the
// backend. GPU machine only; writes JSON to $OUT (or bench/results/).
import { CudaBackend } from '../src/backend/cuda/cuda.js';
import { winogradShape } from '../src/backend/cuda/conv-paths.js';
import { OP_N, OP_T } from '../src/backend/cuda/cublas.js';
import { CublasLt } from '../src/backend/cuda/cublaslt.js';
import { LEGACY_PROTOTYPES } from '../src/backend/cuda/cudnn.js';
import { WINOGRAD_FORMS } from '../src/backend/cuda/kernels.js';
import { bindFunctions, loadLibrary } from '../src/backend/cuda/libs.js';
import { Random } from '../src/util/random.js';
import { maxAbsDiff } from '../src/verify/compare.js';
import { benchEnvironment } from './random-weights.js';
import { devicePtr, graphLaunchUs, graphOpUs } from './stats.js';
import { writeResult } from './output.js';

const PER_GRAPH = 10, REPLAYS = Number(process.env.BENCH_REPLAYS ?? 20);
const NHWC = 1, DATA_HALF = 2, DATA_FLOAT = 0, CROSS_CORRELATION = 1, TENSOR_OP_MATH = 1;
const ALGO_NAMES = ['implicit gemm', 'implicit precomp gemm', 'gemm', 'direct', 'fft', 'fft tiling', 'winograd', 'winograd nonfused'];
/** The algorithms timed (BENCH_ALGOS: numbers), implicit precomputed GEMM first (the reference). */
const ALGOS = (process.env.BENCH_ALGOS ?? '1,7').split(',').map(Number);
const PERF_BYTES = 48;

/**
 * [side, ci, co, count a 768 px U-Net call runs it] of its stride-1 3x3 map convolutions (bench/conv-engines.ts;
 * an upsampler's convolution at the map it makes: up_blocks[2]'s 640 -> 640 at 96. Until session 60 that one
 * was counted at 48, and 12 x 12 x 1280 -> 1280 7 times where the call runs it 11: its profile's GEMMs,
 * bench/results/2026-12-04-s60-call5-logs.tar.xz).
 */
const maps: [number, number, number, number][] = [
  [96, 320, 320, 7], [96, 640, 320, 2], [96, 960, 320, 1], [96, 640, 640, 1],
  [48, 640, 640, 6], [48, 320, 640, 1], [48, 1280, 640, 1], [48, 1920, 640, 1], [48, 960, 640, 1], [48, 1280, 1280, 1],
  [24, 1280, 1280, 7], [24, 640, 1280, 1], [24, 2560, 1280, 2], [24, 1920, 1280, 1],
  [12, 1280, 1280, 11], [12, 2560, 1280, 3],
];

const gpu = new CudaBackend();
const lib = loadLibrary('cuDNN (libcudnn)', ['libcudnn.so.9', 'libcudnn.so']);
const f = bindFunctions(lib, {
  ...LEGACY_PROTOTYPES,
  find: 'int cudnnFindConvolutionForwardAlgorithm(void *h, void *x, void *w, void *conv, void *y, int requested, _Out_ int *returned, _Out_ uint8_t *perf)',
});
const status = (s: number) => (s === 0 ? 'ok' : String(f.errorString!(s)));
const check = (what: string, s: number) => {
  if (s !== 0) throw new Error(`${what}: ${status(s)}`);
};
const handle = (() => {
  const h = [null];
  check('cudnnCreate', f.create!(h));
  return h[0];
})();
gpu.driver.followStream((s) => check('cudnnSetStream', f.setStream!(handle, s)));
const one = new Float32Array([1]), zero = new Float32Array([0]);
const WORKSPACE = 32 * 2 ** 20;
const lt = new CublasLt('fp16', gpu.driver.name, gpu.pool.alloc(WORKSPACE).ptr, WORKSPACE, () => gpu.driver.stream, gpu.hostCosts);
const rnd = new Random(5);

function descriptor(create: string, set: string, ...args: number[]): unknown {
  const d = [null];
  check(create, f[create]!(d));
  check(set, f[set]!(d[0], ...args));
  return d[0];
}

function measure(side: number, ci: number, co: number, count: number) {
  const n = 2;
  const xd = descriptor('tensorCreate', 'tensorSet', NHWC, DATA_HALF, n, ci, side, side);
  const yd = descriptor('tensorCreate', 'tensorSet', NHWC, DATA_HALF, n, co, side, side);
  const wd = descriptor('filterCreate', 'filterSet', DATA_HALF, NHWC, co, ci, 3, 3);
  const cd = [null];
  check('cudnnCreateConvolutionDescriptor', f.convCreate!(cd));
  check('cudnnSetConvolution2dDescriptor', f.convSet!(cd[0], 1, 1, 1, 1, 1, 1, CROSS_CORRELATION, DATA_FLOAT));
  check('cudnnSetConvolutionMathType', f.convMath!(cd[0], TENSOR_OP_MATH));
  const x = gpu.keep(gpu.fromHost(rnd.normal(n * side * side * ci), [n, side, side, ci]));
  // weights scaled as a trained layer's are (outputs of magnitude ~1)
  const weights = rnd.normal(co * ci * 9).map((v) => v / Math.sqrt(9 * ci));
  const w = gpu.keep(gpu.convWeight(weights, [co, ci, 3, 3]));
  const y = gpu.keep(gpu.zeros([n, side, side, co]));
  let reference: Float32Array | undefined;
  const algos = ALGOS.map((algo) => {
    const bytes = [0];
    const s = f.workspaceSize!(handle, xd, wd, cd[0], yd, algo, bytes);
    if (s !== 0) return { algo, name: ALGO_NAMES[algo], status: status(s) };
    const workspaceMiB = +(bytes[0]! / 2 ** 20).toFixed(1);
    const ws = gpu.keep(gpu.zeros([Math.max(1, Math.ceil(bytes[0]! / gpu.elementBytes))]));
    const run = () => f.forward!(handle, one, xd, devicePtr(x), wd, devicePtr(w), cd[0], algo, devicePtr(ws), bytes[0], zero, yd, devicePtr(y));
    const first = run();
    if (first !== 0) {
      gpu.dispose(ws);
      return { algo, name: ALGO_NAMES[algo], workspaceMiB, status: status(first) };
    }
    const out = gpu.toHost(y);
    reference ??= out;
    const maxDiff = maxAbsDiff(out, reference), maxRef = reference.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
    const us = graphUs(() => check('cudnnConvolutionForward', run()));
    gpu.dispose(ws);
    const macs = n * side * side * co * ci * 9;
    return { algo, name: ALGO_NAMES[algo], status: 'ok', workspaceMiB, us: +us.toFixed(1), tflops: +((2 * macs) / us / 1e6).toFixed(0), relativeDiff: +(maxDiff / maxRef).toExponential(2) };
  });
  // what cuDNN's own measurement says (its workspace its own)
  const perf = new Uint8Array(PERF_BYTES * 8), returned = [0];
  const found = f.find!(handle, xd, wd, cd[0], yd, 8, returned, perf);
  const view = new DataView(perf.buffer);
  const find = found !== 0 ? status(found) : Array.from({ length: returned[0]! }, (_, i) => ({
    algo: view.getInt32(i * PERF_BYTES, true), status: view.getInt32(i * PERF_BYTES + 4, true),
    ms: +view.getFloat32(i * PERF_BYTES + 8, true).toFixed(4), workspaceMiB: +(Number(view.getBigUint64(i * PERF_BYTES + 16, true)) / 2 ** 20).toFixed(1),
  }));
  const b = gpu.keep(gpu.fromHost(rnd.normal(co), [co])), residual = gpu.keep(gpu.fromHost(rnd.normal(n * side * side * co), [n, side, side, co]));
  // what the backend runs for it in a U-Net call's graph (bias and residual; x through a norm's affine
  // and SiLU): with the weight not a parameter, its direct path (cuDNN, as timed); declared one, Winograd
  const [scale, shift] = [0, 1].map(() => gpu.keep(gpu.fromHost(rnd.normal(n * ci).map((v) => 1 + 0.1 * v), [n, ci])));
  const input = { affine: { scale: scale!, shift: shift! }, silu: true };
  const asUnet = (weight: typeof w, key: string) => +graphOpUs(gpu, gpu.keep(gpu.fromHost(rnd.normal(n * side * side * ci), [n, side, side, ci])), `${key} ${side} ${ci} ${co}`, (xi) => gpu.conv2d(xi, weight, b, { padding: 1 }, residual, input), PER_GRAPH, REPLAYS).us.toFixed(1);
  const backendUs = asUnet(w, 'direct');
  const parameter = gpu.keep(gpu.parameter(gpu.convWeight(weights, [co, ci, 3, 3])));
  const winogradUs = gpu.winograd && winogradShape(side, side, ci, co, 3, 3, 1, [1, 1, 1, 1]) ? asUnet(parameter, 'winograd') : undefined;
  [x, w, y, b, residual, scale!, shift!, parameter].forEach((t) => gpu.dispose(t));
  const r = { what: `map ${side} ${ci}->${co}`, side, ci, co, count, backendUs, winogradUs, algos, find, winograd: winogradCost(side, ci, co) };
  console.log(JSON.stringify(r));
  return r;
}

/** Microseconds of `f` recorded PER_GRAPH times in a graph (its i-th call given i), median over replays. */
const graphUs = (f: (i: number) => void): number => graphLaunchUs(gpu.driver, f, PER_GRAPH, REPLAYS);

/** F(2x2, 3x3) at a map shape (n = 2): the batched GEMMs' microseconds, and the transforms' traffic as copies. */
function winogradCost(side: number, ci: number, co: number) {
  const d = gpu.driver, n = 2, rows = n * (side / 2) ** 2, e = 2;
  const P = WINOGRAD_FORMS[2].products, vBytes = P * rows * ci * e, mBytes = P * rows * co * e, uBytes = P * co * ci * e;
  // the weights cold, as in a U-Net call: copies enough to pass twice the L2, taken in turn
  const copies = Math.min(8, Math.ceil((2 * d.l2Bytes) / uBytes));
  const v = d.alloc(vBytes), m = d.alloc(mBytes), us = Array.from({ length: copies }, () => d.alloc(uBytes));
  const fill = (ptr: number, bytes: number) => d.upload(ptr, new Uint16Array(bytes / 2).map(() => 0x3000 + Math.floor(Math.random() * 0x800)));
  fill(v, vBytes);
  us.forEach((u) => fill(u, uBytes));
  gpu.synchronize();
  // one strided batch as the backend's (winograd-ops.ts winogradConv): A the weights U_i, B V_i, D M_i
  const gemmUs = graphUs((i) => lt.gemmStridedBatch(OP_T, OP_N, co, rows, ci, us[i % us.length]!, ci, v, ci, m, co, P, { strides: [co * ci, rows * ci, rows * co], family: 'by shape' }));
  const xBytes = n * side * side * ci * e, yBytes = n * side * side * co * e;
  const big = d.alloc(Math.max(vBytes, mBytes) + 2 * yBytes + xBytes), other = d.alloc(Math.max(vBytes, mBytes) + 2 * yBytes + xBytes);
  // a copy of b bytes reads b and writes b: the input transform reads x and writes V, the output transform reads M (and a residual) and writes y
  const inputUs = graphUs(() => d.copy(other, big, (xBytes + vBytes) / 2)), outputUs = graphUs(() => d.copy(other, big, (mBytes + 2 * yBytes) / 2));
  [v, m, big, other, ...us].forEach((p) => d.free(p));
  const gflop = (2 * P * rows * ci * co) / 1e9;
  return { rows, gemmUs: +gemmUs.toFixed(1), gemmTflops: +(gflop / gemmUs * 1e3).toFixed(0), weightCopies: copies, inputTrafficUs: +inputUs.toFixed(1), outputTrafficUs: +outputUs.toFixed(1), totalUs: +(gemmUs + inputUs + outputUs).toFixed(1), vMiB: +(vBytes / 2 ** 20).toFixed(1), transformedWeightsMiB: +(uBytes / 2 ** 20).toFixed(1) };
}

const results = maps.map(([side, ci, co, count]) => measure(side, ci, co, count));
/** A U-Net call's time in these convolutions by each algorithm, where it ran (else the reference's). */
const perCall = Object.fromEntries(ALGOS.map((algo) => [ALGO_NAMES[algo]!, +(results.reduce((a, r) => {
  const ref = r.algos[0] as { us?: number }, mine = r.algos.find((x) => x.algo === algo) as { us?: number };
  return a + r.count * (mine.us ?? ref.us ?? 0);
}, 0) / 1000).toFixed(3)]));
const best = +(results.reduce((a, r) => a + r.count * Math.min(...r.algos.map((x) => (x as { us?: number }).us ?? Infinity)), 0) / 1000).toFixed(3);
console.log(`a 768 px U-Net call's stride-1 3x3 map convolutions (plain), ms: ${JSON.stringify(perCall)}; the fastest of each: ${best}`);
/** Where our own F(2x2, 3x3) would beat the reference algorithm by its GEMMs and transform traffic: ms a call saved. */
const winogradSavedMs = +(results.reduce((a, r) => a + r.count * Math.max(0, r.backendUs - r.winograd.totalUs), 0) / 1000).toFixed(3);
console.log(`F(2x2, 3x3) of our own, where its GEMMs and transform traffic beat the backend's convolution (with bias and residual): ${winogradSavedMs} ms a call saved`);
/** What the backend's Winograd (where it runs: winograd-ops.ts winogradConvolves) saves over its direct path, a 768 px call, shape by shape. */
const winogradRunSavedMs = +(results.reduce((a, r) => a + r.count * (r.backendUs - (r.winogradUs ?? r.backendUs)), 0) / 1000).toFixed(3);
console.log(`the backend's Winograd against its direct path: ${winogradRunSavedMs} ms a call saved (${results.map((r) => `${r.what} ${r.backendUs} -> ${r.winogradUs ?? '-'}`).join('; ')})`);
writeResult('winograd', {
  what: `3x3 map convolutions of the SD 2 U-Net at 768 px (batch 2, NHWC fp16, tensor-op math, no bias): the legacy cuDNN call by algorithm (${ALGOS.map((a) => ALGO_NAMES[a]).join(', ')}), in graphs of ${PER_GRAPH}, median of ${REPLAYS} replays (${gpu.description}); relativeDiff: largest difference from the first algorithm's output over its largest magnitude; find: cudnnFindConvolutionForwardAlgorithm's own timings; winograd: a path of our own's 16 transform-domain GEMMs (one strided batch, cold transformed weights) and its transforms' traffic as device copies of as many bytes (a floor); backendUs: the backend's direct conv2d with bias and residual, x through an affine and SiLU, as a U-Net call's graph runs it; winogradUs: the same by the backend's Winograd (a parameter weight; absent where it does not run); winogradRunSavedMs: count x (backendUs - winogradUs); winogradSavedMs: count x (backendUs - that total) where positive; msPerCall: count-weighted sum (an algorithm that does not run counts the first's time)`,
  command: `${benchEnvironment()}node dist/bench/winograd.js`,
  date: new Date().toISOString(),
  msPerCall: perCall,
  fastestMsPerCall: best,
  winogradSavedMs,
  winogradRunSavedMs,
  results,
});
