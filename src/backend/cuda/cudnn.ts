// cuDNN for NHWC convolutions. fp16: each family of shapes runs what measured fastest on this machine
// (conv-tuning.ts): the legacy call, or an engine configuration of the backend (graph) API, its plan
// built once per shape, with the bias and residual then the caller's to add (forward's answer),
// or, for a map's convolution, one of cuDNN's runtime-compiled engines with them fused. Those compile
// for every new shape (30-300 ms of host time each, bench/results/2026-12-01-conv-engines-fused.json.xz),
// so their plans are kept on disk (PlanStore), and a sparse step's tile batches, which change shape
// with every edit, are not offered them. The legacy API (other precisions; fp16 families it won, and
// shapes the backend API cannot describe): descriptors made once per shape and the algorithm chosen
// once per geometry (cuDNN's heuristic, within our workspace) and remembered, bias and residual fused
// where the algorithm allows it (implicit precomputed GEMM), else added by cudnnAddTensor. fp16 data
// accumulates in float.
import { FiseditError } from '../../io/errors.js';
import { convChoiceStore, fastestConvolution, PlanStore, type ConvChoice, type TrialKernels } from './conv-tuning.js';
import { octave, type ChoiceStore } from './trials.js';
import { CudnnEngines, HEUR_A, type ConvEpilogue, type ConvPlan, type ConvPointers, type EngineChoice } from './cudnn-engines.js';
import type { Driver } from './driver.js';
import type { HostCosts } from './host-costs.js';
import { bindFunctions, loadLibrary } from './libs.js';
import type { Precision } from './precision.js';
import type { CudnnEngineMode } from './options.js';

const NHWC = 1;
const DATA_FLOAT = 0;
const DATA_HALF = 2;
const CROSS_CORRELATION = 1;
const TENSOR_OP_MATH = 1;
const TENSOR_OP_MATH_ALLOW_CONVERSION = 2;
const FMA_MATH = 3;
const ACTIVATION_IDENTITY = 5;
const IMPLICIT_PRECOMP_GEMM = 1;
/** sizeof(cudnnConvolutionFwdAlgoPerf_t): algo, status, time, memory (8-aligned), determinism, mathType, reserved[3]. */
const PERF_BYTES = 48;
const ALGOS = 8;

/** The legacy API's functions the backend calls (bench/winograd.ts binds them too). */
export const LEGACY_PROTOTYPES: Readonly<Record<string, string>> = {
  create: 'int cudnnCreate(_Out_ void **h)',
  setStream: 'int cudnnSetStream(void *h, void *stream)',
  errorString: 'const char *cudnnGetErrorString(int status)',
  tensorCreate: 'int cudnnCreateTensorDescriptor(_Out_ void **d)',
  tensorSet: 'int cudnnSetTensor4dDescriptor(void *d, int format, int type, int n, int c, int h, int w)',
  filterCreate: 'int cudnnCreateFilterDescriptor(_Out_ void **d)',
  filterSet: 'int cudnnSetFilter4dDescriptor(void *d, int type, int format, int k, int c, int h, int w)',
  convCreate: 'int cudnnCreateConvolutionDescriptor(_Out_ void **d)',
  convSet: 'int cudnnSetConvolution2dDescriptor(void *d, int padH, int padW, int u, int v, int dilH, int dilW, int mode, int computeType)',
  convMath: 'int cudnnSetConvolutionMathType(void *d, int mathType)',
  activationCreate: 'int cudnnCreateActivationDescriptor(_Out_ void **d)',
  activationSet: 'int cudnnSetActivationDescriptor(void *d, int mode, int nanOpt, double coef)',
  algorithms: 'int cudnnGetConvolutionForwardAlgorithm_v7(void *h, void *x, void *w, void *conv, void *y, int requested, _Out_ int *returned, _Out_ uint8_t *perf)',
  workspaceSize: 'int cudnnGetConvolutionForwardWorkspaceSize(void *h, void *x, void *w, void *conv, void *y, int algo, _Out_ size_t *bytes)',
  forward: 'int cudnnConvolutionForward(void *h, const float *alpha, void *xd, uint64_t x, void *wd, uint64_t w, void *conv, int algo, uint64_t ws, size_t wsBytes, const float *beta, void *yd, uint64_t y)',
  forwardBias: 'int cudnnConvolutionBiasActivationForward(void *h, const float *alpha1, void *xd, uint64_t x, void *wd, uint64_t w, void *conv, int algo, uint64_t ws, size_t wsBytes, const float *alpha2, void *zd, uint64_t z, void *bd, uint64_t b, void *act, void *yd, uint64_t y)',
  addTensor: 'int cudnnAddTensor(void *h, const float *alpha, void *ad, uint64_t a, const float *beta, void *cd, uint64_t c)',
};

