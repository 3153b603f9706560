// cuBLASLt for the GEMMs of linear layers and convolutions: D = op(A) op(B) (+ bias per output row,
// + a residual C; both fused into the epilogue: no pass over the output). Descriptors and layouts are
// made once per shape and remembered; asking cuBLASLt's heuristic on every call costs more host
// time than a small GEMM takes (bench/results/2026-11-30-edit-cuda-lt-everywhere.json). The
// algorithm is chosen once per octave of the column count (the token count, which changes with
// every sparse edit): a matmul with an algorithm new to the process takes milliseconds of host time
// (a tenth of bench:edit's cublasLtMatmul calls took 4.4 ms or more, the median 0.27:
// bench/results/2026-11-30-edit-host-profile.md), so new counts reuse one (cublasLtMatmulAlgoCheck first).
// An algorithm's first matmul in the process still costs 0.1-2 ms of host time (a new count in a
// family that has run: 17-37 µs in a capture, bench/results/2026-12-01-gemm-host-*.json). Running each family once
// ahead, while the GPU computed queued steps, did not help: such a first run took 10-50 ms, as if it
// waited for the GPU, so few families were ready in time (2026-12-01-cublaslt-warm-up-trial.*).
// What works is paying them while the GPU is idle: EditSession.prepareEdits rehearses an edit's calls
// after a generation (bench/results/2026-12-01-prepare-edits-ab*.log).
// In fp16, with trials given, a family's algorithm (GEMMs of TRIAL_MIN_MACS or more) is the fastest of the heuristic's first
// TRIAL_CANDIDATES by timing (trials.ts), remembered on disk per GPU and cuBLASLt version.
import { FiseditError } from '../../io/errors.js';
import { GpuOutOfMemory, type Driver } from './driver.js';
import type { HostCosts } from './host-costs.js';
import { bindFunctions, checkCublas, loadLibrary } from './libs.js';
import { gemmTypes, storageBytes, type Precision } from './precision.js';
import { ChoiceStore, choicesFile, coldCopies, fastestCandidate, octave, octavesOutward, operandLayout } from './trials.js';

const DESC_TRANSA = 3;
const DESC_TRANSB = 4;
const DESC_EPILOGUE = 7;
const DESC_BIAS_POINTER = 8;
const EPILOGUE_DEFAULT = 1;
const EPILOGUE_BIAS = 4;
const PREF_MAX_WORKSPACE_BYTES = 1;
const LAYOUT_BATCH_COUNT = 5;
const LAYOUT_BATCH_MODE = 8;
const BATCH_MODE_POINTER_ARRAY = 1;
const LAYOUT_STRIDED_BATCH_OFFSET = 6;
/** sizeof(cublasLtMatmulHeuristicResult_t): the 64-byte algorithm, workspace size, state, waves, reserved. */
const HEURISTIC_BYTES = 96;
const ALGO_BYTES = 64;
const CONFIG_ID = 0;
const CONFIG_TILE_ID = 1;
const CONFIG_SPLITK_NUM = 2;
const CONFIG_REDUCTION_SCHEME = 3;
const CONFIG_STAGES_ID = 6;
/** CUBLASLT_REDUCTION_SCHEME_COMPUTE_TYPE: the K slices' partial products in the compute type in the workspace, added by a kernel of their own. */
const REDUCTION_COMPUTE_TYPE = 2;
/**
 * CUBLASLT_REDUCTION_SCHEME_INPLACE: the K slices added in the output itself, in its type (half), one
 * after another (counters in the workspace keep the order): no reduction kernel, and more roundings.
 */
const REDUCTION_INPLACE = 1;

/**
 * How many octaves of columns away a family's algorithm (CublasLt.borrowedAlgorithm) or its choice, an
 * index into the heuristic's list (CublasLt.chosen), may serve a new family while the user waits, for
 * the rest of the process; further, the heuristic's first, untimed. At two octaves a dense 12 x 12
 * map's 288-row kernel ran a 768 px ~5% step's 76-row convolutions at 1280 x 11520, and through them
 * its 40-row ones: 20.2-21.3 us a GEMM on one H200, 31.7-33.5 on another, against 16.6-16.9 with
 * the families' own choices (the server's warm-up times them) and 17.1-17.3 at one octave
 * (bench/results/2026-12-03-s48-call{4,5,6}.log). That step's GEMMs 1966-1970 us against
 * 2062-2090; the bins within their spread (call 6).
 */
