// The full-size SD 2 U-Net (../shared/fixtures/sd2-768-configs, random weights) on the cuda backend:
// ms per U-Net call at 512, 768 and 1024 px (batch 2 = classifier-free guidance, 77 text tokens),
// achieved TFLOP/s from the MAC count, peak GPU memory; and a whole 768 px text-to-image run at 50
// steps (text encoder + U-Net + VAE decode). GPU machine only. Writes JSON to $OUT (or bench/results/).
// BENCH_KERNELS=on: one replayed call of each size is Nsight Compute's range (ncu --profile-from-start off).
// BENCH_ENERGY_S=<s>: seconds of back-to-back calls after the timed ones, whose energy (NVML) gives J a call (3; 0: none).
// BENCH_FLASH_SPLITS=auto|<n>: CudaOptions.flashSplits (1: every attention launch unsplit, for an A/B).
import { join } from 'node:path';
import { CudaBackend, type ConvolutionMode } from '../src/backend/cuda/cuda.js';
import type { CudnnEngineMode } from '../src/backend/cuda/options.js';
import type { Precision } from '../src/backend/cuda/precision.js';
import { UNetMacCounter } from '../src/edit/macs.js';
import { Config } from '../src/io/config.js';
import { Params } from '../src/models/params.js';
import { UNet2DConditionModel, parseUNetConfig } from '../src/models/unet.js';
import { RANDOM_WEIGHTS, benchEnvironment, flashSplitsOption, gegluKernelOption, gemmAlgorithmsOption, pipelineOption, rowsGemmOption, winogradOption } from './random-weights.js';
import { randomSd2, sd2Configs } from './sd2.js';
import { GpuClocks, backToBack, energySecondsOption } from './clocks.js';
import { median } from './stats.js';
import { writeResult } from './output.js';

const unetConfig = parseUNetConfig(Config.read(join(sd2Configs(), 'unet', 'config.json')));
const sizes = (process.env.BENCH_SIZES ?? '512,768,1024').split(',').map(Number);
const calls = Number(process.env.BENCH_CALLS ?? 10);
const maths = (process.env.BENCH_MATH ?? 'tf32,fp16').split(',') as Precision[];
const flashAttention = process.env.BENCH_FLASH !== '0';
const convolutions = (process.env.BENCH_CONV ?? 'auto').split(',') as ConvolutionMode[];
const wgmmaAttention = process.env.BENCH_WGMMA !== '0';
/** CudaOptions.wgmmaPipeline: 'auto' (default), 'on', 'off', or several ('off,auto') for an A/B in one run. */
const wgmmaPipelines = (process.env.BENCH_WGMMA_PIPELINE ?? 'auto').split(',').map(pipelineOption);
const flashRows = (process.env.BENCH_FLASH_ROWS ?? 'auto').split(',').map((r) => (r === 'auto' ? r : Number(r))) as (16 | 32 | 'auto')[];
/** Programmatic dependent launches in graphs (kernels/launch.cuh): 'on', 'off' or both ('on,off') for an A/B in one run. */
const dependentLaunchModes = (process.env.BENCH_DEPENDENT_LAUNCHES ?? 'on').split(',') as ('on' | 'off')[];
/** BENCH_GEMM_ALGOS=heuristic: cuBLASLt's first algorithm for every GEMM (CudaOptions.gemmAlgorithms), for an A/B. */
const gemmAlgorithms = gemmAlgorithmsOption(process.env.BENCH_GEMM_ALGOS);
/** BENCH_GEGLU_KERNEL=off: the feed-forwards' input layer and GEGLU by cuBLASLt + k_geglu, never k_gemm_geglu (CudaOptions.gegluKernel), for an A/B. */
const gegluKernel = gegluKernelOption(process.env.BENCH_GEGLU_KERNEL);
/** BENCH_WINOGRAD=off: 3x3 convolutions never by Winograd (CudaOptions.winograd), for an A/B; =f4: by F(4x4, 3x3) where the map allows. BENCH_ROWS_GEMM=off: every linear layer by cuBLASLt, never k_gemm_rows; a number: k_gemm_rows up to that many rows (CudaOptions.rowsGemm), for an A/B. */
const rowsGemm = rowsGemmOption(process.env.BENCH_ROWS_GEMM);
/** CudaOptions.cudnnEngines: 'timed', 'heuristic', 'off', or several ('timed,off') for an A/B in one run. */
const engineModes = (process.env.BENCH_CUDNN_ENGINES ?? 'timed').split(',') as CudnnEngineMode[];
const counter = new UNetMacCounter(unetConfig);
/** Seconds of back-to-back calls over which the energy a call takes is read. */
const energySeconds = energySecondsOption(3);
/** The GPU's clocks between the replayed calls (NVML; absent without it). */
const clocks = GpuClocks.open();
const results: Record<string, unknown>[] = [];