export interface ConvShape {
  n: number; h: number; w: number; ci: number;
  co: number; kh: number; kw: number;
  ho: number; wo: number;
  stride: number; padH: number; padW: number;
}

interface Plan {
  x: unknown; w: unknown; y: unknown; bias: unknown; conv: unknown;
  algo: number;
  /** Whether a convolution ran with it (the first one costs more host time). */
  used: boolean;
}

export class Cudnn {
  private readonly f: Record<string, (...a: unknown[]) => number>;
  private readonly handle: unknown;
  private readonly plans = new Map<string, Plan>();
  /** The algorithm chosen for each group of shapes (algorithmKey). */
  private readonly algorithms = new Map<string, number>();
  /**
   * fp16: implicit-precomputed GEMM wherever it runs within our workspace, without asking cuDNN's
   * heuristic, which answers ~5.4 ms later each time (46 calls a bench:edit process,
   * bench/results/2026-11-30-edit-host-profile-s5.md) and answered it for every convolution in every
   * fp16 profile committed (the U-Net at 512 to 1024 px, the VAE, the sparse engine's tiles). Other
   * precisions ask the heuristic.
   */
  private readonly preferred: number | undefined;
  private readonly activation: unknown;
  private readonly dataType: number;
  private readonly mathType: number;
  private readonly one = new Float32Array([1]);
  private readonly zero = new Float32Array([0]);
  /** fp16: the backend API on the driver's stream (Driver.followStream); for timing trials, it and a legacy handle on the main stream (Driver.main). */
  private readonly engines: { main: CudnnEngines; tuner: CudnnEngines; legacy: unknown; choices: ChoiceStore<ConvChoice>; plans: PlanStore } | undefined;
  /** How fp16 convolutions choose between the backend API's engines and the legacy call ('off' in other precisions). */
  readonly engineMode: CudnnEngineMode;
  /** Engine plans by shape and epilogue, and whether the epilogue is fused in them (null: the backend API built none, the legacy API runs it). */
  private readonly enginePlans = new Map<string, { plan: ConvPlan; fused: boolean } | null>();

