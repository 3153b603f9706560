// FISEdit on the GPU: the full-size SD 2 pipeline (sd2-768-configs, random weights) at 768 px with
// DPM-Solver++, an edit session recorded on the cuda backend, then edits with real masks of
// masks-dev-300 (96x96 = the latent size) around 5%, 15% and 30%: ms per sparse step against the
// dense step of the same run, MACs, cache bytes per step, whole-edit latency. GPU machine only;
// run with --expose-gc (released versions give their GPU memory back at collection).
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { CudaBackend, type ConvolutionMode } from '../src/backend/cuda/cuda.js';
import type { TileConvolutionMode } from '../src/backend/cuda/options.js';
import type { CudnnEngineMode } from '../src/backend/cuda/options.js';
import type { Precision } from '../src/backend/cuda/precision.js';
import { UNetMacCounter } from '../src/edit/macs.js';
import { maskFraction, resampleMask } from '../src/edit/mask.js';
import type { AttentionMode, NormMode } from '../src/edit/contexts.js';
import { GenerationCache, HostTier, StepCache } from '../src/edit/cache.js';
import { EditSession, type EditOptions, type Version } from '../src/edit/session.js';
import { readMaskSet } from '../src/io/fismask.js';
import { fixturesDir } from '../src/verify/fixtures.js';
import { benchEnvironment, flashSplitsOption, gegluKernelOption, gemmAlgorithmsOption, pipelineOption, rowsGemmOption, winogradOption } from './random-weights.js';
import { BASE_PROMPT, WHOLE_EDITS, histogramSummary, randomSd2 } from './sd2.js';
import { GpuClocks, type ClockSummary } from './clocks.js';
import { median } from './stats.js';
import { writeResult } from './output.js';

const fixtures = fixturesDir();
if (!fixtures) throw new Error('fixtures not found (FISEDIT_FIXTURES)');
const masksFile = process.env.FISEDIT_MASKS ?? join(fixtures, '..', 'data', 'masks-dev-300.bin');
const steps = Number(process.env.BENCH_STEPS ?? 12);
/** Image size (768 by default; the masks, 96x96, are resampled to other latent sizes). */
const px = Number(process.env.BENCH_PX ?? 768);
const lat = px / 8;
const perBin = Number(process.env.BENCH_MASKS ?? 2);
/** Which parts run: the binned edits, the ~5% probe (phases, profile; BENCH_PROBE_BIN=15|30 for another bin's), the host tier, the whole 50-step edits (BENCH_PARTS=whole to profile those alone); `kernels` (not by default) marks a sparse step for Nsight Compute (BENCH_KERNELS_BIN). */
const parts = new Set((process.env.BENCH_PARTS ?? 'bins,probe,host,whole').split(','));
/**
 * How long a profiled step holds the stream while the host records, instantiates and launches its
 * graphs (CudaBackend.profileStart). At the default 200 ms, on some machines, one op took ~1-7 ms of GPU
 * time that it does not take elsewhere (k_lat_guide 1.0-1.6 ms in session 49's call 2, k_gather_tiles
 * 6-7 ms in call 5, 4-10 µs elsewhere: bench/results/2026-12-03-s49-call{2,5}-logs.tar.xz). At 1000 ms
 * every sparse profile of session 50 (calls 3-4) still had its last 0.6% of ops, from k_copy_many on
 * (the step's tail), queued after the hold, and once k_lat_guide, among them, took 0.93 ms
 * (…-s50-call3-logs.tar.xz, edit-base-3.log): a pause of the host there counts as that op's time,
 * whatever the hold. Any per-step sum from such a profile is inflated by it. A longer hold costs only the wait.
 */
const PROFILE_HOLD_MS = 1000;
/** What a profile's header says of how it was held (OpProfile.heldFraction, .firstLate). */
const heldNote = (p: { heldFraction: number; firstLate?: string }) => `ops queued while held: ${p.heldFraction}${p.firstLate ? `, from ${p.firstLate} on the host's gaps count as ops' time` : ''}`;
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
/** Every garbage collection's pause (whole edits count those within their later sparse steps). */
const gcPauses: PerformanceEntry[] = [];
new PerformanceObserver((list) => gcPauses.push(...list.getEntries())).observe({ entryTypes: ['gc'] });
/** Collects released versions; their GPU buffers return to the pool when the finalizers have run (next turn). */
const gc = async () => {
  collect();
  await new Promise((resolve) => setImmediate(resolve));
};

