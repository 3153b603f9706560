// Choosing how a convolution runs by timing: the legacy API's fused call (bias and residual in its
// epilogue) against the first few engine configurations of the backend API's heuristic followed by
// our epilogue kernel, and, for a map's convolution with an epilogue, against the first few of cuDNN's
// runtime-compiled engines with the epilogue fused; each run on the driver's main stream against
// scratch buffers of its own (free while a graph is being recorded, on a stream of its own, which is
// when a U-Net's convolutions first meet a shape); the fastest is kept. The heuristic's first was
// 1.0-1.7x slower than the fastest of its first 12 for the SD 2 U-Net's 3x3 convolutions on the H200
// (bench/results/2026-12-01-conv-engines*.json), but a separate epilogue costs a pass over the
// output. Choices are remembered on disk per GPU and cuDNN version, so a machine pays the trials
// once; so are the runtime-compiled plans (PlanStore), which would cost 30-300 ms to build again.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/files.js';
import { fiseditHome } from '../../util/home.js';
import { HEUR_A, NO_EPILOGUE, type ConvEpilogue, type ConvPlan, type CudnnEngines, type EngineChoice } from './cudnn-engines.js';
import type { ConvShape } from './cudnn.js';
import type { Driver } from './driver.js';
import { ChoiceStore, choicesFile, fastestCandidate, operandLayout } from './trials.js';

/**
 * Configurations timed, from the top of the heuristic's list. bench:conv-engines found the fastest
 * within the first 12 for 13 of its 21 shapes (768 px U-Net maps and sparse tile batches), at ranks
 * 18-21 for the other eight (bench/results/2026-12-01-conv-engines.json.xz). 24 made no faster choices
 * in the whole U-Net or sparse steps, but trials 1.6x longer (2026-12-01-conv-candidates-24-ab.log).
 */
const CANDIDATES = 12;
/**
 * Runtime-compiled configurations timed with the epilogue fused (maps only: a tile batch's shapes are
 * new with every edit, and each compiles for 30-300 ms). Their fastest was among the heuristic's
 * first three for 13 of the 16 U-Net map shapes (bench/results/2026-12-01-conv-engines-fused.json.xz).
 */
const FUSED_CANDIDATES = 3;
/**
 * What the trials offer, as part of the choice store's key: choices made by trials that offered
 * something else are not kept (2: session 19's runtime-compiled candidates with the epilogue fused;
 * 3: session 23's, deterministic configurations only, CudnnEngines.configs).
 */
const TRIALS_VERSION = 3;

/** An engine configuration (with the epilogue fused in its graph, or ours after it), or the legacy API. */
export type ConvChoice = (EngineChoice & { fused?: boolean }) | 'legacy';

/** Kernels of ours that a convolution's timing trial queues on a stream (the second). */
export interface TrialKernels {
  /** y += bias + residual (0 pointers absent). */
  epilogue(stream: unknown, y: number, bias: number, residual: number, channels: number, elements: number): void;
  /** Holds the stream for `ms`, so the host queues what follows before it runs. */
  hold(stream: unknown, ms: number): void;
}

/** A convolution's trial runs on the driver's main stream, against scratch pointers. */
export interface ConvTrial {
  /** The legacy API's call (bias and residual fused; 0 where absent), with a workspace of the given bytes. */
  legacy(x: number, w: number, y: number, bias: number, residual: number, workspace: number): void;
  /** y += bias + residual (0 where absent), after an engine's convolution. */
  epilogue(y: number, bias: number, residual: number): void;
  /** Holds the stream for `ms` (the host queues what follows meanwhile). */
  hold(ms: number): void;
  epilogueOps: ConvEpilogue;
  /** Whether to time runtime-compiled configurations with the epilogue fused (a map's convolution). */
  fused: boolean;
  /** Called with the plan of the fused configuration chosen, compiled for this shape, before it is released (to store it). */
  chosen(choice: EngineChoice, plan: ConvPlan): void;
}

/** Convolution choices by family of shapes (cudnn.ts choiceKey), for one GPU and cuDNN version. */
export function convChoiceStore(gpu: string, cudnnVersion: number): ChoiceStore<ConvChoice> {
  return ChoiceStore.of(choicesFile('cudnn'), `${gpu} cudnn ${cudnnVersion} trials ${TRIALS_VERSION}`);
}

/**
 * Runtime-compiled plans, as cuDNN serializes them, kept on disk per GPU and cuDNN version (one file
 * each, named by a hash of the shape, epilogue and configuration), so that a process rebuilds a fused
 * convolution's plan in ~1 ms instead of compiling it again.
 */