const LENDING_OCTAVES = 1;

/**
 * Candidates of cuBLASLt's heuristic a family's trials time. bench:gemm (bench/results/2026-12-01-gemm-candidates-s22-dense*.json):
 * the first was the fastest of the 8 at 18432 x 320 x 320 (768 px) but took 10.2 us against its 5th's
 * 6.7 at 8192 x 320 x 320 (512 px; 12.6 against 8.1 with a residual), 15.5 against 12.7 at 8192 x
 * 320 x 1280; in the U-Net call the 5th took those 25 layers from 0.379 to 0.280 ms (profiled, …-s22-pick-*.json).
 */
const TRIAL_CANDIDATES = 8;
/**
 * GEMMs of fewer multiply-adds than this take the heuristic's first, untimed: a family's trials cost
 * ~20 ms of host time once per machine (59 families of a 512 px U-Net call: 1.19 s), and timing every
 * family of a sparse edit made a fresh machine's first edits up to 0.6 s slower while its sparse steps
 * came out no faster (bench/results/2026-12-01-s22-gemm-ab.log; its small token GEMMs are latency-bound).
 */
const TRIAL_MIN_MACS = 2 ** 28;
/**
 * moreSplits: each algorithm also with these times its K slices (bench:gemm's BENCH_SPLITS). Trials
 * of them for a sparse step's few-row GEMMs over a long K (session 31's CudaOptions.gemmAlgorithms
 * 'timed with splits') gained 0.2-1.1 us a GEMM alone and nothing a step: dropped in session 32
 * (bench/results/2026-12-02-s32-call1-*, …-s32-gemm-splits-option.diff).
 */
const SPLIT_VARIANT_FACTORS = [2, 4];

/**
 * What a CublasLt needs to choose algorithms by timing: the driver, a kernel that holds its second
 * stream for `ms`, and whether the user waits on the calls being made (trials are then left for later
 * where the same shapes' choice at another octave serves: ChoiceStore.chosen).
 */
export interface GemmTrials {
  driver: Driver;
  hold(ms: number): void;
  urgent(): boolean;
}

/**
 * One GEMM shape as cuBLASLt plans it: D (m x n, column-major, ld ldc) = op_ta(A) op_tb(B), K = k,
 * with or without a bias epilogue and a residual C, `count` of them at once: with `strides` (elements
 * from one matrix of A, B and D to the next) in strided batch mode, else in pointer-array mode.
 */
export interface GemmShape {
  ta: number; tb: number;
  m: number; n: number; k: number;
  lda: number; ldb: number; ldc: number;
  bias: boolean;
  count: number;
  residual: boolean;
  strides?: readonly [number, number, number];
  /**
   * A strided batch whose B and D planes lie packed, n * ldb and n * ldc elements apart, that shares
   * its family with the batches of other column counts in its octave (familyKey): a sparse step's
   * Winograd tiles, whose count each mask sets (GemmStrides 'by octave').
   */
  packedByOctave?: boolean;
}

/** A strided batch's strides (A's, B's and D's), and whether its family is by octave of columns (GemmShape.packedByOctave) or of its shape alone. */
export interface GemmStrides {
  strides: readonly [number, number, number];
  family: 'by shape' | 'by octave';
}

function shapeKey({ ta, tb, m, n, k, lda, ldb, ldc, bias, count, residual, strides, packedByOctave }: GemmShape): string {
  return `${ta},${tb},${m},${n},${k},${lda},${ldb},${ldc},${bias},${count}${residual ? ',C' : ''}${strides ? `,s${strides.join('/')}` : ''}${packedByOctave ? ',o' : ''}`;
}

/** A batch's shape in strided mode (`batch`), else in pointer-array mode; packed by octave only where its B and D planes are packed. */
export function stridedShape(s: GemmShape, batch: GemmStrides | undefined): GemmShape {
  if (!batch) return s;
  const [, sb, sd] = batch.strides;
  if (batch.family === 'by octave' && (sb !== s.n * s.ldb || sd !== s.n * s.ldc)) throw new Error(`a batch by octave has packed planes: strides ${sb}, ${sd} for ${s.n} columns of ${s.ldb}, ${s.ldc}`);
  return { ...s, strides: batch.strides, packedByOctave: batch.family === 'by octave' };
}

