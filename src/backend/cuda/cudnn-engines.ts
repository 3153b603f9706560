// cuDNN's backend (graph) API for one NHWC fp16 convolution: the operation graph, the engine
// configurations its heuristic proposes, an execution plan of each, and running one. The legacy
// API (cudnn.ts) lets cuDNN pick the kernel of an algorithm by its own rule; here every proposed
// configuration can be timed and the fastest kept (bench/conv-engines.ts).
import { FiseditError } from '../../io/errors.js';
import type { ConvShape } from './cudnn.js';
import { bindFunctions, loadLibrary } from './libs.js';

// cudnnBackendDescriptorType_t
const POINTWISE = 0, CONVOLUTION = 1, ENGINE = 2, ENGINECFG = 3, ENGINEHEUR = 4, EXECUTION_PLAN = 5, KNOB_CHOICE = 7;
const OPERATION_CONVOLUTION_FORWARD = 10, OPERATION_POINTWISE = 13, OPERATIONGRAPH = 15, VARIANT_PACK = 16, TENSOR = 17;
// cudnnBackendAttributeType_t
const TYPE_HANDLE = 0, TYPE_DATA_TYPE = 1, TYPE_INT64 = 3, TYPE_FLOAT = 4, TYPE_VOID_PTR = 6, TYPE_CONVOLUTION_MODE = 7, TYPE_HEUR_MODE = 8;
const TYPE_KNOB_TYPE = 9, TYPE_POINTWISE_MODE = 14, TYPE_BACKEND_DESCRIPTOR = 15, TYPE_BOOLEAN = 2, TYPE_CHAR = 24;
// cudnnBackendAttributeName_t
const CONVOLUTION_COMP_TYPE = 100, CONVOLUTION_CONV_MODE = 101, CONVOLUTION_DILATIONS = 102, CONVOLUTION_FILTER_STRIDES = 103;
const CONVOLUTION_POST_PADDINGS = 104, CONVOLUTION_PRE_PADDINGS = 105, CONVOLUTION_SPATIAL_DIMS = 106;
const ENGINEHEUR_MODE = 200, ENGINEHEUR_OPERATION_GRAPH = 201, ENGINEHEUR_RESULTS = 202;
const ENGINECFG_ENGINE = 300, ENGINECFG_KNOB_CHOICES = 302, KNOB_CHOICE_KNOB_TYPE = 600, KNOB_CHOICE_KNOB_VALUE = 601;
const ENGINE_OPERATION_GRAPH = 1300, ENGINE_GLOBAL_INDEX = 1301, ENGINE_NUMERICAL_NOTE = 1303;
/** cudnnBackendAttributeType_t of numerical notes; cudnnBackendNumericalNote_t's "results may differ from run to run". */
const TYPE_NUMERICAL_NOTE = 11, NOTE_NONDETERMINISTIC = 4;
/** More numerical notes than any engine has. */
const MAX_NOTES = 16;
/** More knob choices than any engine has. */
const MAX_KNOBS = 32;
const EXECUTION_PLAN_HANDLE = 400, EXECUTION_PLAN_ENGINE_CONFIG = 401, EXECUTION_PLAN_WORKSPACE_SIZE = 402, EXECUTION_PLAN_JSON = 405;
const POINTWISE_MODE = 0, POINTWISE_MATH_PREC = 1;
const OPERATION_POINTWISE_PW_DESCRIPTOR = 750, OPERATION_POINTWISE_XDESC = 751, OPERATION_POINTWISE_BDESC = 752, OPERATION_POINTWISE_YDESC = 753;
const CONV_FWD_ALPHA = 700, CONV_FWD_BETA = 701, CONV_FWD_CONV_DESC = 702, CONV_FWD_W = 703, CONV_FWD_X = 704, CONV_FWD_Y = 705;
const OPERATIONGRAPH_HANDLE = 800, OPERATIONGRAPH_OPS = 801;
const TENSOR_BYTE_ALIGNMENT = 900, TENSOR_DATA_TYPE = 901, TENSOR_DIMENSIONS = 902, TENSOR_STRIDES = 903, TENSOR_UNIQUE_ID = 906, TENSOR_IS_VIRTUAL = 907;
const VARIANT_PACK_UNIQUE_IDS = 1000, VARIANT_PACK_DATA_POINTERS = 1001, VARIANT_PACK_WORKSPACE = 1003;
const DATA_FLOAT = 0, DATA_HALF = 2, CROSS_CORRELATION = 1, POINTWISE_ADD = 0;
/** cudnnBackendHeurMode_t: the quick heuristic (A) and the slower, more exact one (B). */
export const HEUR_A = 0, HEUR_B = 1;

