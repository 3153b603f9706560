// How far each Winograd form moves the SD 2 U-Net (sd2-768-configs, random weights) from an fp32
// reference with direct convolutions, beside fp16's own distance with direct convolutions: one U-Net
// call at 512 and 768 px (batch 2, the same inputs; replayed, as the backend takes Winograd only into
// recorded calls), and the latents and image of a whole 768 px text-to-image run (50 steps, one
// seed), where a form's error compounds through the steps. The question before any talk of 'f4' as
// a default (CudaOptions.winograd). GPU machine only; writes JSON to $OUT (or bench/results/).
// BENCH_GENERATE=0: the single calls alone.
import { join } from 'node:path';
import { CudaBackend } from '../src/backend/cuda/cuda.js';
import type { CudaOptions } from '../src/backend/cuda/options.js';
import { Config } from '../src/io/config.js';
import { Params } from '../src/models/params.js';
import { UNet2DConditionModel, parseUNetConfig } from '../src/models/unet.js';
import { maxAbsDiff, relativeRmsDiff } from '../src/verify/compare.js';
import { RANDOM_WEIGHTS, benchEnvironment } from './random-weights.js';
import { randomSd2, sd2Configs } from './sd2.js';
import { writeResult } from './output.js';

const unetConfig = parseUNetConfig(Config.read(join(sd2Configs(), 'unet', 'config.json')));
const sizes = [512, 768];
const generate = process.env.BENCH_GENERATE !== '0';

/** The reference first: fp32 arithmetic, every 3x3 convolution direct. */
const RUNS: readonly { name: string; options: CudaOptions }[] = [
  { name: 'fp32, direct (reference)', options: { math: 'fp32', winograd: false } },
  { name: 'fp16, direct', options: { math: 'fp16', winograd: false } },
  { name: 'fp16, F(2x2, 3x3) (default)', options: { math: 'fp16', winograd: true } },
  { name: "fp16, F(4x4, 3x3) ('f4')", options: { math: 'fp16', winograd: 'f4' } },
];

interface Outputs { calls: Float32Array[]; latents?: Float32Array; image?: Float32Array }

function outputsOf(options: CudaOptions): Outputs {
  const gpu = new CudaBackend(options);
  const unet = new UNet2DConditionModel(new Params(gpu, RANDOM_WEIGHTS), unetConfig);
  const calls = sizes.map((px) => gpu.tidy(() => {
    const h = px / 8;
    const sample = gpu.fromHost(RANDOM_WEIGHTS.read('sample', [2, h, h, 4]), [2, h, h, 4]);
    const text = gpu.fromHost(RANDOM_WEIGHTS.read('text', [2, 77, unetConfig.crossAttentionDim]), [2, 77, unetConfig.crossAttentionDim]);
    const times = unet.timestepEmbedding([500, 500]), kv = unet.textKeysValues(text);
    // replayed as the pipeline's calls are: the backend takes Winograd only into recorded calls
    const call = () => gpu.replayable(unet.instance, [sample, times, ...kv.tensors()], (s, e, ...t) => [unet.forwardEmbedded(s, e, kv.withTensors(t))])[0]!;
    call();
    return gpu.toHost(call());
  }));
  if (!generate) return { calls };
  const image = randomSd2(gpu, unet).generate({ prompt: 'a dog on the sofa', steps: 50, width: 768, height: 768, seed: 1, scheduler: 'dpmpp2m' });
  return { calls, latents: image.latents, image: image.image };
}

/** Distance of `got` from `want`: relative RMS and the largest absolute difference. */
function distance(got: Float32Array | undefined, want: Float32Array | undefined) {
  if (!got || !want) return null;
  return { relativeRms: +relativeRmsDiff(got, want).toExponential(3), maxAbs: +maxAbsDiff(got, want).toExponential(3) };
}

const [reference, ...others] = RUNS.map(({ name, options }) => {
  const t0 = performance.now();
  const outputs = outputsOf(options);
  console.log(`${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { name, options, outputs };
});
const results = others.map(({ name, options, outputs }) => {
  const r = {
    name, options,
    calls: Object.fromEntries(sizes.map((px, i) => [`${px}px`, distance(outputs.calls[i], reference!.outputs.calls[i])])),
    generationLatents: distance(outputs.latents, reference!.outputs.latents),
    generationImage: distance(outputs.image, reference!.outputs.image),
  };
  console.log(JSON.stringify(r));
  return r;
});

writeResult('winograd-error', {
  what: `distance from ${reference!.name} of the SD 2 U-Net's output (one call, batch 2, timestep 500) and of a 768 px 50-step text-to-image run's latents and image (random weights)`,
  command: `${benchEnvironment()}node dist/bench/winograd-error.js`, date: new Date().toISOString(), results,
});