  /**
   * `kernels`: ours that a timing trial queues on the main stream. `urgent`: whether the user waits
   * on the calls being made (trials are then left for later where the same shapes' choice at another octave serves). `mode` (fp16;
   * CudaOptions.cudnnEngines): time engine configurations against the legacy call, take the backend
   * API heuristic's first, or only the legacy call.
   */
  constructor(precision: Precision, private readonly driver: Driver, private readonly workspace: number, private readonly workspaceBytes: number, private readonly costs: HostCosts,
              private readonly kernels: TrialKernels, private readonly urgent: () => boolean, mode: CudnnEngineMode = 'timed') {
    const lib = loadLibrary('cuDNN (libcudnn)', ['libcudnn.so.9', 'libcudnn.so']);
    this.f = bindFunctions(lib, LEGACY_PROTOTYPES);
    const h = [null];
    this.check('cudnnCreate', this.f.create!(h));
    this.handle = h[0];
    this.dataType = precision === 'fp16' ? DATA_HALF : DATA_FLOAT;
    this.preferred = precision === 'fp16' ? IMPLICIT_PRECOMP_GEMM : undefined;
    // fp32 stays exact float arithmetic (no TF32); tf32 lets cuDNN use TF32 tensor cores
    this.mathType = precision === 'fp16' ? TENSOR_OP_MATH : precision === 'tf32' ? TENSOR_OP_MATH_ALLOW_CONVERSION : FMA_MATH;
    const act = [null];
    this.check('cudnnCreateActivationDescriptor', this.f.activationCreate!(act));
    this.activation = act[0];
    this.check('cudnnSetActivationDescriptor', this.f.activationSet!(this.activation, ACTIVATION_IDENTITY, 0, 0));
    this.engineMode = precision === 'fp16' ? mode : 'off';
    if (this.engineMode !== 'off') {
      const main = new CudnnEngines(driver.stream);
      driver.followStream((s) => main.useStream(s));
      // the trials' handles run on the main stream, also while a graph is being recorded (Driver.main)
      const legacy = [null];
      this.check('cudnnCreate', this.f.create!(legacy));
      this.check('cudnnSetStream', this.f.setStream!(legacy[0], driver.main));
      this.engines = { main, tuner: new CudnnEngines(driver.main), legacy: legacy[0], choices: convChoiceStore(driver.name, main.version()), plans: new PlanStore(driver.name, main.version()) };
    }
    driver.followStream((s) => this.check('cudnnSetStream', this.f.setStream!(this.handle, s)));
  }

  private check(what: string, status: number): void {
    if (status !== 0) throw new FiseditError(`cuDNN ${what} failed: ${String(this.f.errorString!(status))} (status ${status})`);
  }

  private tensor(n: number, c: number, h: number, w: number): unknown {
    const d = [null];
    this.check('cudnnCreateTensorDescriptor', this.f.tensorCreate!(d));
    this.check('cudnnSetTensor4dDescriptor', this.f.tensorSet!(d[0], NHWC, this.dataType, n, c, h, w));
    return d[0];
  }

  private plan(s: ConvShape): Plan {
    const key = shapeKey(s);
    return this.plans.get(key) ?? this.costs.time('cuDNN plan', () => this.newPlan(key, s));
  }

  private newPlan(key: string, s: ConvShape): Plan {
    const x = this.tensor(s.n, s.ci, s.h, s.w), y = this.tensor(s.n, s.co, s.ho, s.wo), bias = this.tensor(1, s.co, 1, 1);
    const wd = [null], cd = [null];
    this.check('cudnnCreateFilterDescriptor', this.f.filterCreate!(wd));
    this.check('cudnnSetFilter4dDescriptor', this.f.filterSet!(wd[0], this.dataType, NHWC, s.co, s.ci, s.kh, s.kw));
    this.check('cudnnCreateConvolutionDescriptor', this.f.convCreate!(cd));
    this.check('cudnnSetConvolution2dDescriptor', this.f.convSet!(cd[0], s.padH, s.padW, s.stride, s.stride, 1, 1, CROSS_CORRELATION, DATA_FLOAT));
    this.check('cudnnSetConvolutionMathType', this.f.convMath!(cd[0], this.mathType));
    let algo = this.algorithms.get(algorithmKey(s));
    if (algo === undefined || !this.fits(x, wd[0], cd[0], y, algo)) {
      algo = this.preferred !== undefined && this.fits(x, wd[0], cd[0], y, this.preferred) ? this.preferred : this.heuristic(x, wd[0], cd[0], y, s);
      this.algorithms.set(algorithmKey(s), algo);
    }
    const p = { x, w: wd[0], y, bias, conv: cd[0], algo, used: false };
    this.plans.set(key, p);
    return p;
  }