/** Tensor ids of a convolution's graph: x, w, y, the fused epilogue's operands, and the intermediates. */
const X = 1, W = 2, Y = 3, BIAS = 4, RESIDUAL = 5, CONV_OUT = 6, BIASED = 7;

/**
 * What is added to a convolution's output: a bias per channel, a residual shaped like the output.
 * (No per batch item and channel shift: cuDNN's runtime-compiled engines took one [N, C, 1, 1] and
 * computed garbage, reading out of bounds, bench/results/2026-12-01-test-gpu-h200-s19-fused-shift-trial.log.xz;
 * a resnet's time embedding now goes into its second norm, StepContext.conv.)
 */
export interface ConvEpilogue {
  bias: boolean;
  residual: boolean;
}

export const NO_EPILOGUE: ConvEpilogue = { bias: false, residual: false };

/** Device pointers of a convolution and of its epilogue's operands (0: absent). */
export interface ConvPointers {
  x: number;
  w: number;
  y: number;
  bias: number;
  residual: number;
}

type Desc = bigint;

/** One execution plan of a convolution and the workspace it needs. */
export interface ConvPlan {
  plan: Desc;
  workspaceBytes: number;
}

/** An engine (cuDNN's global index) and its knob settings ([knob type, value]): a configuration, independent of the shape. */
export interface EngineChoice {
  engine: number;
  knobs: [number, number][];
}

export class CudnnEngines {
  private readonly f: Record<string, (...a: unknown[]) => number>;
  private readonly handle: Desc;

  constructor(stream: unknown) {
    const lib = loadLibrary('cuDNN (libcudnn)', ['libcudnn.so.9', 'libcudnn.so']);
    this.f = bindFunctions(lib, {
      create: 'int cudnnCreate(_Out_ uint64_t *h)',
      setStream: 'int cudnnSetStream(uint64_t h, void *stream)',
      errorString: 'const char *cudnnGetErrorString(int status)',
      make: 'int cudnnBackendCreateDescriptor(int type, _Out_ uint64_t *desc)',
      destroy: 'int cudnnBackendDestroyDescriptor(uint64_t desc)',
      set: 'int cudnnBackendSetAttribute(uint64_t desc, int name, int type, int64_t count, const void *elements)',
      get: 'int cudnnBackendGetAttribute(uint64_t desc, int name, int type, int64_t requested, _Out_ int64_t *count, void *elements)',
      finalize: 'int cudnnBackendFinalize(uint64_t desc)',
      execute: 'int cudnnBackendExecute(uint64_t h, uint64_t plan, uint64_t pack)',
      version: 'size_t cudnnGetVersion()',
    });
    const h = new BigUint64Array(1);
    this.check('cudnnCreate', this.f.create!(h));
    this.handle = h[0]!;
    this.useStream(stream);
  }

  /** Queues what follows on `stream`. */
  useStream(stream: unknown): void {
    this.check('cudnnSetStream', this.f.setStream!(this.handle, stream));
  }

  private check(what: string, status: number): void {
    if (status !== 0) throw new FiseditError(`cuDNN ${what} failed: ${String(this.f.errorString!(status))} (status ${status})`);
  }

  private make(type: number): Desc {
    const d = new BigUint64Array(1);
    this.check(`cudnnBackendCreateDescriptor(${type})`, this.f.make!(type, d));
    return d[0]!;
  }

  private set(d: Desc, name: number, type: number, elements: ArrayBufferView, count = elementCount(elements)): void {
    this.check(`cudnnBackendSetAttribute(${name})`, this.f.set!(d, name, type, count, elements));
  }

  private finalize(d: Desc, what: string): void {
    this.check(`cudnnBackendFinalize(${what})`, this.f.finalize!(d));
  }

