// Self-attention of the shapes Stable Diffusion 2 runs (head dim 64) by the cuda backend's flash
// attention, timed inside CUDA graphs as the U-Net runs them (µs a call, TFLOP/s), its output compared,
// at the smaller shapes, with the cpu backend's (float32): the baseline for work on the attention
// kernel (session 8's trials of three warpgroups a block and of half-precision exponentials were A/Bs
// of this bench: bench/results/2026-11-30-attention-*-trial.json). BENCH_PAD_KB=n: n KiB of device
// memory taken from the pool before each shape's input, so that it lands elsewhere; each row says
// where its input starts (inputAt, bytes past a 2 MiB boundary), to tell whether a launch's time
// follows where its tensors sit (session 34 found one kernel source's 4096-token launches 11% slower
// with SASS the same but for instruction order). BENCH_ATTENTION_SHAPES=sparse:
// instead, a 768 px sparse step's shapes, few query rows over all of a level's keys, to choose how
// many blocks share each query block's keys (BENCH_FLASH_SPLITS, BENCH_WGMMA_PIPELINE: CudaOptions'
// flashSplits and wgmmaPipeline). BENCH_ENERGY_S=s: each shape's graphs also run back to back for s
// seconds, with the energy NVML counted (J a call, pJ a FLOP: at the power limit, where a U-Net call
// runs, a kernel's energy is its time). GPU machine only. Writes JSON to $OUT (or bench/results/).
import { CpuBackend } from '../src/backend/cpu/cpu.js';
import { CudaBackend } from '../src/backend/cuda/cuda.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { Random } from '../src/util/random.js';
import { maxAbsDiff } from '../src/verify/compare.js';
import { benchEnvironment, flashSplitsOption, pipelineOption } from './random-weights.js';
import { devicePtr, graphOpUs } from './stats.js';
import { GpuClocks, backToBack, energySecondsOption, perCall, withEnergyPerFlop, type BackToBack } from './clocks.js';
import { writeResult } from './output.js';

const PER_GRAPH = 10, REPLAYS = Number(process.env.BENCH_REPLAYS ?? 20);

/** [px, tokens, channels] of the U-Net's self-attention levels (batch 2, head dim 64). */
const shapes: [number, number, number][] = [
  [512, 4096, 320], [512, 1024, 640], [512, 256, 1280],
  [768, 9216, 320], [768, 2304, 640], [768, 576, 1280],
  [1024, 16384, 320], [1024, 4096, 640],
];
/** [px, query rows, keys, channels] of a 768 px sparse step's self-attentions at about 2-50% of the map. */
const sparseShapes: [number, number, number, number][] = [
  ...[256, 640, 1280, 1920, 2816, 3712, 4608].map((lq): [number, number, number, number] => [768, lq, 9216, 320]),
  ...[128, 384, 768, 1152].map((lq): [number, number, number, number] => [768, lq, 2304, 640]),
  ...[64, 192, 320].map((lq): [number, number, number, number] => [768, lq, 576, 1280]),
];
const sparse = process.env.BENCH_ATTENTION_SHAPES === 'sparse';
const splitsEnv = process.env.BENCH_FLASH_SPLITS;
const gpu = new CudaBackend({ flashSplits: flashSplitsOption(splitsEnv), wgmmaPipeline: pipelineOption(process.env.BENCH_WGMMA_PIPELINE ?? 'auto') });
const cpu = new CpuBackend();
/** Up to this many tokens the outputs are also compared with the cpu backend's. */
const CPU_MAX_TOKENS = 1024;
const rnd = new Random(5);
const padBytes = Number(process.env.BENCH_PAD_KB ?? 0) * 1024;
const energySeconds = energySecondsOption(0);
const clocks = energySeconds > 0 ? GpuClocks.open() : undefined;
/** graphOpUs' back-to-back measure with BENCH_ENERGY_S, per attention (a graph holds PER_GRAPH). */
const energy = energySeconds > 0 ? (replay: () => void, ms: number) => perCall(backToBack(clocks, replay, () => gpu.synchronize(), ms, energySeconds, 3), PER_GRAPH) : undefined;
/** The back-to-back figures of an attention of `tflop`: ms, J a call, W and pJ a FLOP. */
const energyFigures = (b: BackToBack | undefined, tflop: number) => (b ? { backToBack: withEnergyPerFlop(b, tflop * 1e12) } : {});
/** f with padBytes of the pool taken first (given back after), and where f's input sat. */
function padded<T>(f: (at: (t: Tensor) => number) => T): T {
  const pad = padBytes > 0 ? gpu.pool.alloc(padBytes) : undefined;
  try {
    return f((t) => devicePtr(t) % 2 ** 21);
  } finally {
    if (pad) gpu.pool.release(pad);
  }
}