  /** The heuristic's fastest algorithm that works within our workspace. */
  private heuristic(x: unknown, w: unknown, conv: unknown, y: unknown, s: ConvShape): number {
    const perf = new Uint8Array(PERF_BYTES * ALGOS);
    const count = [0];
    this.check('cudnnGetConvolutionForwardAlgorithm_v7', this.f.algorithms!(this.handle, x, w, conv, y, ALGOS, count, perf));
    const view = new DataView(perf.buffer);
    for (let i = 0; i < count[0]!; i++) {
      const status = view.getInt32(i * PERF_BYTES + 4, true);
      const memory = Number(view.getBigUint64(i * PERF_BYTES + 16, true));
      if (status === 0 && memory <= this.workspaceBytes) return view.getInt32(i * PERF_BYTES, true);
    }
    throw new FiseditError(`cuDNN has no convolution algorithm for ${JSON.stringify(s)} within ${this.workspaceBytes} bytes of workspace`);
  }

  /** Whether an algorithm chosen for another batch size supports this shape within our workspace. */
  private fits(x: unknown, w: unknown, conv: unknown, y: unknown, algo: number): boolean {
    const bytes = [0];
    return this.costs.time('cuDNN workspace query', () => this.f.workspaceSize!(this.handle, x, w, conv, y, algo, bytes)) === 0 && bytes[0]! <= this.workspaceBytes;
  }

  /**
   * y = conv(x, w) (+ bias per output channel) (+ residual, shaped like y); pointers are NHWC tensors
   * of the shape's sizes, 0 for an absent operand. Returns the operands the caller must still add
   * (all 0: none): an engine plan without its epilogue fused leaves them both.
   */
  forward(s: ConvShape, io: ConvPointers): Pick<ConvPointers, 'bias' | 'residual'> {
    const { x, w, y, bias, residual } = io;
    const e = this.engines && this.enginePlan(s, { bias: bias !== 0, residual: residual !== 0 });
    this.driver.beforeLibraryCall();
    if (e) {
      this.engines!.main.execute(e.plan, this.workspace, e.fused ? io : { x, w, y, bias: 0, residual: 0 });
      return e.fused ? { bias: 0, residual: 0 } : { bias, residual };
    }
    const p = this.plan(s);
    if (p.used) this.run(p, x, w, y, bias, residual);
    else {
      this.costs.time('cuDNN first forward', () => this.run(p, x, w, y, bias, residual));
      p.used = true;
    }
    return { bias: 0, residual: 0 };
  }

  /** The engine plan of a shape with that epilogue, where its family's trials chose an engine configuration that takes it. */
  private enginePlan(s: ConvShape, e: ConvEpilogue): { plan: ConvPlan; fused: boolean } | undefined {
    const key = enginePlanKey(s, e);
    let p = this.enginePlans.get(key);
    if (p === undefined) {
      p = this.costs.time('cuDNN engine plan', () => this.newEnginePlan(s, e), () => key) ?? null;
      this.enginePlans.set(key, p);
    }
    return p ?? undefined;
  }

  private newEnginePlan(s: ConvShape, e: ConvEpilogue): { plan: ConvPlan; fused: boolean } | undefined {
    try {
      return this.tryEnginePlan(s, e);
    } catch (err) {
      // the backend API cannot describe or run this shape (odd channel counts), or a trial ran out of
      // memory: the legacy call serves, as before the engines
      if (err instanceof FiseditError) return undefined;
      throw err;
    }
  }