  private descs(...d: Desc[]): BigUint64Array {
    return new BigUint64Array(d);
  }

  /** A finalized descriptor of `type` with these attributes ([name, attribute type, elements]). */
  private build(type: number, what: string, attributes: [number, number, ArrayBufferView][]): Desc {
    const d = this.make(type);
    for (const [name, t, elements] of attributes) this.set(d, name, t, elements);
    this.finalize(d, what);
    return d;
  }

  /** An fp16 tensor of NCHW dimensions laid out NHWC (virtual: an intermediate of the graph). */
  private tensor(id: number, [n, c, h, w]: number[], virtual = false, type = DATA_HALF): Desc {
    return this.build(TENSOR, 'tensor', [
      [TENSOR_UNIQUE_ID, TYPE_INT64, i64(id)],
      [TENSOR_DATA_TYPE, TYPE_DATA_TYPE, new Int32Array([type])],
      [TENSOR_BYTE_ALIGNMENT, TYPE_INT64, i64(16)],
      [TENSOR_DIMENSIONS, TYPE_INT64, i64(n!, c!, h!, w!)],
      [TENSOR_STRIDES, TYPE_INT64, i64(h! * w! * c!, 1, w! * c!, c!)],
      ...(virtual ? [[TENSOR_IS_VIRTUAL, TYPE_BOOLEAN, new Uint8Array([1])] as [number, number, ArrayBufferView]] : []),
    ]);
  }

  /** a + b as a pointwise op (b broadcast where its dimensions are 1). */
  private add(a: Desc, b: Desc, y: Desc): Desc {
    const pw = this.build(POINTWISE, 'pointwise', [
      [POINTWISE_MODE, TYPE_POINTWISE_MODE, new Int32Array([POINTWISE_ADD])],
      [POINTWISE_MATH_PREC, TYPE_DATA_TYPE, new Int32Array([DATA_FLOAT])],
    ]);
    return this.build(OPERATION_POINTWISE, 'pointwise op', [
      [OPERATION_POINTWISE_PW_DESCRIPTOR, TYPE_BACKEND_DESCRIPTOR, this.descs(pw)],
      [OPERATION_POINTWISE_XDESC, TYPE_BACKEND_DESCRIPTOR, this.descs(a)],
      [OPERATION_POINTWISE_BDESC, TYPE_BACKEND_DESCRIPTOR, this.descs(b)],
      [OPERATION_POINTWISE_YDESC, TYPE_BACKEND_DESCRIPTOR, this.descs(y)],
    ]);
  }

  /** The operation graph of y = conv(x, w), + bias per channel, + residual, as `e` asks. */
  graph(s: ConvShape, e: ConvEpilogue = NO_EPILOGUE): Desc {
    const yDims = [s.n, s.co, s.ho, s.wo];
    // the sums in float, rounded to fp16 once, in y
    const adds: [id: number, dims: number[], out: number][] = [];
    if (e.bias) adds.push([BIAS, [1, s.co, 1, 1], BIASED]);
    if (e.residual) adds.push([RESIDUAL, yDims, Y]);
    const convOut = this.tensor(adds.length ? CONV_OUT : Y, yDims, adds.length > 0, adds.length ? DATA_FLOAT : DATA_HALF);
    const conv = this.build(CONVOLUTION, 'convolution', [
      [CONVOLUTION_COMP_TYPE, TYPE_DATA_TYPE, new Int32Array([DATA_FLOAT])],
      [CONVOLUTION_CONV_MODE, TYPE_CONVOLUTION_MODE, new Int32Array([CROSS_CORRELATION])],
      [CONVOLUTION_SPATIAL_DIMS, TYPE_INT64, i64(2)],
      [CONVOLUTION_DILATIONS, TYPE_INT64, i64(1, 1)],
      [CONVOLUTION_FILTER_STRIDES, TYPE_INT64, i64(s.stride, s.stride)],
      [CONVOLUTION_PRE_PADDINGS, TYPE_INT64, i64(s.padH, s.padW)],
      [CONVOLUTION_POST_PADDINGS, TYPE_INT64, i64(s.padH, s.padW)],
    ]);
    const ops = [this.build(OPERATION_CONVOLUTION_FORWARD, 'convolution op', [
      [CONV_FWD_X, TYPE_BACKEND_DESCRIPTOR, this.descs(this.tensor(X, [s.n, s.ci, s.h, s.w]))],
      [CONV_FWD_W, TYPE_BACKEND_DESCRIPTOR, this.descs(this.tensor(W, [s.co, s.ci, s.kh, s.kw]))],
      [CONV_FWD_Y, TYPE_BACKEND_DESCRIPTOR, this.descs(convOut)],
      [CONV_FWD_CONV_DESC, TYPE_BACKEND_DESCRIPTOR, this.descs(conv)],
      [CONV_FWD_ALPHA, TYPE_FLOAT, new Float32Array([1])],
      [CONV_FWD_BETA, TYPE_FLOAT, new Float32Array([0])],
    ])];
    let last = convOut;
    adds.forEach(([id, dims, outId], i) => {
      const final = i === adds.length - 1;
      const out = final ? this.tensor(Y, yDims) : this.tensor(outId, yDims, true, DATA_FLOAT);
      ops.push(this.add(last, this.tensor(id, dims), out));
      last = out;
    });
    return this.build(OPERATIONGRAPH, 'operation graph', [
      [OPERATIONGRAPH_HANDLE, TYPE_HANDLE, this.descs(this.handle)],
      [OPERATIONGRAPH_OPS, TYPE_BACKEND_DESCRIPTOR, this.descs(...ops)],
    ]);
  }