/**
 * Shapes that share an algorithm: all but the column count, which is rounded up to a power of two (or
 * given, `columnOctave`). A strided batch's strides stay in the key, and the dense Winograd's grow with
 * its columns (tiles x channels), so each of its column counts is a family of its own, timed on first
 * use; a batch packed by octave (GemmShape.packedByOctave) takes the strides of the octave's columns,
 * so that an edit's tiles meet the algorithm (and its loaded kernels) that the rehearsals' tiles of
 * about as many columns chose: a kernel's first launch in the process cost up to 88 ms inside an
 * edit's first sparse step where each count was its own family (hostCosts in
 * bench/results/2026-12-04-edit-cuda-fp16-auto-exact-768-s63c1-whole-new-1.json.xz).
 */
export function familyKey(s: GemmShape, columnOctave = octave(s.n)): string {
  const strides = s.packedByOctave && s.strides ? ([s.strides[0], columnOctave * s.ldb, columnOctave * s.ldc] as const) : s.strides;
  return shapeKey({ ...s, n: columnOctave, strides });
}

/**
 * Family algorithms (familyKey) by scope (GPU, library version, workspace, precision, whether timed),
 * shared by every CublasLt of the process: a family's algorithm is the one chosen where the process
 * first met it, and a second backend (one with plain launches, say) computes the same bits, not
 * those of the algorithm its own first shape of the family would have chosen.
 */
const processAlgorithms = new Map<string, Map<string, Uint8Array>>();
function familyAlgorithms(scope: string): Map<string, Uint8Array> {
  let m = processAlgorithms.get(scope);
  if (!m) processAlgorithms.set(scope, (m = new Map()));
  return m;
}

interface Plan {
  desc: unknown;
  a: unknown;
  b: unknown;
  d: unknown;
  algo: Uint8Array;
  /** Whether a matmul ran with it (the first one costs more host time, most inside a stream capture). */
  used: boolean;
  /** Its shape (shapeKey), for what HostCosts tells. */
  key: string;
}

export class CublasLt {
  private readonly f: Record<string, (...a: unknown[]) => number>;
  private readonly handle: unknown;
  private readonly preference: unknown;
  private readonly plans = new Map<string, Plan>();
  /** This process's family algorithms for this GPU, precision and workspace (familyAlgorithms' map). */
  private readonly algorithms: Map<string, Uint8Array>;
  /** Batches (pointer-array or strided) cuBLASLt has no algorithm for (batchable). */
  private readonly unbatchable = new Set<string>();
  private readonly one = new Float32Array([1]);
  private readonly zero = new Float32Array([0]);
  private readonly ptr = new BigUint64Array(1);
  private readonly types: ReturnType<typeof gemmTypes>;

  /** Algorithms chosen by trials, by family (an index in the heuristic's list); undefined: the heuristic's first. */
  private readonly choices: ChoiceStore<number> | undefined;