const math = (process.env.BENCH_MATH ?? 'fp16') as Precision;
const convolution = (process.env.BENCH_CONV ?? 'auto') as ConvolutionMode;
/** GroupNorm statistics of sparse steps: 'exact' (the default: of the mixed map) or 'cached' (the base's, as the paper). */
const norm = (process.env.BENCH_NORM ?? 'exact') as NormMode;
/** Sparse self-attention's keys and values: 'accurate' (the default: all tokens) or 'fast' (the active tokens alone, as the paper's reference code). */
const attention = (process.env.BENCH_ATTENTION ?? 'accurate') as AttentionMode;
/** BENCH_WGMMA_PIPELINE=on|off|auto (default): k_flash_wg64_pipe always, never, or for launches of one wave (CudaOptions.wgmmaPipeline); BENCH_DEPENDENT_LAUNCHES=off: plain launches (kernels/launch.cuh), for an A/B; BENCH_TILE_CONV=fused: tile convolutions by k_tile_conv (k_tile_conv_wg* on Hopper), =rows: a plan's few rows by k_tile_conv_wgs (CudaOptions.tileConvolution); BENCH_CUDNN_ENGINES=timed|heuristic|off (CudaOptions.cudnnEngines); BENCH_GEMM_ALGOS=heuristic (CudaOptions.gemmAlgorithms); BENCH_FLASH_SPLITS=auto|<n> (CudaOptions.flashSplits); BENCH_GEGLU_KERNEL=off: never k_gemm_geglu (CudaOptions.gegluKernel); BENCH_ROWS_GEMM=off|<rows>: never k_gemm_rows, or up to that many rows (CudaOptions.rowsGemm). */
const gpu = new CudaBackend({ math, convolution, wgmmaPipeline: pipelineOption(process.env.BENCH_WGMMA_PIPELINE ?? 'auto'), flashSplits: flashSplitsOption(process.env.BENCH_FLASH_SPLITS), dependentLaunches: process.env.BENCH_DEPENDENT_LAUNCHES !== 'off', tileConvolution: (process.env.BENCH_TILE_CONV ?? 'library') as TileConvolutionMode, cudnnEngines: (process.env.BENCH_CUDNN_ENGINES ?? 'timed') as CudnnEngineMode, gemmAlgorithms: gemmAlgorithmsOption(process.env.BENCH_GEMM_ALGOS), gegluKernel: gegluKernelOption(process.env.BENCH_GEGLU_KERNEL), rowsGemm: rowsGemmOption(process.env.BENCH_ROWS_GEMM), winograd: winogradOption(process.env.BENCH_WINOGRAD) });
const sd = randomSd2(gpu);
const unetConfig = sd.unet.config;
const weightBytes = gpu.pool.inUse; // the models' weights (and workspaces)
/**
 * BENCH_PREPARE=warm-up: first what the server does at start (EditSession.warmUp: a throwaway 2-step
 * generation and prepareEdits, whose rehearsed edits time the sparse steps' GEMM families), so the
 * bins, the probe and the whole edits are a warm server's; without it a sparse step's families take
 * a choice lent by a dense family (CublasLt.borrowedAlgorithm). BENCH_PREPARE=on: prepareEdits after
 * the whole edits' 50-step generation (a user's idle time after a generation).
 */
let preparation: Record<string, unknown> | undefined;
if (process.env.BENCH_PREPARE === 'warm-up') {
  gpu.hostCosts.take();
  preparation = { ...EditSession.warmUp(sd, { width: px, height: px }), hostCosts: gpu.hostCosts.take() };
  console.log('warmUp:', JSON.stringify(preparation));
}
const session = new EditSession(sd);
const gen = { prompt: BASE_PROMPT, steps, width: px, height: px, seed: 1, scheduler: 'dpmpp2m', recordSteps: 2 };
session.generate({ ...gen, steps: 2 }); // warm-up: kernels, allocator
await gc();
const v0 = session.generate(gen);
const denseStepMs = v0.timings.denseMs / steps;
const bytes = session.cacheBytes();
console.log(`generation ${steps} steps: ${(v0.timings.denseMs / 1000).toFixed(2)} s, ${denseStepMs.toFixed(1)} ms per dense step; cache ${(bytes.perStep / 2 ** 20).toFixed(0)} MiB per step (${gpu.elementBytes * 8}-bit)`);