  /**
   * The engine configurations the heuristic (mode A or B) proposes for a graph, best first by its
   * guess, without those cuDNN notes as nondeterministic: an edit must compute the same bits each time
   * (a rehearsed edit's against a plain one's, a version recomputed from the host tier against the
   * first), and the timing trials pick whichever configuration is fastest on the machine.
   */
  configs(graph: Desc, mode = HEUR_A): Desc[] {
    const heur = this.make(ENGINEHEUR);
    try {
      this.set(heur, ENGINEHEUR_OPERATION_GRAPH, TYPE_BACKEND_DESCRIPTOR, this.descs(graph));
      this.set(heur, ENGINEHEUR_MODE, TYPE_HEUR_MODE, new Int32Array([mode]));
      this.finalize(heur, 'engine heuristic');
      const count = new BigInt64Array(1);
      this.check('get ENGINEHEUR_RESULTS count', this.f.get!(heur, ENGINEHEUR_RESULTS, TYPE_BACKEND_DESCRIPTOR, 0, count, null));
      const configs = this.descs(...Array.from({ length: Number(count[0]) }, () => this.make(ENGINECFG)));
      this.check('get ENGINEHEUR_RESULTS', this.f.get!(heur, ENGINEHEUR_RESULTS, TYPE_BACKEND_DESCRIPTOR, configs.length, count, configs));
      configs.slice(Number(count[0])).forEach((c) => this.f.destroy!(c));
      const kept: Desc[] = [];
      for (const c of configs.slice(0, Number(count[0]))) {
        if (this.deterministic(c)) kept.push(c);
        else this.f.destroy!(c);
      }
      return kept;
    } finally {
      this.f.destroy!(heur);
    }
  }

  /** An execution plan of a configuration, or undefined where cuDNN cannot build it for this graph or it needs more workspace than `workspaceBytes`. */
  plan(config: Desc, workspaceBytes = Infinity): ConvPlan | undefined {
    const plan = this.make(EXECUTION_PLAN);
    this.set(plan, EXECUTION_PLAN_HANDLE, TYPE_HANDLE, this.descs(this.handle));
    this.set(plan, EXECUTION_PLAN_ENGINE_CONFIG, TYPE_BACKEND_DESCRIPTOR, this.descs(config));
    if (this.f.finalize!(plan) !== 0) {
      this.f.destroy!(plan);
      return undefined;
    }
    return this.withWorkspace(plan, workspaceBytes);
  }

  /** A finalized plan with its workspace size, or undefined (and the plan given back) when it needs more than `workspaceBytes`. */
  private withWorkspace(plan: Desc, workspaceBytes: number): ConvPlan | undefined {
    const ws = new BigInt64Array(1);
    this.check('get EXECUTION_PLAN_WORKSPACE_SIZE', this.f.get!(plan, EXECUTION_PLAN_WORKSPACE_SIZE, TYPE_INT64, 1, new BigInt64Array(1), ws));
    if (Number(ws[0]) <= workspaceBytes) return { plan, workspaceBytes: Number(ws[0]) };
    this.f.destroy!(plan);
    return undefined;
  }