  /**
   * `device`: the GPU's name (algorithms are shared by the process's CublasLt of one GPU, precision and
   * workspace). `stream()`: where a matmul is queued, asked at each call (Driver.stream: the recording
   * stream while a graph is recorded).
   */
  constructor(private readonly precision: Precision, device: string, private readonly workspace: number, private readonly workspaceBytes: number, private readonly stream: () => unknown, private readonly costs: HostCosts, private readonly trials?: GemmTrials) {
    const lib = loadLibrary('cuBLASLt (libcublasLt)', ['libcublasLt.so.13', 'libcublasLt.so.12', 'libcublasLt.so']);
    const decl: Record<string, string> = {
      create: 'int cublasLtCreate(_Out_ void **handle)',
      descCreate: 'int cublasLtMatmulDescCreate(_Out_ void **desc, int computeType, int scaleType)',
      descSet: 'int cublasLtMatmulDescSetAttribute(void *desc, int attr, const void *buf, size_t size)',
      layoutCreate: 'int cublasLtMatrixLayoutCreate(_Out_ void **layout, int type, uint64_t rows, uint64_t cols, int64_t ld)',
      layoutSet: 'int cublasLtMatrixLayoutSetAttribute(void *layout, int attr, const void *buf, size_t size)',
      version: 'size_t cublasLtGetVersion()',
      prefCreate: 'int cublasLtMatmulPreferenceCreate(_Out_ void **pref)',
      prefSet: 'int cublasLtMatmulPreferenceSetAttribute(void *pref, int attr, const void *buf, size_t size)',
      configGet: 'int cublasLtMatmulAlgoConfigGetAttribute(const uint8_t *algo, int attr, _Out_ uint32_t *buf, size_t size, _Out_ size_t *written)',
      configSet: 'int cublasLtMatmulAlgoConfigSetAttribute(void *algo, int attr, const uint32_t *buf, size_t size)', // algo written in place (a buffer passed as void *)
      check: 'int cublasLtMatmulAlgoCheck(void *h, void *desc, void *A, void *B, void *C, void *D, const uint8_t *algo, _Out_ uint8_t *result)',
      heuristic: 'int cublasLtMatmulAlgoGetHeuristic(void *h, void *desc, void *A, void *B, void *C, void *D, void *pref, int requested, _Out_ uint8_t *results, _Out_ int *count)',
      matmul: 'int cublasLtMatmul(void *h, void *desc, const void *alpha, uint64_t A, void *Adesc, uint64_t B, void *Bdesc, const void *beta, uint64_t C, void *Cdesc, uint64_t D, void *Ddesc, const uint8_t *algo, uint64_t workspace, size_t workspaceBytes, void *stream)',
    };
    this.f = bindFunctions(lib, decl);
    this.types = gemmTypes(precision);
    const h = [null];
    checkCublas('cublasLtCreate', this.f.create!(h));
    this.handle = h[0];
    const pref = [null];
    checkCublas('cublasLtMatmulPreferenceCreate', this.f.prefCreate!(pref));
    this.preference = pref[0];
    checkCublas('set MAX_WORKSPACE_BYTES', this.f.prefSet!(this.preference, PREF_MAX_WORKSPACE_BYTES, new BigUint64Array([BigInt(workspaceBytes)]), 8));
    const scope = `${device} cublasLt ${Number(this.f.version!())} workspace ${workspaceBytes}`;
    this.algorithms = familyAlgorithms(`${scope} ${precision}${trials ? ' timed' : ''}`);
    if (trials && precision === 'fp16') {
      // choices timed with cold weights (trials.ts COLD_BYTES) kept apart from earlier ones, timed hot
      this.choices = ChoiceStore.of(choicesFile('cublaslt'), `${scope} cold weights`);
    }
  }

  /** A matrix layout; `count` > 1: that many matrices, `stride` elements apart, or (no stride) each operand an array of device pointers. */
  private layout(rows: number, cols: number, ld: number, count: number, stride?: number): unknown {
    const out = [null];
    checkCublas('cublasLtMatrixLayoutCreate', this.f.layoutCreate!(out, this.types.dataType, rows, cols, ld));
    if (count > 1) {
      checkCublas('set BATCH_COUNT', this.f.layoutSet!(out[0], LAYOUT_BATCH_COUNT, new Int32Array([count]), 4));
      if (stride !== undefined) checkCublas('set STRIDED_BATCH_OFFSET', this.f.layoutSet!(out[0], LAYOUT_STRIDED_BATCH_OFFSET, new BigInt64Array([BigInt(stride)]), 8));
      else checkCublas('set BATCH_MODE', this.f.layoutSet!(out[0], LAYOUT_BATCH_MODE, new Int32Array([BATCH_MODE_POINTER_ARRAY]), 4));
    }
    return out[0];
  }

  /** Descriptors, layouts and an algorithm for one GEMM shape (`count` of them at once), made on first use. */
  private plan(s: GemmShape): Plan {
    const key = shapeKey(s);
    return this.plans.get(key) ?? this.costs.time('cuBLASLt plan', () => this.newPlan(key, s));
  }