  private tryEnginePlan(s: ConvShape, e: ConvEpilogue): { plan: ConvPlan; fused: boolean } | undefined {
    const { main, tuner, legacy, choices, plans } = this.engines!;
    if (this.engineMode === 'heuristic') return this.heuristicFirst(s);
    // a family is timed per octave of the batch: a sparse step's tile batches of a few tiles, latency-bound,
    // may want another kernel than batches of hundreds (and one more launch for an epilogue costs them more);
    // while the user waits, a new octave takes the choice of the nearest one that has one
    const familyAt = (batchOctave: number) => convFamily(s, e, batchOctave), family = familyAt(octave(s.n));
    const urgent = this.urgent();
    let choice = choices.chosen(familyAt, s.n, urgent, undefined, (o) => this.costs.note('cuDNN borrowed choice', `${family} from n${o}`));
    if (!choice && urgent) {
      // no octave of the family has a choice to lend while the user waits: the heuristic's first, untimed,
      // kept for this process (as a borrowed choice is), so that the family's other octaves borrow it
      // rather than ask the heuristic again (16-35 ms an edit: bench/results/2026-12-03-s49-call5.log).
      // A fresh process's masked edits had timed new families inside the edit: 123 and 91 ms of trials
      // at 13.6 and 30.1% (…-s49-call2.log, its whole edits' hostCosts).
      this.costs.note('cuDNN heuristic first', family);
      return this.heuristicFirst(s, family);
    }
    if (!choice) {
      const elements = s.n * s.ho * s.wo * s.co, stream = this.driver.main, legacyPlan = this.plan(s);
      choice = this.costs.time('cuDNN timing trials', () => fastestConvolution(tuner, this.driver, s, this.workspaceBytes, {
        legacy: (x, w, y, b, r, workspace) => this.run(legacyPlan, x, w, y, b, r, legacy, workspace),
        epilogue: (y, b, r) => this.kernels.epilogue(stream, y, b, r, s.co, elements),
        hold: (ms) => this.kernels.hold(stream, ms),
        epilogueOps: e,
        fused: isMap(s),
        chosen: (c, p) => {
          const text = tuner.serialize(p);
          if (text) plans.set(fusedPlanKey(s, e, c), text);
        },
      }), () => family);
      choices.set(family, choice);
    }
    if (choice === 'legacy') return undefined;
    if (choice.fused) {
      const plan = this.fusedPlan(s, e, choice);
      return plan && { plan, fused: true };
    }
    // the family's configuration, if it takes this shape (else the legacy call, as before the trials)
    const plan = this.planOf(main.graph(s), choice);
    return plan && { plan, fused: false };
  }

  /** A plan of a runtime-compiled configuration with the epilogue fused: as stored on disk, else compiled (and stored). */
  private fusedPlan(s: ConvShape, e: ConvEpilogue, choice: EngineChoice): ConvPlan | undefined {
    const { main, plans } = this.engines!, key = fusedPlanKey(s, e, choice);
    const text = plans.get(key);
    const stored = text === undefined ? undefined : this.costs.time('cuDNN stored plan', () => main.deserialize(text, this.workspaceBytes));
    if (stored) return stored;
    const plan = this.costs.time('cuDNN plan compiled', () => this.planOf(main.graph(s, e), choice));
    const serialized = plan && main.serialize(plan);
    if (serialized) plans.set(key, serialized);
    return plan;
  }

  /** The plan of a chosen configuration for a graph, if its engine takes the graph within our workspace. */
  private planOf(graph: bigint, choice: EngineChoice): ConvPlan | undefined {
    const main = this.engines!.main;
    const config = main.choiceConfig(graph, choice);
    const p = config && main.plan(config, this.workspaceBytes);
    if (p) return p; // (its configuration lives as long as it)
    if (config) main.forget(config);
    return undefined;
  }

  /**
   * The heuristic's first configuration's plan for the shape, its epilogue left to the caller
   * (undefined: the legacy call); `keepFor`: a family that keeps the configuration as its choice in
   * this process (ChoiceStore.keep).
   */
  private heuristicFirst(s: ConvShape, keepFor?: string): { plan: ConvPlan; fused: boolean } | undefined {
    const { main, choices } = this.engines!;
    const first = this.firstPlan(main.graph(s));
    if (first && keepFor) choices.keep(keepFor, main.choice(first.config));
    return first && { plan: first.plan, fused: false };
  }