  /**
   * A plan as text that deserialize() rebuilds without compiling again (cuDNN serializes the plans
   * of its runtime-compiled engines), or undefined where cuDNN cannot serialize this plan.
   */
  serialize(p: ConvPlan): string | undefined {
    const count = new BigInt64Array(1);
    if (this.f.get!(p.plan, EXECUTION_PLAN_JSON, TYPE_CHAR, 0, count, null) !== 0 || count[0]! <= 0n) return undefined;
    const text = Buffer.alloc(Number(count[0]));
    if (this.f.get!(p.plan, EXECUTION_PLAN_JSON, TYPE_CHAR, text.length, count, text) !== 0) return undefined;
    const end = text.indexOf(0);
    return text.subarray(0, end < 0 ? Number(count[0]) : end).toString('latin1');
  }

  /** A plan from serialize()'s text (this GPU and cuDNN version), or undefined where cuDNN does not take it. */
  deserialize(json: string, workspaceBytes = Infinity): ConvPlan | undefined {
    const plan = this.make(EXECUTION_PLAN);
    const text = Buffer.from(`${json}\0`, 'latin1');
    if (this.f.set!(plan, EXECUTION_PLAN_HANDLE, TYPE_HANDLE, 1, this.descs(this.handle)) !== 0
      || this.f.set!(plan, EXECUTION_PLAN_JSON, TYPE_CHAR, text.length, text) !== 0
      || this.f.finalize!(plan) !== 0) {
      this.f.destroy!(plan);
      return undefined;
    }
    return this.withWorkspace(plan, workspaceBytes);
  }

  /** Gives back a plan's descriptor. */
  release(p: ConvPlan): void {
    this.f.destroy!(p.plan);
  }

  /** Gives back a configuration's descriptor (configs(), choiceConfig()). */
  forget(config: Desc): void {
    this.f.destroy!(config);
  }

  /** Whether a configuration's engine gives the same bits from run to run (no NONDETERMINISTIC numerical note). */
  private deterministic(config: Desc): boolean {
    const engine = this.descs(this.make(ENGINE));
    try {
      this.check('get ENGINECFG_ENGINE', this.f.get!(config, ENGINECFG_ENGINE, TYPE_BACKEND_DESCRIPTOR, 1, new BigInt64Array(1), engine));
      const notes = new Int32Array(MAX_NOTES), count = new BigInt64Array(1);
      this.check('get ENGINE_NUMERICAL_NOTE', this.f.get!(engine[0]!, ENGINE_NUMERICAL_NOTE, TYPE_NUMERICAL_NOTE, MAX_NOTES, count, notes));
      return !notes.subarray(0, Number(count[0])).includes(NOTE_NONDETERMINISTIC);
    } finally {
      this.f.destroy!(engine[0]!);
    }
  }

  /** Which engine and knob settings a configuration is: what rebuilds it for another graph (choiceConfig). */
  choice(config: Desc): EngineChoice {
    const engine = this.descs(this.make(ENGINE));
    this.check('get ENGINECFG_ENGINE', this.f.get!(config, ENGINECFG_ENGINE, TYPE_BACKEND_DESCRIPTOR, 1, new BigInt64Array(1), engine));
    const index = new BigInt64Array(1);
    this.check('get ENGINE_GLOBAL_INDEX', this.f.get!(engine[0]!, ENGINE_GLOBAL_INDEX, TYPE_INT64, 1, new BigInt64Array(1), index));
    this.f.destroy!(engine[0]!);
    const choices = this.descs(...Array.from({ length: MAX_KNOBS }, () => this.make(KNOB_CHOICE)));
    const count = new BigInt64Array(1);
    this.check('get ENGINECFG_KNOB_CHOICES', this.f.get!(config, ENGINECFG_KNOB_CHOICES, TYPE_BACKEND_DESCRIPTOR, MAX_KNOBS, count, choices));
    const knobs: [number, number][] = [];
    for (let i = 0; i < Number(count[0]); i++) {
      const type = new Int32Array(1), value = new BigInt64Array(1);
      this.check('get KNOB_CHOICE_KNOB_TYPE', this.f.get!(choices[i]!, KNOB_CHOICE_KNOB_TYPE, TYPE_KNOB_TYPE, 1, new BigInt64Array(1), type));
      this.check('get KNOB_CHOICE_KNOB_VALUE', this.f.get!(choices[i]!, KNOB_CHOICE_KNOB_VALUE, TYPE_INT64, 1, new BigInt64Array(1), value));
      knobs.push([type[0]!, Number(value[0])]);
    }
    choices.forEach((c) => this.f.destroy!(c));
    return { engine: Number(index[0]), knobs };
  }