// a plain dense step (no cache written), as text-to-image runs it: replayed as a CUDA graph
const inUseBeforeDense = gpu.pool.inUse;
gpu.pool.peak = inUseBeforeDense;
const plainDenseStepMs = (() => {
  const { context } = sd.encodeText(['', gen.prompt]);
  const sched = sd.scheduler(steps, 'dpmpp2m');
  const x = gpu.latents.fromHost(sd.initialNoise(3, [lat, lat]));
  // queued back to back as a generation queues its steps (the host waits for none), timed over ten
  for (let i = 0; i < 3; i++) sd.guidedOutput(sched, 0, x, context, 7.5, [lat, lat]);
  gpu.synchronize();
  const t0 = performance.now();
  for (let i = 0; i < 10; i++) sd.guidedOutput(sched, 0, x, context, 7.5, [lat, lat]);
  gpu.synchronize();
  return (performance.now() - t0) / 10;
})();
console.log(`plain dense step (graph): ${plainDenseStepMs.toFixed(1)} ms`);
// how many 50-step sessions one GPU holds: its memory less weights, a step's working memory and what
// the recorded graphs hold (the generation's so far; they share their buffers, MemoryPool.reserveDuring),
// over a session's cache; the host tier keeps the device's bytes, in 80% of host memory
const workingBytes = gpu.pool.peak - inUseBeforeDense, recordingBytes = gpu.pool.graphBytes();
const sessionBytes = bytes.perStep * 50;
const gpuTotal = gpu.driver.memInfo().total;
const capacity = {
  cacheGiBPer50StepSession: +(sessionBytes / 2 ** 30).toFixed(1), weightsGiB: +(weightBytes / 2 ** 30).toFixed(1), stepWorkingGiB: +(workingBytes / 2 ** 30).toFixed(1),
  recordingsGiB: +(recordingBytes / 2 ** 30).toFixed(1), gpuGiB: +(gpuTotal / 2 ** 30).toFixed(1),
  sessionsGpuTier: Math.floor((gpuTotal - weightBytes - workingBytes - recordingBytes) / sessionBytes),
  hostGiB: +(totalmem() / 2 ** 30).toFixed(0), sessionsHostTier: Math.floor((0.8 * totalmem()) / sessionBytes),
};
console.log('capacity:', JSON.stringify(capacity));

const file = readMaskSet(masksFile);
const set = { masks: file.masks.map(({ index, mask }) => ({ index, mask: lat === file.height && lat === file.width ? mask : resampleMask(mask, file.height, file.width, lat, lat) })) };
const counter = new UNetMacCounter(unetConfig);
const dense = counter.count(lat, lat).totalDense;
const bins = [{ name: '~5%', lo: 0.03, hi: 0.07 }, { name: '~15%', lo: 0.13, hi: 0.17 }, { name: '~30%', lo: 0.28, hi: 0.32 }];
/** The bin an environment variable names (5, 15 or 30; default 5). */
function namedBin(variable: string): (typeof bins)[number] {
  const value = process.env[variable] ?? '5';
  const bin = bins.find((b) => b.name === `~${value}%`);
  if (!bin) throw new Error(`${variable} must be one of ${bins.map((b) => b.name.slice(1, -1)).join(', ')}, got ${value}`);
  return bin;
}
const rows: Record<string, unknown>[] = [];
/** The GPU's clocks as each measured edit's timed steps end (NVML; absent without it). */
const clocks = GpuClocks.open();
const inBin = (lo: number, hi: number) => set.masks.filter((m) => maskFraction(m.mask) >= lo && maskFraction(m.mask) < hi);