  /** The heuristic's first configuration that builds a plan within our workspace, and that configuration (it lives as long as the plan). */
  private firstPlan(graph: bigint): { plan: ConvPlan; config: bigint } | undefined {
    const main = this.engines!.main;
    let chosen: { plan: ConvPlan; config: bigint } | undefined;
    for (const c of main.configs(graph, HEUR_A)) {
      const p = chosen ? undefined : main.plan(c, this.workspaceBytes);
      if (p) chosen = { plan: p, config: c };
      else main.forget(c);
    }
    return chosen;
  }

  /** The legacy call, on `handle`'s stream with `workspace` (a timing trial's are its own). */
  private run(p: Plan, x: number, w: number, y: number, bias: number, residual: number, handle = this.handle, workspace = this.workspace): void {
    const ws = this.workspaceBytes;
    // the fused call (y = conv + alpha2 z + bias) takes an identity activation only with implicit precomputed GEMM
    if (bias && p.algo === IMPLICIT_PRECOMP_GEMM) {
      this.check('cudnnConvolutionBiasActivationForward', this.f.forwardBias!(handle, this.one, p.x, x, p.w, w, p.conv, p.algo, workspace, ws, residual ? this.one : this.zero, p.y, residual || y, p.bias, bias, this.activation, p.y, y));
      return;
    }
    this.check('cudnnConvolutionForward', this.f.forward!(handle, this.one, p.x, x, p.w, w, p.conv, p.algo, workspace, ws, this.zero, p.y, y));
    if (bias) this.check('cudnnAddTensor', this.f.addTensor!(handle, this.one, p.bias, bias, this.one, p.y, y));
    if (residual) this.check('cudnnAddTensor', this.f.addTensor!(handle, this.one, p.y, residual, this.one, p.y, y));
  }

  /** What ran a shape with that epilogue (for profiles): an engine plan (its epilogue fused or not), or the legacy algorithm. */
  describe(s: ConvShape, e: ConvEpilogue): string {
    const p = this.enginePlans.get(enginePlanKey(s, e));
    return p ? (p.fused ? 'fused engine plan' : 'engine plan') : `algo ${this.plan(s).algo}`;
  }
}

function shapeKey(s: ConvShape): string {
  return Object.values(s).join(',');
}

function epilogueKey(e: ConvEpilogue): string {
  return `${e.bias ? ' +bias' : ''}${e.residual ? ' +residual' : ''}`;
}

/** An engine plan's key: the shape, and what the epilogue adds. */
function enginePlanKey(s: ConvShape, e: ConvEpilogue): string {
  return `${shapeKey(s)}${epilogueKey(e)}`;
}

/** A stored runtime-compiled plan's key: the shape, the epilogue and the configuration. */
function fusedPlanKey(s: ConvShape, e: ConvEpilogue, c: EngineChoice): string {
  return `${enginePlanKey(s, e)} engine ${c.engine} ${JSON.stringify(c.knobs)}`;
}

/** A map's convolution (padded), not a batch of tiles gathered with their borders. */
function isMap(s: ConvShape): boolean {
  return s.padH > 0 || s.padW > 0;
}

/** The family of timing trials a shape with that epilogue belongs to, at a batch octave. */
function convFamily(s: ConvShape, e: ConvEpilogue, batchOctave: number): string {
  return `${algorithmKey(s)} n${batchOctave}${epilogueKey(e)}`;
}

/**
 * Which shapes share an algorithm choice: the batch size aside (a sparse step's tile batches change
 * with every edit), and for unpadded convolutions (the sparse engine's tiles) the spatial size
 * aside too. Tiles come in a new size for each block size APSC picks, the heuristic answers ~5.5 ms
 * later each time (bench/results/2026-11-30-edit-host-profile.md), and its answer was implicit-precomp GEMM for every
 * tile in the profiles of bench:edit. A reused choice is checked against the shape first (fits).
 */
function algorithmKey(s: ConvShape): string {
  const { n: _n, ...rest } = s;
  if (s.padH || s.padW) return Object.values(rest).join(',');
  const { h: _h, w: _w, ho: _ho, wo: _wo, ...family } = rest;
  return `unpadded ${Object.values(family).join(',')}`;
}