  /** The configuration of a choice for a graph (its engine with those knob settings), or undefined where the engine does not take this graph. */
  choiceConfig(graph: Desc, c: EngineChoice): Desc | undefined {
    const engine = this.make(ENGINE);
    this.set(engine, ENGINE_OPERATION_GRAPH, TYPE_BACKEND_DESCRIPTOR, this.descs(graph));
    this.set(engine, ENGINE_GLOBAL_INDEX, TYPE_INT64, new BigInt64Array([BigInt(c.engine)]));
    if (this.f.finalize!(engine) !== 0) return undefined;
    const knobs = c.knobs.map(([type, value]) => {
      const k = this.make(KNOB_CHOICE);
      this.set(k, KNOB_CHOICE_KNOB_TYPE, TYPE_KNOB_TYPE, new Int32Array([type]));
      this.set(k, KNOB_CHOICE_KNOB_VALUE, TYPE_INT64, new BigInt64Array([BigInt(value)]));
      this.finalize(k, 'knob choice');
      return k;
    });
    const config = this.make(ENGINECFG);
    this.set(config, ENGINECFG_ENGINE, TYPE_BACKEND_DESCRIPTOR, this.descs(engine));
    if (knobs.length) this.set(config, ENGINECFG_KNOB_CHOICES, TYPE_BACKEND_DESCRIPTOR, this.descs(...knobs));
    return this.f.finalize!(config) === 0 ? config : undefined;
  }

  /** The device pointers a plan reads and writes (x, w, y, and the epilogue's operands its graph has) and its workspace. */
  pack(workspace: number, io: ConvPointers): Desc {
    const ids = [X, W, Y], ptrs = [io.x, io.w, io.y];
    for (const [id, ptr] of [[BIAS, io.bias], [RESIDUAL, io.residual]] as const) if (ptr) ids.push(id), ptrs.push(ptr);
    const pack = this.make(VARIANT_PACK);
    try {
      this.set(pack, VARIANT_PACK_UNIQUE_IDS, TYPE_INT64, new BigInt64Array(ids.map(BigInt)));
      this.set(pack, VARIANT_PACK_DATA_POINTERS, TYPE_VOID_PTR, new BigUint64Array(ptrs.map(BigInt)));
      this.set(pack, VARIANT_PACK_WORKSPACE, TYPE_VOID_PTR, new BigUint64Array([BigInt(workspace)]));
      this.finalize(pack, 'variant pack');
    } catch (e) {
      this.f.destroy!(pack);
      throw e;
    }
    return pack;
  }

  /** Queues a plan's kernels on the handle's stream. */
  run(p: ConvPlan, pack: Desc): void {
    this.check('cudnnBackendExecute', this.f.execute!(this.handle, p.plan, pack));
  }

  dropPack(pack: Desc): void {
    this.f.destroy!(pack);
  }

  /** Runs a plan on the stream: device pointers as pack() takes them. */
  execute(p: ConvPlan, workspace: number, io: ConvPointers): void {
    const pack = this.pack(workspace, io);
    try {
      this.run(p, pack);
    } finally {
      this.dropPack(pack);
    }
  }

  /** cuDNN's version number (e.g. 91000). */
  version(): number {
    return Number(this.f.version!());
  }
}

/** int64 attribute elements. */
function i64(...v: number[]): BigInt64Array {
  return new BigInt64Array(v.map(BigInt));
}

function elementCount(a: ArrayBufferView): number {
  return 'length' in a ? (a as unknown as { length: number }).length : a.byteLength;
}