/** An edit's whole time, dense and sparse steps and decode, in seconds. */
const wholeEditS = (v: Version) => (v.timings.denseMs + v.timings.sparseMs + v.timings.decodeMs) / 1000;
/**
 * Steps of an edit before its timed stretch: its sparse graphs are recorded at step 0 and at the
 * first step past the recorded probabilities (gen.recordSteps), with every GEMM and convolution plan new.
 */
const untimedSteps = gen.recordSteps + 2;

/**
 * One edit with `mask`, then released. A replayed step's time: the steps from untimedSteps on, as
 * the edit queues them (the host waits for none), from a synchronisation before them to one after;
 * and the host's own work a step over them: from that first synchronisation to the last step queued,
 * less what it waited in cuGraphLaunch for room in the GPU's queue (Driver.graphLaunchMs: a few
 * queued steps fill it, and the host then goes at the GPU's pace).
 */
async function measuredEdit(mask: Uint8Array, report: (v: Version, stepMs: number, addedMiBPerStep: number, releaseMs: number, clocksThen: ClockSummary | null, hostMsPerStep: number) => void): Promise<void> {
  const stamps = new Map<number, number>();
  let launchMs0 = 0, queued = 0, launchWait = 0;
  const onStep = (step: number) => {
    if (step === steps) {
      // the last step queued, before the host waits for it
      queued = performance.now();
      launchWait = gpu.driver.graphLaunchMs - launchMs0;
    }
    if (step !== untimedSteps && step !== steps) return;
    gpu.synchronize();
    stamps.set(step, performance.now());
    if (step === untimedSteps) launchMs0 = gpu.driver.graphLaunchMs;
    if (step === steps) clocks?.sample(); // where the timed steps left the clocks
  };
  const v = session.edit('a dog sitting on the sofa with a hat', { mask, from: 0, norm, attention, onStep });
  // what the edit's version adds to the session (its dense steps, statistics and the rows its sparse steps displaced in the base's buffers)
  const addedMiBPerStep = (session.cacheBytes().total - bytes.total) / steps / 2 ** 20;
  // releasing it: the buffers it shares with the base are made to hold the base again (its displaced
  // rows exchanged with theirs, every step: edit/lineage.ts), synchronised before and after
  gpu.synchronize();
  const r0 = performance.now();
  session.checkout(0);
  session.release(v.id);
  gpu.synchronize();
  const releaseMs = performance.now() - r0;
  const timed = steps - untimedSteps;
  report(v, (stamps.get(steps)! - stamps.get(untimedSteps)!) / timed, addedMiBPerStep, releaseMs, clocks?.summary() ?? null, (queued - stamps.get(untimedSteps)! - launchWait) / timed);
  await gc();
}

for (const bin of parts.has('bins') ? bins : []) {
  for (const { index, mask } of inBin(bin.lo, bin.hi).slice(0, perBin)) {
    await measuredEdit(mask, (v, sparseStepMs, addedMiBPerStep, releaseMs, clocksThen, hostMsPerStep) => {
      const macs = counter.count(lat, lat, { mask, planOf: gpu }).totalSparse!;
      const r = {
        // two decimals: an A/B of one kernel fewer a step (~1%) is lost in one
        bin: bin.name, mask: index, editSize: +v.editSize.toFixed(4), sparseStepMs: +sparseStepMs.toFixed(2), hostMsPerStep: +hostMsPerStep.toFixed(2),
        meanSparseStepMs: +(v.timings.sparseMs / v.timings.sparseSteps).toFixed(1),
        denseStepMs: +denseStepMs.toFixed(2), plainDenseStepMs: +plainDenseStepMs.toFixed(2),
        wholeEditS: +wholeEditS(v).toFixed(2), editCacheMiBPerStep: +addedMiBPerStep.toFixed(1), releaseMs: +releaseMs.toFixed(1),
        speedup: +(plainDenseStepMs / sparseStepMs).toFixed(2), gmacSparse: +(macs / 1e9).toFixed(0), gmacDense: +(dense / 1e9).toFixed(0), decodeMs: +v.timings.decodeMs.toFixed(0),
        // a 50-step edit with k = 10: 10 dense + 40 sparse steps + decode, from the per-step times measured here
        wholeEdit50StepsEstimateS: +((10 * denseStepMs + 40 * sparseStepMs + v.timings.decodeMs) / 1000).toFixed(2),
        clocks: clocksThen,
      };
      console.log(JSON.stringify(r));
      rows.push(r);
    });
  }
}