/** Microseconds per attention call (median over replays of a graph of PER_GRAPH calls), its output, and where its input sat. */
function timeAttention(host: Float32Array, shape: number[], heads: number, key: string): { us: number; out: Float32Array; inputAt: number; back?: BackToBack } {
  return padded((at) => {
    const x = gpu.fromHost(host, shape), inputAt = at(x);
    const { us, out, backToBack: back } = graphOpUs(gpu, x, key, (xi) => gpu.attention(xi, xi, xi, { heads }), PER_GRAPH, REPLAYS, energy);
    return { us, out: gpu.toHost(out), inputAt, back };
  });
}

/** max |a - b| over max |reference| (at least 1), the GPU ops tests' fp16 measure. */
const relative = (ref: Float32Array, x: Float32Array) => maxAbsDiff(ref, x) / ref.reduce((m, v) => Math.max(m, Math.abs(v)), 1);

/** µs per attention of lq query rows (kept outside the graph) over the keys and values of a [2, lk, channels] input, and where that input sat. */
function timeSparse(lq: number, lk: number, channels: number, key: string): { us: number; inputAt: number; back?: BackToBack } {
  const heads = channels / 64;
  return padded((at) => {
    const q = gpu.keep(gpu.fromHost(rnd.normal(2 * lq * channels), [2, lq, channels]));
    const kv = gpu.fromHost(rnd.normal(2 * lk * channels), [2, lk, channels]), inputAt = at(kv);
    const { us, backToBack: back } = graphOpUs(gpu, kv, key, (x) => gpu.attention(q, x, x, { heads }), PER_GRAPH, REPLAYS, energy);
    gpu.dispose(q);
    return { us, inputAt, back };
  });
}

const results = sparse ? sparseShapes.map(([px, lq, lk, channels], i) => {
  const { us, inputAt, back } = timeSparse(lq, lk, channels, `sparse-attention-${i}`);
  const tflop = (2 * (channels / 64) * lq * lk * 64 * 4) / 1e12;
  const r = { px, queryRows: lq, keys: lk, channels, us: +us.toFixed(1), tflops: +(tflop / (us / 1e6)).toFixed(0), inputAt, ...energyFigures(back, tflop) };
  console.log(JSON.stringify(r));
  return r;
}) : shapes.map(([px, tokens, channels], i) => {
  const heads = channels / 64, shape = [2, tokens, channels];
  const host = rnd.normal(2 * tokens * channels);
  const { us, out, inputAt, back } = timeAttention(host, shape, heads, `attention-${i}`);
  const tflop = (2 * heads * tokens * tokens * 64 * 4) / 1e12; // Q K^T and P V, batch 2
  const x = tokens <= CPU_MAX_TOKENS ? cpu.fromHost(host, shape) : undefined;
  const ref = x && cpu.toHost(cpu.attention(x, x, x, { heads }));
  const r = { px, tokens, channels, heads, us: +us.toFixed(1), tflops: +(tflop / (us / 1e6)).toFixed(0), ...(ref ? { vsCpu: +relative(ref, out).toExponential(2) } : {}), inputAt, ...energyFigures(back, tflop) };
  console.log(JSON.stringify(r));
  return r;
});

writeResult(sparse ? 'attention-sparse' : 'attention', {
  what: sparse ? `SD 2 self-attention of a sparse step's query rows over all keys (batch 2, head dim 64), µs a call in CUDA graphs of ${PER_GRAPH}, median of ${REPLAYS} replays (${gpu.description}); flash splits ${splitsEnv ?? 'auto'}, pipeline ${process.env.BENCH_WGMMA_PIPELINE ?? 'auto'}, pad ${padBytes / 1024} KiB` : `SD 2 self-attention (batch 2, head dim 64, q = k = v), µs a call in CUDA graphs of ${PER_GRAPH}, median of ${REPLAYS} replays (${gpu.description}); vsCpu: max |a - b| / max(1, max |cpu|) against the cpu backend, up to ${CPU_MAX_TOKENS} tokens; pad ${padBytes / 1024} KiB; inputAt: the input's bytes past a 2 MiB boundary${energySeconds > 0 ? `; backToBack: the graphs run back to back for ${energySeconds} s, per call, with the energy NVML counted (null without NVML) and pJ a FLOP` : ''}`,
  command: `${benchEnvironment()}node dist/bench/attention.js`,
  date: new Date().toISOString(),
  results,
});