  private newPlan(key: string, s: GemmShape): Plan {
    const { ta, tb, m, n, k, lda, ldb, ldc, bias, count, residual, strides } = s;
    const out = [null];
    checkCublas('cublasLtMatmulDescCreate', this.f.descCreate!(out, this.types.computeType, this.types.scaleType));
    const desc = out[0];
    checkCublas('set TRANSA', this.f.descSet!(desc, DESC_TRANSA, new Int32Array([ta]), 4));
    checkCublas('set TRANSB', this.f.descSet!(desc, DESC_TRANSB, new Int32Array([tb]), 4));
    checkCublas('set EPILOGUE', this.f.descSet!(desc, DESC_EPILOGUE, new Uint32Array([bias ? EPILOGUE_BIAS : EPILOGUE_DEFAULT]), 4));
    const a = ta ? this.layout(k, m, lda, count, strides?.[0]) : this.layout(m, k, lda, count, strides?.[0]);
    const b = tb ? this.layout(n, k, ldb, count, strides?.[1]) : this.layout(k, n, ldb, count, strides?.[1]);
    const d = this.layout(m, n, ldc, count, strides?.[2]);
    // the family's algorithm where it takes this shape; else this shape's own, the family's algorithm
    // from then on only if it had none (a later shape's algorithm never depends on one met before it)
    const family = familyKey(s), known = this.algorithms.get(family);
    let algo = known ? (this.supports(desc, a, b, d, known) ? known : undefined) : this.borrowedAlgorithm(s, desc, a, b, d);
    if (!algo) {
      // (its time is also in the plan's)
      // (a strided batch is timed like one GEMM: its operands are plain memory; a pointer-array batch's are tables)
      const timed = this.choices !== undefined && (count === 1 || strides !== undefined) && m * n * k * count >= TRIAL_MIN_MACS;
      const proposed = this.costs.time('cuBLASLt heuristic', () => this.proposals(desc, a, b, d, timed ? TRIAL_CANDIDATES : 1));
      if (!proposed.length) throw new FiseditError(`cuBLASLt has no algorithm for a ${m}x${n}x${k} GEMM (ta ${ta}, tb ${tb}${bias ? ', bias' : ''}${count > 1 ? `, ${count} ${strides ? 'strided' : 'by pointer arrays'}` : ''})`);
      // trials against operands of the layouts' sizes (column-major: ld x columns; a strided batch's count of them)
      const span = (one: number, i: number) => (strides ? strides[i]! * (count - 1) + one : one);
      const operands = { a: span(lda * (ta ? m : k), 0), b: span(ldb * (tb ? k : n), 1), d: span(ldc * n, 2), bias: bias ? m : 0, residual: residual ? ldc * n : 0 };
      algo = proposed[proposed.length > 1 ? this.chosen(s, proposed.length, () => this.fastest(desc, a, b, d, proposed, operands)) : 0]!;
    }
    if (!known) this.algorithms.set(family, algo);
    const p = { desc, a, b, d, algo, used: false, key };
    this.plans.set(key, p);
    return p;
  }

  /**
   * `count` GEMMs of one shape in one call (pointer-array batch mode): As, Bs and Ds are device
   * addresses of arrays of `count` device pointers each; D_i = op(A_i) op(B_i), no epilogue. Throws
   * where cuBLASLt has no algorithm for the batch (the message says so).
   */
  gemmPointerArrays(ta: number, tb: number, m: number, n: number, k: number, As: number, lda: number, Bs: number, ldb: number, Ds: number, ldc: number, count: number): void {
    const p = this.plan({ ta, tb, m, n, k, lda, ldb, ldc, bias: false, count, residual: false });
    this.matmul(p, () => this.f.matmul!(this.handle, p.desc, this.one, As, p.a, Bs, p.b, this.zero, Ds, p.d, Ds, p.d, p.algo, this.workspace, this.workspaceBytes, this.stream()));
  }

  /**
   * `count` GEMMs of one shape in one call (strided batch mode): D_i = op(A_i) op(B_i), no epilogue,
   * the i-th matrix of each operand i times its stride (elements) past its first. Timed like one GEMM
   * (TRIAL_MIN_MACS counts the batch's). Throws where cuBLASLt has no algorithm for the batch.
   */
  gemmStridedBatch(ta: number, tb: number, m: number, n: number, k: number, A: number, lda: number, B: number, ldb: number, D: number, ldc: number, count: number, batch: GemmStrides): void {
    const p = this.plan(stridedShape({ ta, tb, m, n, k, lda, ldb, ldc, bias: false, count, residual: false }, batch));
    this.matmul(p, () => this.f.matmul!(this.handle, p.desc, this.one, A, p.a, B, p.b, this.zero, D, p.d, D, p.d, p.algo, this.workspace, this.workspaceBytes, this.stream()));
  }

