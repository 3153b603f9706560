// The GEMM shapes of a FISEdit step (few token rows: the sparse step's linear layers and its
// few-row convolutions as im2col + GEMM) and of a dense step, each timed with every algorithm
// cuBLASLt's heuristic proposes (up to 16), inside CUDA graphs: how far its first choice is from the
// fastest, and how many K slices each candidate takes (split-K). BENCH_ENERGY_S=s: the fastest
// candidate of each shape of at least a GFLOP (the dense steps') also runs back to back for s seconds,
// with the energy NVML counted (J a GEMM, W, pJ a FLOP): what cuBLASLt's tensor-core kernels take a
// FLOP at the power limit, beside bench:attention's and a U-Net call's (session 38: 1.85 pJ a FLOP).
// GPU machine only. Writes JSON to $OUT (or bench/results/).
import { CudaBackend } from '../src/backend/cuda/cuda.js';
import { OP_N, OP_T } from '../src/backend/cuda/cublas.js';
import { CublasLt } from '../src/backend/cuda/cublaslt.js';
import { Random } from '../src/util/random.js';
import { benchEnvironment } from './random-weights.js';
import { benchCold, devicePtr, medianSynchronisedMs, weightCopies } from './stats.js';
import { GpuClocks, backToBack, energySecondsOption, perCall, withEnergyPerFlop, type BackToBack } from './clocks.js';
import { writeResult } from './output.js';

/** GEMMs per graph and graph replays timed. */
const PER_GRAPH = 20, REPLAYS = 15, CANDIDATES = 16, WORKSPACE = 32 * 2 ** 20;

// [token rows, output features, input features] as the profiles name them (`gemm linear/conv RxNxK`)
const chosenShapes = process.env.BENCH_SHAPES?.split(',').map((s) => s.split('x').map(Number) as [number, number, number]);
/** BENCH_RESIDUAL=on: each GEMM adds a residual shaped like its output (C, beta 1), as a block's output projection does. */
const residual = process.env.BENCH_RESIDUAL === 'on';
// BENCH_COLD=on: the GEMMs of a graph take copies of the weights in turn (stats.ts weightCopies).
/** BENCH_SPLITS=on: the candidates with 2 and 4 times their K slices too (CublasLt.moreSplits). */
const moreSlices = process.env.BENCH_SPLITS === 'on';
/** BENCH_REDUCTION=inplace: the split candidates also with their K slices added in the output itself (CublasLt.inPlaceReductions: no reduction kernel). */
const inPlace = process.env.BENCH_REDUCTION === 'inplace';
const shapes: [number, number, number][] = chosenShapes ?? [
  [76, 1280, 1280], [252, 640, 640], [768, 320, 320], [40, 1280, 1280], [2, 1280, 1280], [76, 10240, 1280], [76, 1280, 5120],
  [288, 1280, 11520], [160, 1280, 11520], [288, 1280, 23040], [304, 640, 5760],
  [40, 1280, 11520], [76, 1280, 11520], [40, 1280, 23040], // a ~5% step's convolutions by rows at 12 x 12 and 24 x 24 (session 31)
  [18432, 320, 320], [4608, 640, 640], [1152, 1280, 1280], [18432, 2560, 320], [4608, 5120, 640], [1152, 10240, 1280],
];

const gpu = new CudaBackend();
const driver = gpu.driver;
const lt = new CublasLt('fp16', driver.name, gpu.pool.alloc(WORKSPACE).ptr, WORKSPACE, () => driver.stream, gpu.hostCosts);
const rnd = new Random(3);
const energySeconds = energySecondsOption(0);
const clocks = energySeconds > 0 ? GpuClocks.open() : undefined;
/** Shapes of fewer FLOPs than this get no back-to-back measure (a sparse step's: latency, not energy). */
const ENERGY_MIN_FLOP = 1e9;