// a ~5% edit (BENCH_PROBE_BIN=5|15|30: the first mask of that bin) twice more: a replayed step by
// phase (inputs in, the graph, results out, each synchronised), then where a sparse step's GPU time
// goes (the event profile, profiler.ts)
const probeBin = namedBin('BENCH_PROBE_BIN');
const probe = parts.has('probe') || parts.has('host') ? inBin(probeBin.lo, probeBin.hi)[0] : undefined;
let replayPhases: Record<string, number> = {};
type OpTime = { op: string; ms: number; count: number };
/** A profile's ops with their times to the microsecond. */
const rounded = (ops: readonly OpTime[]): OpTime[] => ops.map(({ op, ms, count }) => ({ op, ms: +ms.toFixed(3), count }));
let sparseProfile: OpTime[] = [];
let sparseProfileMs = 0;
if (probe && parts.has('probe')) {
  const phases = (gpu.replays.phases = { copyInMs: 0, graphMs: 0, copyOutMs: 0, calls: 0 });
  const allocs0 = gpu.pool.driverAllocs;
  await measuredEdit(probe.mask, (v, stepMs) => {
    const per = (x: number) => +(x / phases.calls).toFixed(2);
    replayPhases = { copyInMs: per(phases.copyInMs), graphMs: per(phases.graphMs), copyOutMs: per(phases.copyOutMs), replays: phases.calls, stepMs: +stepMs.toFixed(2), cuMemAllocPerStep: +((gpu.pool.driverAllocs - allocs0) / v.timings.sparseSteps).toFixed(1) };
  });
  gpu.replays.phases = undefined;
  console.log('replayed sparse step by phase (per replay, synchronised):', JSON.stringify(replayPhases));

  // one sparse step (the fourth) timed op by op on the GPU: recorded afresh with an event node after each op, replayed once
  let launches0 = 0;
  const profiledStep = 4;
  const v = session.edit('a dog sitting on the sofa with a hat', {
    mask: probe.mask, from: 0, norm, attention,
    onStep: (step) => {
      if (step === profiledStep) {
        gpu.synchronize(); // the steps queued before would count as the first profiled op's time
        launches0 = gpu.launches;
        gpu.profileStart(PROFILE_HOLD_MS);
      }
      if (step === profiledStep + 1) {
        const p = gpu.profileEnd();
        sparseProfile = rounded(p.ops.slice(0, 30));
        sparseProfileMs = +p.totalMs.toFixed(2);
        console.log(`sparse step profile (GPU time per op, ${heldNote(p)}), ${p.totalMs.toFixed(2)} ms in all, ${gpu.launches - launches0} launches in the step:`, JSON.stringify(rounded(p.ops)) /* every op in the log, the top 30 in the JSON */);
      }
    },
  });
  session.checkout(0);
  session.release(v.id);
}
// Under Nsight Compute (BENCH_PARTS=kernels; ncu --profile-from-start off, see bench/kernel-times.ts):
// the twelfth step of an edit with the first mask of a bin (BENCH_KERNELS_BIN=5|15|30, default 5), a
// replayed sparse step, is the profiled range, each kernel timed alone.
if (parts.has('kernels')) {
  const traced = 12;
  const bin = namedBin('BENCH_KERNELS_BIN');
  const v = session.edit('a dog sitting on the sofa with a hat', {
    mask: inBin(bin.lo, bin.hi)[0]!.mask, from: 0, norm, attention,
    onStep: (step) => {
      if (step !== traced && step !== traced + 1) return;
      gpu.synchronize();
      gpu.driver.profilerRange(step === traced);
    },
  });
  session.checkout(0);
  session.release(v.id);
}
// The host tier: version 0's cache moved to page-locked host memory, then the ~5% edit streamed from
// it (step i + 1 copied in while step i computes) against the same edit from the GPU tier. Overlap:
// the share of the shorter of (step, one step's copy alone) hidden under the longer.
let hostTier: Record<string, number> = {};
if (probe && parts.has('host')) {
  const oneStep = new GenerationCache();
  oneStep.steps.push(session.version(0).cache!.steps[steps - 1]!);
  const tier = new HostTier(gpu);
  const stored = tier.store(oneStep);
  const copyMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const stream = tier.stream(stored, () => 'all');
    gpu.synchronize();
    const t0 = performance.now();
    stream.at(0);
    gpu.synchronize();
    copyMs.push(performance.now() - t0);
    stream.done(new StepCache());
  }
  const copyStepMs = median(copyMs);
  const timedEdit = async (): Promise<{ stepMs: number; wholeS: number }> => {
    await gc();
    let r = { stepMs: 0, wholeS: 0 };
    await measuredEdit(probe.mask, (v, stepMs) => (r = { stepMs, wholeS: wholeEditS(v) }));
    return r;
  };
  const onGpu = await timedEdit();
  const t0 = performance.now();
  const moved = session.toHost([0]);
  const storeS = (performance.now() - t0) / 1000;
  await gc();
  const onHost = await timedEdit();
  // a second move of the same cache: its page-locked memory, collected in between, is reused
  session.toDevice([0]);
  for (let i = 0; i < 3; i++) await gc();
  const reused0 = gpu.pinnedStats().reused;
  const t1 = performance.now();
  session.toHost([0]);
  const storeAgainS = (performance.now() - t1) / 1000;
  const chunksReused = gpu.pinnedStats().reused - reused0;
  const serial = onGpu.stepMs + copyStepMs, ideal = Math.max(onGpu.stepMs, copyStepMs);
  hostTier = {
    storeS: +storeS.toFixed(2), storeAgainS: +storeAgainS.toFixed(2), chunksReused, copyOneStepMs: +copyStepMs.toFixed(1),
    copyGBps: +(bytes.perStep / copyStepMs / 1e6).toFixed(1),
    gpuTierStepMs: +onGpu.stepMs.toFixed(1), hostTierStepMs: +onHost.stepMs.toFixed(1),
    prefetchOverlap: +Math.min(1, Math.max(0, (serial - onHost.stepMs) / (serial - ideal || 1))).toFixed(2),
    gpuTierEditS: +onGpu.wholeS.toFixed(2), hostTierEditS: +onHost.wholeS.toFixed(2),
    // the base on the device meanwhile: two steps (the one computing, the one coming) instead of all
    streamedBaseGiB: +((2 * bytes.perStep) / 2 ** 30).toFixed(1), wholeBaseGiB: +(moved / 2 ** 30).toFixed(1),
  };
  console.log('host tier (the ~5% edit streamed from page-locked memory):', JSON.stringify(hostTier));
}