  /** Runs a plan's matmul call; its first is timed apart (it loads the algorithm's kernels). */
  private matmul(p: Plan, call: () => number): void {
    const run = () => checkCublas('cublasLtMatmul', call());
    if (p.used) run();
    else {
      this.costs.time('cuBLASLt first matmul', run, () => `${p.key} algo ${this.algoId(p.algo)}`);
      p.used = true;
    }
  }

  /**
   * Whether cuBLASLt runs `count` GEMMs of this shape as one call, in strided batch mode with `strides`
   * (A's, B's and D's), else in pointer-array mode (planned here if so; a shape it has no algorithm
   * for is remembered, so its heuristic is asked once).
   */
  batchable(ta: number, tb: number, m: number, n: number, k: number, lda: number, ldb: number, ldc: number, count: number, batch?: GemmStrides): boolean {
    const shape = stridedShape({ ta, tb, m, n, k, lda, ldb, ldc, bias: false, count, residual: false }, batch);
    const key = shapeKey(shape);
    if (this.unbatchable.has(key)) return false;
    try {
      this.plan(shape);
      return true;
    } catch (e) {
      if (!(e instanceof FiseditError)) throw e;
      this.unbatchable.add(key); // no algorithm for the batch
      return false;
    }
  }

  /** Plans a GEMM shape (descriptors, algorithm) without running it: what gemm() does first for a new shape (bench/gemm-host.ts). */
  prepare(ta: number, tb: number, m: number, n: number, k: number, lda: number, ldb: number, ldc: number, bias: boolean): void {
    this.plan({ ta, tb, m, n, k, lda, ldb, ldc, bias, count: 1, residual: false });
  }

  /** Whether families' algorithms are chosen by timing (fp16 with trials given). */
  get timed(): boolean {
    return this.choices !== undefined;
  }

  /** Up to `count` algorithms the heuristic proposes for a plan's descriptors within our workspace, its first choice first. */
  private proposals(desc: unknown, a: unknown, b: unknown, d: unknown, count: number): Uint8Array[] {
    const results = new Uint8Array(HEURISTIC_BYTES * count);
    const found = [0];
    checkCublas('cublasLtMatmulAlgoGetHeuristic', this.f.heuristic!(this.handle, desc, a, b, d, d, this.preference, count, results, found));
    return Array.from({ length: found[0]! }, (_, i) => results.slice(i * HEURISTIC_BYTES, i * HEURISTIC_BYTES + ALGO_BYTES));
  }

  /**
   * While the user waits (GemmTrials.urgent), for a family new to the process that has no choice of
   * its own on disk: the algorithm the process runs for the same shapes within LENDING_OCTAVES of columns,
   * where it takes this shape. No heuristic is asked, and its kernels are loaded: a cuBLASLt kernel's
   * first launch in a process cost up to 83 ms of host time inside an edit's first sparse step
   * (bench/results/2026-12-01-s27-edit-detail2.log, split-K algorithm 66). Further octaves lend only
   * an index into this shape's own heuristic list (chosen()): a kernel sized for a far larger GEMM
   * would cost the edit's steps more than a heuristic call saves.
   */
  private borrowedAlgorithm(s: GemmShape, desc: unknown, a: unknown, b: unknown, d: unknown): Uint8Array | undefined {
    if (!this.trials?.urgent() || this.choices?.get(familyKey(s)) !== undefined) return undefined;
    for (const o of octavesOutward(octave(s.n), LENDING_OCTAVES)) {
      const lent = this.algorithms.get(familyKey(s, o));
      if (!lent || !this.supports(desc, a, b, d, lent)) continue;
      this.costs.note('cuBLASLt borrowed algorithm', `${familyKey(s)} from n${o}`);
      return lent;
    }
    return undefined;
  }

  /**
   * The choice among `count` candidates of a shape's family: remembered; while the user waits, one
   * borrowed from an octave of columns at most LENDING_OCTAVES away, else the heuristic's first;
   * otherwise the one `time` makes (remembered unless it made none).
   */
  private chosen(s: GemmShape, count: number, time: () => number | undefined): number {
    const urgent = this.trials!.urgent();
    const stored = this.choices!.chosen((columnOctave) => familyKey(s, columnOctave), s.n, urgent, (c) => c < count,
      (o) => this.costs.note('cuBLASLt borrowed choice', `${familyKey(s)} from n${o}`), LENDING_OCTAVES);
    if (stored !== undefined) return stored;
    if (urgent) {
      // nothing near to lend: the heuristic's first, untimed and not remembered (timed at leisure)
      this.costs.note('cuBLASLt heuristic first', familyKey(s));
      return 0;
    }
    const pick = this.costs.time('cuBLASLt timing trials', time, () => familyKey(s));
    if (pick !== undefined) this.choices!.set(familyKey(s), pick);
    return pick ?? 0;
  }