export class PlanStore {
  private readonly dir: string;
  constructor(gpu: string, cudnnVersion: number) {
    const machine = createHash('sha1').update(`${gpu} cudnn ${cudnnVersion}`).digest('hex').slice(0, 16);
    this.dir = join(process.env.FISEDIT_CUDNN_PLANS ?? join(fiseditHome(), 'cudnn-plans'), machine);
  }

  private file(key: string): string {
    return join(this.dir, `${createHash('sha1').update(key).digest('hex')}.json`);
  }

  get(key: string): string | undefined {
    try {
      const { key: k, plan } = JSON.parse(readFileSync(this.file(key), 'utf8'));
      return k === key && typeof plan === 'string' ? plan : undefined;
    } catch {
      return undefined; // none, or unreadable: built again, and written anew
    }
  }

  set(key: string, plan: string): void {
    try {
      writeFileAtomic(this.file(key), JSON.stringify({ key, plan }));
    } catch {
      // a read-only home: the plan is compiled again by the next process
    }
  }
}

/**
 * The fastest way to run a convolution of shape `s` (fp16, NHWC) with the trial's epilogue: the legacy
 * call, one of the heuristic's first configurations plus our epilogue kernel, or (trial.fused) one of
 * the first runtime-compiled configurations with the epilogue in its graph, by timing on the tuner's
 * stream (the driver's main stream). Scratch memory is the trial's own, so nothing queued there or
 * being recorded is touched.
 */
export function fastestConvolution(tuner: CudnnEngines, driver: Driver, s: ConvShape, workspaceBytes: number, trial: ConvTrial): ConvChoice {
  const e = trial.epilogueOps, anyEpilogue = e.bias || e.residual;
  const candidatesOf = (epilogue: ConvEpilogue, count: number) => {
    const configs = tuner.configs(tuner.graph(s, epilogue), HEUR_A);
    const plans = configs.slice(0, count).flatMap((config) => {
      const p = tuner.plan(config, workspaceBytes);
      return p ? [{ p, config, fused: epilogue !== NO_EPILOGUE }] : [];
    });
    return { configs, plans };
  };
  const lists = [candidatesOf(NO_EPILOGUE, CANDIDATES), ...(trial.fused && anyEpilogue ? [candidatesOf(e, FUSED_CANDIDATES)] : [])];
  const plans = lists.flatMap((l) => l.plans);
  const releasePlans = () => {
    plans.forEach(({ p }) => tuner.release(p));
    lists.forEach((l) => l.configs.forEach((c) => tuner.forget(c)));
  };
  const outputs = s.n * s.ho * s.wo * s.co;
  // fp16 operands (the trials run in fp16 only), then the workspace
  const { offsets, bytes } = operandLayout([s.n * s.h * s.w * s.ci, s.co * s.ci * s.kh * s.kw, outputs, e.bias ? s.co : 0, e.residual ? outputs : 0], 2);
  let scratch: number;
  try {
    scratch = driver.alloc(bytes + workspaceBytes);
  } catch (err) {
    releasePlans(); // GpuOutOfMemory: the caller takes the legacy call (Cudnn.newEnginePlan)
    throw err;
  }
  const [x, w, y, bias, residual] = offsets.map((o) => (o < 0 ? 0 : scratch + o)) as [number, number, number, number, number];
  const workspace = scratch + bytes;
  const packs: ReturnType<CudnnEngines['pack']>[] = [];
  try {
    // the legacy call first: the one kept unless a configuration is faster
    const candidates: { run: () => void; config?: bigint; fused?: boolean; p?: ConvPlan }[] = [{ run: () => trial.legacy(x, w, y, bias, residual, workspace) }];
    for (const { p, config, fused } of plans) {
      const pack = fused ? tuner.pack(workspace, { x, w, y, bias, residual }) : tuner.pack(workspace, { x, w, y, bias: 0, residual: 0 });
      packs.push(pack);
      candidates.push({ run: () => { tuner.run(p, pack); if (anyEpilogue && !fused) trial.epilogue(y, bias, residual); }, config, fused, p });
    }
    const best = candidates[fastestCandidate(driver, candidates.map((c) => c.run), trial.hold)]!;
    const { config, fused, p } = best;
    if (config === undefined) return 'legacy';
    const choice = tuner.choice(config);
    if (!fused) return choice;
    trial.chosen(choice, p!);
    return { ...choice, fused: true };
  } finally {
    driver.free(scratch);
    packs.forEach((pack) => tuner.dropPack(pack));
    releasePlans();
  }
}