/**
 * Device memory in use (cuMemGetInfo: this process's pool, library workspaces, loaded modules and its
 * CUDA context; nothing else runs on the bench machine). Added to compare a process that ran the
 * timing trials, then 2-3% slower, with a later one: the same footprint (6.42 / 6.41 GiB, session 40);
 * the slowdown came from the trials' work on a second stream (session 42, docs/gpu-history.md).
 */
function deviceUsedGiB(gpu: CudaBackend): number {
  const { free, total } = gpu.driver.memInfo();
  return +((total - free) / 2 ** 30).toFixed(2);
}

function time<T>(gpu: CudaBackend, f: () => T): [T, number] {
  gpu.synchronize();
  const t0 = performance.now();
  const r = f();
  gpu.synchronize();
  return [r, performance.now() - t0];
}

for (const math of maths) for (const convolution of convolutions) for (const flashRowsPerWarp of flashRows) for (const dependentLaunches of dependentLaunchModes) for (const engines of engineModes) for (const wgmmaPipeline of wgmmaPipelines) {
  const gpu = new CudaBackend({ math, flashAttention, convolution, flashRowsPerWarp, wgmmaAttention, wgmmaPipeline, flashSplits: flashSplitsOption(process.env.BENCH_FLASH_SPLITS), dependentLaunches: dependentLaunches !== 'off', cudnnEngines: engines, gemmAlgorithms, gegluKernel, rowsGemm, winograd: winogradOption(process.env.BENCH_WINOGRAD) });
  const [unet, loadMs] = time(gpu, () => new UNet2DConditionModel(new Params(gpu, RANDOM_WEIGHTS), unetConfig));
  console.log(`${gpu.description}: U-Net weights generated and uploaded in ${(loadMs / 1000).toFixed(1)} s`);
  for (const px of sizes) {
    const h = px / 8;
    const macs = counter.count(h, h).totalDense;
    const sample = gpu.keep(gpu.fromHost(RANDOM_WEIGHTS.read('sample', [2, h, h, 4]), [2, h, h, 4]));
    const text = gpu.keep(gpu.fromHost(RANDOM_WEIGHTS.read('text', [2, 77, unetConfig.crossAttentionDim]), [2, 77, unetConfig.crossAttentionDim]));
    const times = gpu.keep(unet.timestepEmbedding([500, 500]));
    // the prompt's cross-attention keys and values, made once per prompt as the pipeline makes them
    const kv = gpu.tidy(() => {
      const made = unet.textKeysValues(text);
      for (const t of made.tensors()) gpu.keep(t);
      return made;
    });
    // one U-Net call as the pipeline makes it: replayed as a CUDA graph, or eagerly when gpu.graphs is off
    const step = () => gpu.tidy(() => { gpu.replayable(unet.instance, [sample, times, ...kv.tensors()], (s, e, ...t) => [unet.forwardEmbedded(s, e, kv.withTensors(t))]); });
    gpu.pool.peak = gpu.pool.inUse;
    const measure = (graphs: boolean) => {
      gpu.replays.enabled = graphs;
      step(); step(); step(); // warm-up (with graphs: the capture at the first call)
      const ms: number[] = [];
      for (let i = 0; i < calls; i++) {
        ms.push(time(gpu, step)[1]);
        if (graphs) clocks?.sample(); // after the call's timing: NVML costs host time
      }
      return ms;
    };
    const eager = measure(false);
    const ms = measure(true);
    // the same calls back to back (replayed, as measure(true) left them), as a pipeline's steps run: at the power limit a call is bound by its energy
    const back = energySeconds > 0 ? backToBack(clocks, step, () => gpu.synchronize(), median(ms), energySeconds, calls) : null;
    if (process.env.BENCH_KERNELS === 'on') {
      // one replayed call as Nsight Compute's range (ncu --profile-from-start off; bench/kernel-times.ts)
      gpu.synchronize();
      gpu.driver.profilerRange(true);
      step();
      gpu.synchronize();
      gpu.driver.profilerRange(false);
    }
    const msPerCall = median(ms);
    // where the time goes: one call timed op by op on the GPU (profiler.ts: a graph with an event node
    // after each op, replayed once), and the host's share of an eager call
    const launches0 = gpu.launches;
    gpu.profileStart();
    step();
    const profiled = gpu.profileEnd();
    gpu.replays.enabled = false;
    const profile = profiled.ops.map(({ op, ms, count }) => ({ op, ms: +ms.toFixed(3), count }));
    const hostStart = performance.now();
    step();
    const hostMs = performance.now() - hostStart; // enqueue time only: the GPU may still be busy
    gpu.synchronize();
    const launchesPerCall = (gpu.launches - launches0) / 2;
    const r = {
      math, flashAttention: gpu.flash, wgmmaAttention: gpu.wgmma, wgmmaPipeline, flashRowsPerWarp, convolution, dependentLaunches, cudnnEngines: engines, px, batch: 2, msPerCall: +msPerCall.toFixed(2), msMin: +Math.min(...ms).toFixed(2),
      msPerCallEager: +median(eager).toFixed(2), clocks: clocks?.summary() ?? null, backToBack: back, gmac: +(macs / 1e9).toFixed(1), tflops: +((2 * macs) / (msPerCall / 1000) / 1e12).toFixed(1),
      peakGpuGiB: +(gpu.pool.peak / 2 ** 30).toFixed(2), deviceUsedGiB: deviceUsedGiB(gpu), poolDriverAllocs: gpu.pool.driverAllocs, launchesPerCall, libraryDependents: Object.fromEntries(gpu.driver.libraryDependents()), libraryOwnDependents: Object.fromEntries(gpu.driver.libraryDependents(true)), libraryHostCosts: gpu.hostCosts.take(), hostEnqueueMs: +hostMs.toFixed(2), profiledMs: +profiled.totalMs.toFixed(2), profileHeldFraction: profiled.heldFraction, profileFirstLateOp: profiled.firstLate, profile: profile.slice(0, 40),
    };
    console.log(JSON.stringify(r));
    results.push(r);
  }
  gpu.replays.enabled = true;
  gpu.forget(unet.instance);
  if (math === maths[maths.length - 1] && convolution === convolutions[0] && flashRowsPerWarp === flashRows[0] && process.env.BENCH_PIPELINE !== '0') {
    // whole 768 px text-to-image, 50 steps: text encoder + U-Net + VAE decode (random weights)
    // twice: the first run pays the text encoder's and the VAE's first calls (GEMM and convolution
    // plans, cuDNN's timing trials where this machine's choice store has none yet, graph captures);
    // the second is what every later generation of the process takes
    const sd = randomSd2(gpu, unet);
    const generate = () => sd.generate({ prompt: 'a dog on the sofa', steps: 50, width: 768, height: 768, seed: 1, scheduler: 'dpmpp2m' });
    const [, firstMs] = time(gpu, generate);
    const firstCosts = gpu.hostCosts.take();
    const [image, ms] = time(gpu, generate);
    const r = {
      math, dependentLaunches: gpu.driver.dependentLaunches, cudnnEngines: engines, what: 'text-to-image 768 px, 50 steps DPM-Solver++, guidance 7.5 (text encoder + 50 U-Net calls + VAE decode); firstSeconds: the process\'s first run',
      seconds: +(ms / 1000).toFixed(2), firstSeconds: +(firstMs / 1000).toFixed(2), firstRunLibraryHostCosts: firstCosts, peakGpuGiB: +(gpu.pool.peak / 2 ** 30).toFixed(2),
    };
    console.log(JSON.stringify(r));
    results.push(r);
    // the VAE decode alone, then op by op, as generate runs it: the latents on the device, the image's memory made (and touched) ahead
    const latents = gpu.latents.fromHost(image.latents), into = sd.imageBuffer(image.latentSize);
    const [, decodeMs] = time(gpu, () => sd.decode(latents, image.latentSize, into));
    gpu.profileStart();
    sd.decode(latents, image.latentSize, into);
    const p = gpu.profileEnd();
    const d = { math, dependentLaunches: gpu.driver.dependentLaunches, cudnnEngines: engines, what: 'VAE decode 768 px', ms: +decodeMs.toFixed(1), profiledMs: +p.totalMs.toFixed(1), profileHeldFraction: p.heldFraction, profile: p.ops.slice(0, 20).map(({ op, ms, count }) => ({ op, ms: +ms.toFixed(3), count })) };
    console.log(JSON.stringify(d));
    results.push(d);
  }
}

const out = { what: 'SD 2 U-Net (sd2-768-configs, random weights) on the cuda backend; a call takes the prompt\'s cross-attention keys and values, made once per prompt as the pipeline does', command: `${benchEnvironment()}node dist/bench/unet.js`, date: new Date().toISOString(), results };
writeResult('unet-cuda', out);