const results = shapes.map(([rows, out, k]) => {
  const x = gpu.fromHost(rnd.normal(rows * k).map((v) => v * 0.1), [rows, k]);
  const weights = rnd.normal(out * k).map((v) => v * 0.02);
  const ws = Array.from({ length: weightCopies(gpu, out * k * 2) }, () => gpu.fromHost(weights, [out, k]));
  const b = gpu.fromHost(rnd.normal(out), [out]);
  const y = gpu.zeros([rows, out]);
  const c = residual ? gpu.fromHost(rnd.normal(rows * out), [rows, out]) : undefined;
  const call = (algo: Uint8Array | undefined, i: number) => lt.gemm(OP_T, OP_N, out, rows, k, devicePtr(ws[i % ws.length]!), k, devicePtr(x), k, devicePtr(y), out, devicePtr(b), c ? devicePtr(c) : 0, algo);
  /** µs a GEMM, and with `energy` its graph's replays back to back (BENCH_ENERGY_S), per GEMM. */
  const timeOf = (algo?: Uint8Array, energy = false): { us: number; back?: BackToBack } => {
    const exec = driver.capture(() => { for (let i = 0; i < PER_GRAPH; i++) call(algo, i); });
    driver.replay(exec);
    const ms = medianSynchronisedMs(REPLAYS, () => driver.synchronize(), () => driver.replay(exec));
    const back = energy ? perCall(backToBack(clocks, () => driver.replay(exec), () => driver.synchronize(), ms, energySeconds, 3), PER_GRAPH) : undefined;
    driver.destroyGraph(exec);
    return { us: (ms * 1000) / PER_GRAPH, back };
  };
  const first = timeOf().us;
  const algos = lt.candidates(OP_T, OP_N, out, rows, k, k, k, out, true, CANDIDATES, moreSlices, inPlace);
  const candidates = algos.map((a) => timeOf(a).us);
  const best = Math.min(first, ...candidates), bestIndex = candidates.indexOf(best); // -1: the heuristic's first choice
  const flop = 2 * rows * out * k;
  // the fastest again, its graph's replays back to back
  const back = energySeconds > 0 && flop >= ENERGY_MIN_FLOP ? timeOf(bestIndex >= 0 ? algos[bestIndex] : undefined, true).back : undefined;
  const splits = algos.map((a) => lt.splitsOf(a));
  const unsplit = candidates.filter((_, i) => splits[i] === 1);
  const r = {
    rows, out, k, weightCopies: ws.length, firstChoiceUs: Math.round(first * 10) / 10, bestUs: Math.round(best * 10) / 10, bestIndex,
    bestUnsplitUs: unsplit.length ? Math.round(Math.min(...unsplit) * 10) / 10 : null, bestSplits: splits[bestIndex] ?? 1,
    candidates: candidates.length, candidateUs: candidates.map((t) => Math.round(t * 10) / 10), candidateSplits: splits, candidateReduction: algos.map((a) => lt.reductionOf(a)),
    ...(back && { backToBack: withEnergyPerFlop(back, flop) }),
  };
  console.log(JSON.stringify(r));
  for (const t of [x, ...ws, b, y, ...(c ? [c] : [])]) gpu.dispose(t);
  return r;
});

const outJson = {
  what: `cuBLASLt fp16 GEMMs (bias epilogue${residual ? ', + residual' : ''}${benchCold ? ', weights read from memory: copies taken in turn' : ''}) of FISEdit's sparse and dense steps, the heuristic's first choice against each of its ${CANDIDATES} candidates${moreSlices ? ' and those with 2 and 4 times their K slices' : ''}${inPlace ? ', and the split ones with their slices added in the output' : ''} (candidateSplits: their K slices; candidateReduction: cuBLASLt's reduction scheme, 1 in place, 2 by a kernel in the compute type), inside CUDA graphs of ${PER_GRAPH} (${gpu.description}); microseconds per GEMM, median of ${REPLAYS} replays${energySeconds > 0 ? `; backToBack: the fastest candidate's graphs back to back for ${energySeconds} s (shapes of at least ${ENERGY_MIN_FLOP / 1e9} GFLOP), per GEMM, with the energy NVML counted (null without NVML) and pJ a FLOP` : ''}`,
  command: `${benchEnvironment()}node dist/bench/gemm.js`,
  date: new Date().toISOString(),
  results,
};
writeResult('gemm-candidates', outJson);