  /**
   * The index of the fastest of `algos` for a plan's descriptors, timed on the main stream (Driver.main) against
   * scratch operands of the given element counts (trials.ts); undefined where the scratch memory
   * cannot be had (the heuristic's first is then taken, and nothing is remembered). A is the weights
   * (the bias runs along its rows): each run reads the next of coldCopies of them, from memory.
   */
  private fastest(desc: unknown, a: unknown, b: unknown, d: unknown, algos: readonly Uint8Array[], elements: { a: number; b: number; d: number; bias: number; residual: number }): number | undefined {
    const { driver, hold } = this.trials!;
    const elementBytes = storageBytes(this.precision);
    const aStride = Math.ceil((elements.a * elementBytes) / 256) * 256, copies = coldCopies(aStride);
    // one allocation: the operands (the weights' copies first), then the workspace
    const { offsets, bytes } = operandLayout([(aStride * copies) / elementBytes, elements.b, elements.d, elements.bias, elements.residual], elementBytes);
    let scratch: number;
    try {
      scratch = driver.alloc(bytes + this.workspaceBytes);
    } catch (e) {
      if (!(e instanceof GpuOutOfMemory)) throw e;
      return undefined;
    }
    const [A, B, D, bias, C] = offsets.map((o) => (o < 0 ? 0 : scratch + o)) as [number, number, number, number, number];
    const workspace = scratch + bytes;
    try {
      if (bias) {
        this.ptr[0] = BigInt(bias);
        checkCublas('set BIAS_POINTER', this.f.descSet!(desc, DESC_BIAS_POINTER, this.ptr, 8));
      }
      const stream = driver.main; // trials run there, also while a graph is being recorded
      let run = 0;
      const weights = () => A + (run++ % copies) * aStride;
      const runs = algos.map((algo) => () => checkCublas('cublasLtMatmul', this.f.matmul!(this.handle, desc, this.one, weights(), a, B, b, C ? this.one : this.zero, C || D, d, D, d, algo, workspace, this.workspaceBytes, stream)));
      return fastestCandidate(driver, runs, hold);
    } finally {
      driver.free(scratch);
    }
  }

  /**
   * The algorithms with SPLIT_VARIANT_FACTORS times their K slices (those not split reduced in the
   * compute type by a kernel of their own), where cuBLASLt takes them within our workspace and they
   * are not among `algos` already.
   */
  private moreSplits(desc: unknown, a: unknown, b: unknown, d: unknown, algos: readonly Uint8Array[]): Uint8Array[] {
    return this.variants(desc, a, b, d, algos, (algo) => {
      const slices = this.splitsOf(algo);
      return SPLIT_VARIANT_FACTORS.flatMap((f) => {
        const v = algo.slice();
        if (this.f.configSet!(v, CONFIG_SPLITK_NUM, new Uint32Array([slices * f]), 4) !== 0) return [];
        if (slices === 1 && this.f.configSet!(v, CONFIG_REDUCTION_SCHEME, new Uint32Array([REDUCTION_COMPUTE_TYPE]), 4) !== 0) return [];
        return [v];
      });
    });
  }

  /** The split algorithms (more than one K slice) with their slices added in the output (REDUCTION_INPLACE) instead of by a kernel of their own. */
  private inPlaceReductions(desc: unknown, a: unknown, b: unknown, d: unknown, algos: readonly Uint8Array[]): Uint8Array[] {
    return this.variants(desc, a, b, d, algos, (algo) => {
      if (this.splitsOf(algo) === 1) return [];
      const v = algo.slice();
      return this.f.configSet!(v, CONFIG_REDUCTION_SCHEME, new Uint32Array([REDUCTION_INPLACE]), 4) === 0 ? [v] : [];
    });
  }