// Whole edits as the issue states them: a fresh 50-step session, each edit k = 10 dense steps (the
// automatic mask, cut at a target size) then 40 sparse steps and the decode, timed from the call to
// the image (graph captures, mask, compositing and all). The random weights make automatic masks
// small (0.04-7% for targets of 5-30%), so a last round gives each bin's first real mask with the
// same 10 dense steps first: the issue's edit sizes.
const wholeEdits: Record<string, unknown>[] = [];
/** Where a dense step of an edit goes (recording the new version's cache, cross-attention control): the fourth whole edit's sixth step, op by op. */
let denseEditProfile: OpTime[] = [];
let denseEditProfileMs = 0;
if (parts.has('whole')) {
  // the automatic mask's level histogram, as the edit computes it: how much of the image sits at the lowest level
  let counts: Float64Array | undefined, nanLevels = 0;
  const levelCounts = gpu.latents.levelCounts.bind(gpu.latents);
  gpu.latents.levelCounts = (levels) => {
    nanLevels = gpu.latents.toHost(levels).filter(Number.isNaN).length;
    return (counts = levelCounts(levels));
  };
  const s50 = new EditSession(sd);
  s50.generate({ ...gen, steps: 50, recordSteps: 10 });
  if (process.env.BENCH_PREPARE === 'on') {
    // what the user's idle time after a generation may hold: EditSession.prepareEdits
    gpu.hostCosts.take();
    preparation = { ...s50.prepareEdits(), hostCosts: gpu.hostCosts.take() };
    console.log('prepareEdits:', JSON.stringify(preparation));
  }
  // round 2: the same prompts cut at other target sizes, so other masks and GEMM shapes, in a
  // process that has made edits before (what an interactive session's later edits pay)
  const rounds = Number(process.env.BENCH_WHOLE_ROUNDS ?? 2);
  const automatic = Array.from({ length: rounds }, (_, round) => WHOLE_EDITS.map(({ prompt, targetSize }) => {
    const target = +(targetSize * 1.5 ** round).toFixed(3);
    return { label: { round: round + 1, prompt, targetSize: target }, prompt, options: { threshold: { targetSize: target } } as EditOptions };
  })).flat();
  const { prompt: maskedPrompt } = WHOLE_EDITS[1]!;
  // each bin's first real mask, twice: the second time, every algorithm the edit needs is one the
  // process has met (a warm server's edits), and its sparse steps' recordings are kept (SparseSteps.kept).
  // With k = 10 as the issue states, then every step sparse (k = 0, a given mask's default: the first
  // step's recording is not hidden behind queued dense steps)
  const masked = [10, 0].flatMap((k) => ['masked', 'masked again'].flatMap((round) => bins.map((bin) => {
    const { index, mask } = inBin(bin.lo, bin.hi)[0]!;
    return { label: { round: k ? round : `${round}, k = 0`, prompt: maskedPrompt, bin: bin.name, mask: index }, prompt: maskedPrompt, options: { mask, denseSteps: k } as EditOptions };
  })));
  // and each of the last automatic round's regions edited again under another prompt, the page's
  // "the shown edit's mask" (every step sparse): its mask sent ahead first (prepareEdits' masks, timed
  // apart), as the page does when that mode is chosen. Pushed as the automatic edits end.
  type WholeEdit = { label: Record<string, unknown>; prompt: string; options: EditOptions; prepare?: true };
  const edits: WholeEdit[] = [...automatic, ...masked];
  for (const [i, { label, prompt, options, prepare }] of edits.entries()) {
    const profiled = i === 3;
    let prepareMs: number | undefined;
    if (prepare) {
      const p0 = performance.now();
      s50.prepareEdits({ masks: [options.mask as Uint8Array], norm, attention });
      prepareMs = +(performance.now() - p0).toFixed(1);
    }
    // whether the sparse steps after the first two keep the GPU busy: GPU time from the end of the
    // second sparse step's queuing to the end of the last (events), against the host's time to queue them
    const [from, to] = [12, 50], started = gpu.driver.event(), ended = gpu.driver.event();
    let queuedFrom = 0, queueMs = 0, allocsFrom = 0, driverAllocs = 0, launchFrom = 0, launchMs = 0;
    const onStep = (step: number) => {
      if (step === from) (gpu.driver.record(started), (queuedFrom = performance.now()), (allocsFrom = gpu.pool.driverAllocs), (launchFrom = gpu.driver.graphLaunchMs));
      if (step === to) (gpu.driver.record(ended), (queueMs = performance.now() - queuedFrom), (driverAllocs = gpu.pool.driverAllocs - allocsFrom), (launchMs = gpu.driver.graphLaunchMs - launchFrom));
      if (profiled && step === 5) {
        gpu.synchronize(); // the steps queued before would count as the first profiled op's time
        gpu.profileStart(PROFILE_HOLD_MS);
      }
      if (profiled && step === 6) {
        const p = gpu.profileEnd();
        denseEditProfile = rounded(p.ops.slice(0, 30));
        denseEditProfileMs = +p.totalMs.toFixed(2);
        console.log(`dense edit step profile (${p.totalMs.toFixed(2)} ms in all, ${heldNote(p)}):`, JSON.stringify(rounded(p.ops)));
      }
    };
    gpu.hostCosts.take(); // from here: this edit's
    const t0 = performance.now();
    const v = s50.edit(prompt, { denseSteps: 10, ...options, from: 0, norm, attention, onStep });
    const wallS = (performance.now() - t0) / 1000;
    // the garbage collector's pauses while those steps were queued (the observer reports them a turn later)
    await new Promise((resolve) => setImmediate(resolve));
    const paused = gcPauses.splice(0).filter((g) => g.startTime >= queuedFrom && g.startTime < queuedFrom + queueMs);
    const laterSparse = {
      steps: to - from, gpuMsPerStep: +(gpu.driver.elapsed(started, ended) / (to - from)).toFixed(2), hostQueueMsPerStep: +(queueMs / (to - from)).toFixed(2),
      // what the host's queuing held: its ms a step in cuGraphLaunch (which waits there while the GPU's
      // queue is full: the steps are then the GPU's pace, and the host's figure includes what the GPU
      // still had queued from the dense steps when the window opened), cuMemAlloc calls, garbage collections
      graphLaunchMsPerStep: +(launchMs / (to - from)).toFixed(2), driverAllocs, gc: { count: paused.length, ms: +paused.reduce((t, g) => t + g.duration, 0).toFixed(1) },
    };
    gpu.driver.destroyEvent(started);
    gpu.driver.destroyEvent(ended);
    const r = {
      ...label, editSize: +v.editSize.toFixed(4), wallS: +wallS.toFixed(3), ...(prepareMs !== undefined ? { maskSentAheadMs: prepareMs } : {}),
      denseMs: +v.timings.denseMs.toFixed(0), sparseMs: +v.timings.sparseMs.toFixed(0), decodeMs: +v.timings.decodeMs.toFixed(0),
      sparseStepMsMean: +(v.timings.sparseMs / v.timings.sparseSteps).toFixed(1),
      maskMs: +v.timings.maskMs.toFixed(1), firstSparseStepMs: +v.timings.firstSparseStepMs.toFixed(1), laterSparse,
      // what every graph recorded so far holds (the kept dense and sparse steps', SparseSteps.kept)
      recordingsMiB: +(gpu.pool.graphBytes() / 2 ** 20).toFixed(0),
      ...(profiled ? { profiledStep: 6 } : {}),
      hostCosts: gpu.hostCosts.take(), // in cuBLASLt and cuDNN calls: new shapes' plans and first calls
      ...(counts ? { maskLevels: { ...histogramSummary(counts), nanLevels } } : {}),
      nanInLatents: v.latents.filter(Number.isNaN).length,
    };
    console.log('whole 50-step edit:', JSON.stringify(r));
    wholeEdits.push(r);
    if (label.round === rounds && v.mask) edits.push({ label: { round: 'its region again, k = 0', prompt: maskedPrompt, of: label.targetSize }, prompt: maskedPrompt, options: { mask: v.mask, denseSteps: 0 }, prepare: true });
    s50.checkout(0);
    s50.release(v.id);
    await gc();
  }
}

