// Self-attention of the shapes Stable Diffusion 2 runs (head dim 64), by the warpgroup-MMA flash
// kernel with one warpgroup (64 query rows) a block against three (192 rows sharing each K and V
// tile), timed inside CUDA graphs as the U-Net runs them; both outputs compared. GPU machine (sm_90)
// only. Writes JSON to $OUT (or bench/results/).
import { CudaBackend } from '../src/backend/cuda/cuda.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { Random } from '../src/util/random.js';
import { benchEnvironment } from './random-weights.js';
import { medianSynchronisedMs } from './stats.js';
import { writeResult } from './output.js';

const PER_GRAPH = 10, REPLAYS = Number(process.env.BENCH_REPLAYS ?? 20);

/** [px, tokens, channels] of the U-Net's self-attention levels (batch 2, head dim 64). */
const shapes: [number, number, number][] = [
  [512, 4096, 320], [512, 1024, 640], [512, 256, 1280],
  [768, 9216, 320], [768, 2304, 640], [768, 576, 1280],
  [1024, 16384, 320], [1024, 4096, 640],
];
const variants = [1, 3] as const;
const backends = variants.map((wgmmaWarpgroups) => new CudaBackend({ wgmmaWarpgroups }));
if (!backends[0]!.description.includes('wgmma')) throw new Error(`bench:attention needs the wgmma kernel (sm_90): ${backends[0]!.description}`);
const rnd = new Random(5);

/** Microseconds per attention call on `gpu` (median over replays of a graph of PER_GRAPH calls) and its output. */
function timeAttention(gpu: CudaBackend, host: Float32Array, shape: number[], heads: number, key: string): { us: number; out: Float32Array } {
  const x = gpu.fromHost(host, shape);
  const run = () => gpu.replayable(key, [x], (xi: Tensor) => {
    let y = gpu.attention(xi, xi, xi, { heads });
    for (let i = 1; i < PER_GRAPH; i++) y = gpu.attention(xi, xi, xi, { heads });
    return [y];
  });
  const out = gpu.toHost(gpu.tidy(run)[0]!); // recorded here
  const us = (medianSynchronisedMs(REPLAYS, () => gpu.synchronize(), () => gpu.tidy(run)) * 1000) / PER_GRAPH;
  gpu.forget(key);
  gpu.dispose(x);
  return { us, out };
}

const results = shapes.map(([px, tokens, channels], i) => {
  const heads = channels / 64, shape = [2, tokens, channels];
  const host = rnd.normal(2 * tokens * channels);
  const [one, three] = backends.map((gpu) => timeAttention(gpu, host, shape, heads, `attention-${i}`));
  let maxAbsDiff = 0;
  for (let j = 0; j < one!.out.length; j++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(one!.out[j]! - three!.out[j]!));
  const tflop = (2 * heads * tokens * tokens * 64 * 4) / 1e12; // Q K^T and P V, batch 2
  const r = {
    px, tokens, channels, heads,
    oneWarpgroupUs: +one!.us.toFixed(1), threeWarpgroupsUs: +three!.us.toFixed(1),
    oneTflops: +(tflop / (one!.us / 1e6)).toFixed(0), threeTflops: +(tflop / (three!.us / 1e6)).toFixed(0),
    maxAbsDiff,
  };
  console.log(JSON.stringify(r));
  return r;
});

writeResult('attention-warpgroups', {
  what: `SD 2 self-attention (batch 2, head dim 64) by k_flash_wg64 (one warpgroup, 64 query rows a block) and k_flash_wg64x3 (three, 192 rows sharing K and V tiles), µs a call in CUDA graphs of ${PER_GRAPH}, median of ${REPLAYS} replays (${backends[0]!.description}); maxAbsDiff between the two outputs`,
  command: `${benchEnvironment()}node dist/bench/attention.js`,
  date: new Date().toISOString(),
  results,
});