  /** The variants `make` derives from each of `algos` that cuBLASLt takes within our workspace and that are not among `algos` or each other. */
  private variants(desc: unknown, a: unknown, b: unknown, d: unknown, algos: readonly Uint8Array[], make: (algo: Uint8Array) => Uint8Array[]): Uint8Array[] {
    const out: Uint8Array[] = [];
    const known = new Set(algos.map((x) => x.join(',')));
    for (const v of algos.flatMap(make)) {
      const id = v.join(',');
      if (known.has(id) || !this.supports(desc, a, b, d, v)) continue;
      known.add(id);
      out.push(v);
    }
    return out;
  }

  /** An algorithm's reduction scheme (cublasLtReductionScheme_t: 0 none, 1 in place, 2 compute type, 4 output type). */
  reductionOf(algo: Uint8Array): number {
    return this.configWord(algo, CONFIG_REDUCTION_SCHEME) ?? 0;
  }

  /** Whether an algorithm chosen for another shape runs this one within our workspace. */
  private supports(desc: unknown, a: unknown, b: unknown, d: unknown, algo: Uint8Array): boolean {
    const result = new Uint8Array(HEURISTIC_BYTES);
    if (this.f.check!(this.handle, desc, a, b, d, d, algo, result) !== 0) return false;
    return Number(new DataView(result.buffer).getBigUint64(ALGO_BYTES, true)) <= this.workspaceBytes;
  }

  /** K slices of an algorithm (1: not split; bench/gemm.ts reports them). */
  splitsOf(algo: Uint8Array): number {
    return Math.max(1, this.configWord(algo, CONFIG_SPLITK_NUM) ?? 1);
  }

  /** An algorithm as cuBLASLt numbers it: its id, tile, stages and K slices (what HostCosts tells of a first matmul). */
  private algoId(algo: Uint8Array): string {
    const [id, tile, stages] = [CONFIG_ID, CONFIG_TILE_ID, CONFIG_STAGES_ID].map((attr) => this.configWord(algo, attr));
    return `${id} tile ${tile} stages ${stages} split ${this.splitsOf(algo)}`;
  }

  private configWord(algo: Uint8Array, attr: number): number | undefined {
    const word = new Uint32Array([0]), written = [0];
    return this.f.configGet!(algo, attr, word, 4, written) === 0 ? word[0]! : undefined;
  }

  /**
   * Up to `count` algorithms cuBLASLt's heuristic proposes for a GEMM shape that fit our workspace,
   * its first choice first; with `moreSlices` those with 2 and 4 times their K slices after them
   * (moreSplits), with `inPlace` the split ones with their slices added in the output
   * (inPlaceReductions). bench/gemm.ts times them against each other.
   */
  candidates(ta: number, tb: number, m: number, n: number, k: number, lda: number, ldb: number, ldc: number, bias: boolean, count: number, moreSlices = false, inPlace = false): Uint8Array[] {
    const p = this.plan({ ta, tb, m, n, k, lda, ldb, ldc, bias, count: 1, residual: false });
    const proposed = this.proposals(p.desc, p.a, p.b, p.d, count);
    const more = moreSlices ? [...proposed, ...this.moreSplits(p.desc, p.a, p.b, p.d, proposed)] : proposed;
    return inPlace ? [...more, ...this.inPlaceReductions(p.desc, p.a, p.b, p.d, more)] : more;
  }

  /**
   * D (m x n, column-major, ld ldc) = op(A) op(B) (+ bias[row] when bias is not 0) (+ C, shaped like D,
   * when C is not 0); by `algo` when given (one of candidates()), else by the plan's.
   */
  gemm(ta: number, tb: number, m: number, n: number, k: number, A: number, lda: number, B: number, ldb: number, D: number, ldc: number, bias = 0, C = 0, algo?: Uint8Array): void {
    const p = this.plan({ ta, tb, m, n, k, lda, ldb, ldc, bias: bias !== 0, count: 1, residual: C !== 0 });
    if (bias) {
      this.ptr[0] = BigInt(bias);
      checkCublas('set BIAS_POINTER', this.f.descSet!(p.desc, DESC_BIAS_POINTER, this.ptr, 8));
    }
    this.matmul(p, () => this.f.matmul!(this.handle, p.desc, this.one, A, p.a, B, p.b, C ? this.one : this.zero, C || D, p.d, D, p.d, algo ?? p.algo, this.workspace, this.workspaceBytes, this.stream()));
  }
}