const out = {
  what: `FISEdit sparse steps on the cuda backend (${gpu.description}): SD 2 at ${px} px, batch 2, DPM-Solver++, ${steps}-step session, masks of masks-dev-300, ${norm} GroupNorm statistics, ${attention} attention`,
  command: `${benchEnvironment()}node --expose-gc dist/bench/edit.js`,
  date: new Date().toISOString(),
  device: gpu.description,
  plainDenseStepMs: +plainDenseStepMs.toFixed(1),
  capacity,
  generation: { steps, seconds: +(v0.timings.denseMs / 1000).toFixed(2), denseStepMs: +denseStepMs.toFixed(1), cacheMiBPerStep: +(bytes.perStep / 2 ** 20).toFixed(0) },
  edits: rows,
  probe: probe ? { bin: probeBin.name, mask: probe.index, fraction: +maskFraction(probe.mask).toFixed(4) } : undefined,
  sparseProfilePerStep: sparseProfile,
  sparseProfileMs,
  replayPhases,
  hostTier,
  wholeEdits,
  preparation,
  denseEditProfile,
  denseEditProfileMs,
  /** Programmatic edges from our kernels into library kernels in the graphs still held at the end (Driver.libraryDependents): none expected. */
  libraryDependents: Object.fromEntries(gpu.driver.libraryDependents()),
};
console.log(`programmatic edges from our kernels into library kernels in the graphs held: ${JSON.stringify(out.libraryDependents)}`);
writeResult(`edit-cuda-${math}-${convolution}-${norm}${attention === 'fast' ? '-fast' : ''}-${px}`, out);
