// The device under the cuda backend's ops: the stream and the caching allocator, kernels compiled by
// NVRTC and launched (with the profiler's marks), moving tensors between host and device (the host
// tier's page-locked memory and prefetch included), tidy scopes, and replayable calls as CUDA graphs.
// The op set (cuda.ts) builds on this and adds cuBLAS(Lt), cuDNN and the kernels' arithmetic.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkBytes, checkValues, type HostBytes, type Prefetched } from '../backend.js';
import { checkOutside, keepOutside, type KeepOutside } from '../keep-outside.js';
import { Tensor, numel, oihwToOhwi, scopeResults, shapeString } from '../../tensor/tensor.js';
import { FiseditError } from '../../io/errors.js';
import { storageBytes, type Precision } from './precision.js';
import { Driver, type ArgKind } from './driver.js';
import { DeviceBuffer, MemoryPool } from './memory.js';
import { compileCubin } from './nvrtc.js';
import { PinnedMemory } from './pinned.js';
import { BLOCKS_PER_SM, COPY_CHUNK, KERNELS, kernelDefines, KERNEL_DIR, LATENT_KERNELS, OPS_KERNELS, SPARSE_KERNELS, VECTOR_BYTES } from './kernels.js';
import { HostCosts } from './host-costs.js';
import { GraphReplays, type Copy } from './replays.js';
import { Profiler } from './profiler.js';

/** The kernels index elements with 32-bit integers. */
const MAX_ELEMENTS = 2 ** 32 - 1;

/** Waves of 256-thread blocks (BLOCKS_PER_SM to a multiprocessor) a map must fill before its streaming kernel batches vectors. */
const BATCH_MIN_WAVES = 4;
/** Downloads from this size go through page-locked memory (device.ts download). */
const STAGED_DOWNLOAD_BYTES = 2 ** 20;
export type T = Tensor<DeviceBuffer>;

export abstract class CudaDevice {
  readonly elementBytes: number;
  readonly driver: Driver;
  readonly pool: MemoryPool;
  /** Page-locked host memory (pinned.ts). */
  private readonly pinned: PinnedMemory;
  /** Kernels by name, from every module loaded. */
  protected readonly fns = new Map<string, unknown>();
  /** True while a replayable call is being recorded as a graph. */
  protected capturing = false;
  /** Replayable calls as CUDA graphs (replays.ts). */
  readonly replays: GraphReplays;
  /** Host time of first meetings by kind (cuBLASLt's and cuDNN's new plans and first calls, graph recordings): benches read it. */
  readonly hostCosts = new HostCosts();

  /** Opens the GPU and loads kernels/ops.cu for the precision's storage type, and kernels/latents.cu. */
  constructor(ordinal: number, readonly math: Precision) {
    this.driver = new Driver(ordinal);
    this.pool = new MemoryPool(this.driver);
    this.pinned = new PinnedMemory(this.driver);
    this.elementBytes = storageBytes(math);
    const storage = math === 'fp16' ? ['-DFISEDIT_HALF'] : [];
    this.load('ops', OPS_KERNELS, storage);
    this.load('sparse', SPARSE_KERNELS, storage);
    this.load('latents', LATENT_KERNELS, []);
    this.replays = new GraphReplays({
      driver: this.driver,
      pool: this.pool,
      elementBytes: this.elementBytes,
      stage: (shape) => this.keep(this.empty(shape)) as T,
      keepAll: (f) => this.tidy(f).map((t) => this.keep(t) as T),
      reshape: (t, shape) => this.reshape(t, shape),
      ptr: (t) => this.p(t),
      copyMany: (copies) => this.copyMany(copies),
      launched: () => this.launches++,
      recording: (on) => (this.capturing = on),
      costs: this.hostCosts,
    });
  }

  /**
   * Compiles (or takes from the cubin cache) kernels/<file>.cu for this GPU, with the kernels' headers
   * (*.cuh), `options` and the module's KERNEL_DEFINES, and loads its kernels.
   */
  protected load(file: string, kernels: Record<string, ArgKind[]>, options: string[], target = `sm_${this.driver.computeCapability.join('')}`): void {
    const source = (f: string) => readFileSync(join(KERNEL_DIR, f), 'utf8');
    const headers = Object.fromEntries(readdirSync(KERNEL_DIR).filter((f) => f.endsWith('.cuh')).map((f) => [f, source(f)]));
    const module = this.driver.loadModule(compileCubin(source(`${file}.cu`), file, target, [...options, ...kernelDefines(file)], headers));
    for (const name of Object.keys(kernels)) this.fns.set(name, this.driver.getFunction(module, name));
  }

  /** `stream`: given for a timing trial's launch (on Driver.main, also while a graph is being recorded), which is neither counted nor profiled. */
  protected run(name: string, n: number, args: number[], block = 256, grid?: number, sharedBytes = 0, gridY = 1, detail?: () => string, stream?: unknown): void {
    const g = grid ?? Math.min(Math.ceil(n / block), 1 << 20);
    if (g === 0 || gridY === 0) return; // nothing to compute (e.g. no active tokens)
    const launch = () => this.driver.launch(this.fns.get(name), name, g, block, KERNELS[name]!, args, sharedBytes, gridY, stream);
    if (stream) launch();
    else this.timed(name, launch, detail);
  }

  /** Holds a stream (the driver's by default) for `ms`, so the host queues what follows before the GPU runs it. */
  protected hold(ms: number, stream?: unknown): void {
    this.driver.launch(this.fns.get('k_hold'), 'k_hold', 1, 1, KERNELS.k_hold!, [ms * 1e6], 0, 1, stream);
  }

  /** Kernel and GEMM launches since the backend was made. */
  launches = 0;
  /** Model parameters (Backend.parameter) by storage: the launches counted when each was declared, its last write among them. */
  private readonly parameters = new WeakMap<DeviceBuffer, number>();

  parameter(t: Tensor): Tensor {
    this.parameters.set(t.storage as DeviceBuffer, this.launches);
    return t;
  }

  /** Whether t was declared a model's parameter (never written from then on). */
  isParameter(t: Tensor): boolean {
    return this.parameters.has(t.storage as DeviceBuffer);
  }

  /**
   * Whether the kernel launched next may read t before it waits for the kernels ahead (launch.cuh):
   * t is a parameter declared before the launch just ahead, which so cannot be the one that wrote it,
   * and no input of a call being recorded (whose replays point it elsewhere).
   */
  settledParameter(t: Tensor): boolean {
    const declared = this.parameters.get(t.storage as DeviceBuffer);
    return declared !== undefined && this.launches > declared && !this.replays.isInput(t);
  }
  protected profiler: Profiler | undefined;

  /**
   * Starts timing each op on the GPU (profiler.ts). Replayable calls are then recorded afresh with an
   * event node after each op and replayed once. The stream is held for `holdMs` while the host queues the work.
   */
  profileStart(holdMs = 200): void {
    if (this.profiler) throw new Error('cuda backend: already profiling');
    this.profiler = new Profiler(this.driver, () => this.hold(holdMs));
  }

  profileEnd(): ReturnType<Profiler['finish']> {
    const p = this.profiler;
    if (!p) throw new Error('cuda backend: not profiling');
    this.profiler = undefined;
    return p.finish();
  }

  /** Elements a thread of a k_x_v kernel handles. */
  protected get vectorWidth(): number {
    return VECTOR_BYTES / this.elementBytes;
  }

  /** Whether a kernel may take vectorWidth elements at a time: aligned pointers, counts that divide. */
  protected vectorFits(name: string, args: readonly number[], counts: readonly number[]): boolean {
    const kinds = KERNELS[name]!;
    return this.wholeVectors(args.filter((_, i) => kinds[i] === 'ptr'), counts);
  }

  /** Whether accesses at these pointers (0: absent) over these counts of elements can all take vectorWidth elements at a time. */
  protected wholeVectors(pointers: readonly number[], counts: readonly number[]): boolean {
    return counts.every((m) => m % this.vectorWidth === 0) && pointers.every((a) => a % VECTOR_BYTES === 0);
  }

  /**
   * Launches a VECTOR_KERNEL over n elements: its 16-byte build when every pointer is aligned and n
   * and `widths` (the channel counts its index math splits rows by) divide by the vector width.
   * `batch`: vectors a thread may take (VEC_BATCH for the kernels with a _vb build). It takes them only
   * over maps of many waves of blocks: a 768 px VAE decode's GroupNorm affines took 2.5 ms one vector
   * a thread and 1.8 batched, but a 512 px U-Net's (about one wave each) 0.44 against 0.50
   * (bench/results/2026-11-30-vec-batch-trial.log).
   */
  protected runVector(name: string, n: number, args: number[], widths: readonly number[], { detail, batch = 1, stream }: { detail?: () => string; batch?: number; stream?: unknown } = {}): void {
    const wide = this.vectorFits(name, args, [n, ...widths]);
    const vectors = wide ? n / this.vectorWidth : n;
    // batched by the third build (`${name}_vb`) only: the batch's registers cost the others occupancy
    const per = wide && vectors / 256 >= BATCH_MIN_WAVES * BLOCKS_PER_SM * this.driver.multiprocessors ? batch : 1;
    this.run(wide ? (per > 1 ? `${name}_vb` : `${name}_v`) : name, Math.ceil(vectors / per), args, 256, undefined, 0, 1, detail, stream);
  }

  /** `detail` names the op by its shape in profiles (built only when profiling). */
  protected timed<R>(name: string, f: () => R, detail?: () => string): R {
    this.launches++;
    const r = f();
    this.profiler?.mark(detail ? `${name} ${detail()}` : name, this.capturing);
    return r;
  }

  /**
   * Where a library call (cuBLAS, cuBLASLt, cuDNN, a driver copy) reads t. While a call is recorded,
   * an input of the recording is read through a copy a kernel of ours makes: a replay points our
   * kernels at the caller's tensors (replays.ts), which it cannot do in a library's nodes.
   */
  protected readable(t: Tensor): number {
    return this.replays.isInput(t) ? this.clone(t).storage.ptr : this.p(t);
  }

  /** A copy of t, by a kernel of ours (a replay can point it at another source; a driver copy it cannot). */
  protected clone(t: Tensor): T {
    return this.copyFrom(this.p(t), t.shape);
  }

  /** A new tensor of `shape` holding the elements at device address `from` (by k_copy, as clone). */
  protected copyFrom(from: number, shape: readonly number[]): T {
    const out = this.empty(shape);
    this.runVector('k_copy', out.size, [from, this.p(out), out.size], [], { detail: () => shapeString(shape) });
    return out;
  }

  /**
   * A new tensor that only kernels of ours write and nothing in the call reads after them, made to be
   * returned (what an in-place write displaced): in a replayed call, a buffer of its own at each
   * replay (GraphReplays.output) rather than one copied out of the graph's.
   */
  protected result(shape: readonly number[]): T {
    const t = this.empty(shape);
    this.replays.output(t);
    return t;
  }

  protected empty(shape: readonly number[], bytesPer = this.elementBytes): T {
    const n = numel(shape);
    if (n > MAX_ELEMENTS) throw new FiseditError(`cuda backend: a tensor of shape ${shapeString(shape)} has more than 2^32 elements, beyond this backend's 32-bit indexing`);
    return new Tensor(shape, this.pool.alloc(n * bytesPer));
  }

  protected p(t: Tensor): number {
    const s = t.storage;
    if (!(s instanceof DeviceBuffer)) throw new Error('tensor does not belong to the cuda backend');
    // another backend's work runs on its own stream: reading its tensor here would race with it
    if (s.pool !== this.pool) throw new FiseditError('tensor belongs to another cuda backend: move it with toHost/fromHost');
    if (s.freed) throw new Error(`tensor ${shapeString(t.shape)} was used after its scope ended`);
    return s.ptr;
  }

  protected upload(data: ArrayBufferView, shape: readonly number[], bytes: number): T {
    // a graph would read the host array again at every replay, long after it is gone
    if (this.capturing) throw new FiseditError('cuda backend: a replayable call uploaded host data while being recorded; pass it as an input instead');
    const t = this.empty(shape, bytes / Math.max(1, numel(shape)));
    if (data.byteLength) this.driver.upload(t.storage.ptr, data);
    return t;
  }

  protected ints(values: Int32Array | Uint8Array): T {
    return this.upload(values, [values.length], values.byteLength);
  }

  /**
   * Index lists of a sparse plan on the device, uploaded once: a plan's arrays are fixed for its
   * edit, and an upload on the default stream waits for all queued work (a sync per op otherwise).
   * They live in memory of their own (pool.own), uploaded at once: so a replayable call's first run,
   * which is recorded, can upload them. They outlive any scope, so the ops that take them need none,
   * and a recording that reads one holds it: the graph may outlive the host array (it once read an
   * edit's freed token alignment).
   */
  private readonly planArrays = new WeakMap<Int32Array | Uint8Array, T>();
  protected indices(values: Int32Array | Uint8Array): T {
    let t = this.planArrays.get(values);
    if (!t) {
      t = new Tensor([values.length], this.pool.own(Math.max(values.byteLength, 1)));
      if (values.byteLength) this.driver.uploadNow(t.storage.ptr, values);
      this.planArrays.set(values, t);
    }
    if (this.capturing) this.replays.hold(t);
    return t;
  }

  fromHost(d: Float32Array, shape: readonly number[]): Tensor {
    if (d.length !== numel(shape)) throw new FiseditError(`fromHost: ${d.length} values for shape ${shapeString(shape)}`);
    if (this.elementBytes === 4) return this.upload(d, shape, d.byteLength);
    // float32 goes up as it is and is rounded on the device (a host loop over 866 M weights is slow)
    const out = this.empty(shape);
    this.tidy(() => this.run('k_from_f32', d.length, [this.p(this.upload(d, shape, d.byteLength)), out.storage.ptr, d.length]));
    return out;
  }

  /** A zero-filled tensor (device memory; GpuOutOfMemory when it does not fit). */
  zeros(shape: readonly number[]): Tensor {
    const t = this.empty(shape);
    this.driver.zero(t.storage.ptr, t.size * this.elementBytes);
    return t;
  }

  toHost(t: Tensor, into?: Float32Array, outside?: KeepOutside): Float32Array {
    if (into) checkValues('toHost', into, t.shape);
    const out = into ?? new Float32Array(t.size);
    if (!out.length) return out;
    if (outside && this.keptOnDevice(t, out, outside)) return out;
    this.downloadInto(t, out);
    return outside ? keepOutside(out, outside) : out;
  }

  /**
   * toHost's `outside` from the device, where `out` and outside.values both lie in page-locked memory
   * (an edit's image and its base's: StableDiffusion.imageBuffer's): one kernel writes the image into
   * `out`, reading the base over PCIe only outside the region and the region's flags from the staging
   * memory, as fast as the download alone. The host's pass after the download took a 768 px ~30% edit
   * 2.2 ms more from its last step to the image (13.89 -> 11.69 ms, medians of five,
   * bench/results/2026-12-04-s65-call6.log). Whether it could.
   */
  private keptOnDevice(t: Tensor, out: Float32Array, outside: KeepOutside): boolean {
    const channels = checkOutside(out.length, outside);
    const dst = this.pinned.address(out), kept = this.pinned.address(outside.values);
    if (dst === undefined || kept === undefined) return false;
    const flags = this.staged(outside.region.byteLength), at = this.pinned.address(flags);
    if (at === undefined) return false;
    flags.set(outside.region);
    this.run('k_to_host_keeping', t.size, [this.p(t), dst, at, kept, channels, t.size]);
    this.driver.synchronize();
    return true;
  }

  /** t's values into out (t's size of float32s). */
  private downloadInto(t: Tensor, out: Float32Array): void {
    if (this.elementBytes === 4) this.download(out, this.p(t));
    else this.tidy(() => {
      const wide = this.empty(t.shape, 4);
      this.run('k_to_f32', t.size, [this.p(t), wide.storage.ptr, t.size]);
      this.download(out, wide.storage.ptr);
    });
  }

  /** Page-locked memory that large downloads go through, grown to the largest met (downloads wait for their copy: one at a time). */
  private staging: Uint8Array | undefined;

  /** The first `bytes` of the staging memory (grown to a power of two as needed). */
  private staged(bytes: number): Uint8Array {
    if (!this.staging || this.staging.byteLength < bytes) this.staging = this.pinned.alloc(2 ** Math.ceil(Math.log2(Math.max(bytes, 1))));
    return this.staging.subarray(0, bytes);
  }

  /**
   * Device bytes into `out`. From STAGED_DOWNLOAD_BYTES through page-locked memory (the copy engine's
   * DMA, then one host copy): a 768 px image (7 MiB) in an edit's decode took 4.1-5.8 ms so against
   * 4.9-7.6 by the driver's own path into pageable memory (session 62, calls 3-4), its DMA 0.15 ms
   * (call 5). Most of either was the first touch of a fresh array's pages, which
   * StableDiffusion.imageBuffer now takes off the user's wait. Into page-locked memory (hostBuffer's:
   * imageBuffer's) the DMA lands where the values go.
   */
  private download(out: Float32Array, src: number): void {
    if (out.byteLength < STAGED_DOWNLOAD_BYTES || this.pinned.address(out) !== undefined) return this.driver.download(out, src);
    const staged = this.staged(out.byteLength);
    this.driver.download(staged, src);
    new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(staged);
  }

  toBytes(t: Tensor, into?: Uint8Array): Uint8Array {
    const out = into ?? new Uint8Array(t.size * this.elementBytes);
    checkBytes('toBytes', out, t.shape, this.elementBytes);
    if (!out.length) return out;
    const dst = this.pinned.address(out);
    if (dst === undefined || dst % VECTOR_BYTES) this.driver.download(out, this.p(t));
    else {
      this.copyMany([[dst, this.p(t), out.byteLength]]); // into page-locked memory: a kernel writes it over PCIe
      this.driver.synchronize();
    }
    return out;
  }

  fromBytes(bytes: Uint8Array, shape: readonly number[]): Tensor {
    checkBytes('fromBytes', bytes, shape, this.elementBytes);
    return this.upload(bytes, shape, bytes.byteLength);
  }

  /** Page-locked host memory (pinned.ts). */

  hostBuffer(bytes: number): Uint8Array {
    return this.pinned.alloc(bytes);
  }

  /** Page-locked allocations served from memory kept for reuse, and those that locked new memory. */
  pinnedStats(): { reused: number; locked: number } {
    return { reused: this.pinned.reused, locked: this.pinned.locked };
  }

  /**
   * From page-locked memory, a copy per tensor on the driver's side stream, by the copy engines,
   * beside the step's kernels; other bytes upload in stream order. (A k_copy_many there instead,
   * reading the host bytes over PCIe, left every later step of the process ~0.2 ms slower, as any
   * kernel on a stream other than the main one does: bench/results/2026-12-03-s43-call2.log. The
   * copies move as fast and overlap the step as well.)
   */
  prefetch(items: readonly HostBytes[]): Prefetched {
    if (this.capturing) throw new FiseditError('cuda backend: prefetch while a replayable call is being recorded');
    const copies: [T, Uint8Array][] = [];
    const tensors = items.map(({ bytes, shape }) => {
      if (this.pinned.address(bytes) === undefined) return this.keep(this.fromBytes(bytes, shape));
      checkBytes('prefetch', bytes, shape, this.elementBytes);
      const t = this.keep(this.empty(shape)) as T;
      copies.push([t, bytes]);
      return t;
    });
    if (!copies.length) return { tensors, ready() {} };
    const done = this.driver.behind((side) => {
      for (const [t, bytes] of copies) this.driver.upload(t.storage.ptr, bytes, side);
    });
    let waited = false;
    return {
      tensors,
      ready: () => {
        if (waited) return;
        waited = true;
        this.driver.await(done);
      },
    };
  }

  convWeight(d: Float32Array, shape: readonly [number, number, number, number]): Tensor {
    const [o, i, kh, kw] = shape;
    return this.fromHost(oihwToOhwi(d, shape), [o, kh, kw, i]);
  }

  dispose(t: Tensor): void {
    this.pool.release(t.storage as DeviceBuffer);
  }

  /**
   * Recording a graph: a copy made on a branch of it, beside the work recorded after
   * (GraphReplays.copyOnBranch); else t (Backend.snapshot), and t too for an input of the call being
   * recorded (a replay reads the caller's tensor, not the input copy a copy node would read) and for
   * an empty one (a graph's copy node cannot be re-pointed at zero bytes).
   */
  snapshot(t: Tensor): Tensor {
    if (!this.capturing || this.replays.isInput(t) || t.size === 0) return t;
    const copy = this.empty(t.shape) as T;
    this.replays.copyOnBranch(t as T, copy);
    return copy;
  }

  /**
   * Recording a graph: work on a branch of it (Driver.onBranch), its reads kept out of the pool until
   * the recording goes (a block freed mid-capture would be handed to work recorded after, which the
   * branch may run beside); else, and while profiling (whose events time one op after another), work
   * in line (Backend.aside).
   */
  aside<R>(reads: readonly Tensor[], work: () => R): R {
    if (!this.capturing || this.profiler) return work();
    for (const t of reads) {
      if (this.replays.isInput(t)) continue; // the caller's: a replay reads it where the caller keeps it
      this.pool.persist(t.storage as DeviceBuffer);
      this.replays.hold(t as T);
    }
    return this.driver.onBranch(work);
  }

  /** The result's tensors (a tensor, or an array of them) outlive the scope. */
  tidy<R>(f: () => R): R {
    return this.pool.tidy(f, (r) => scopeResults(r).map((t) => t.storage as DeviceBuffer));
  }

  keep(t: Tensor): Tensor {
    this.pool.persist(t.storage as DeviceBuffer);
    return t;
  }

  synchronize(): void {
    this.driver.synchronize();
  }

  replayable(key: string, inputs: readonly Tensor[], f: (...inputs: Tensor[]) => Tensor[]): Tensor[] {
    return this.replays.call(key, inputs, f, this.profiler !== undefined); // profiling: a graph with the profiler's events in it
  }

  forget(key: string): void {
    this.replays.forget(key);
  }

  /** [dst, src, bytes] device copies in one launch (a driver call each costs ~5 us of host time). */
  protected copyMany(copies: readonly Copy[]): void {
    const { table, chunks } = copyTable(copies);
    if (!chunks) return;
    this.runOverTable('k_copy_many', table, [copies.length, chunks], Math.min(chunks, BLOCKS_PER_SM * this.driver.multiprocessors));
  }

  /** Launches a kernel (256 threads a block) whose first argument is `table`, uploaded for this launch; `args` follow it. */
  protected runOverTable(name: string, table: Uint32Array, args: number[], grid: number, gridY = 1): void {
    this.tidy(() => this.run(name, 0, [this.p(this.upload(table, [table.length], table.byteLength)), ...args], 256, grid, 0, gridY));
  }

  reshape(x: Tensor, shape: readonly number[]): Tensor {
    if (numel(shape) !== x.size) throw new Error(`reshape: ${shapeString(x.shape)} cannot become ${shapeString(shape)}`);
    return new Tensor(shape, x.storage);
  }
}

/**
 * 64-bit words (device pointers, sizes: exact below 2^53) into a table a kernel reads as u64, from
 * word `at` on, as 32-bit halves (BigInt conversions took ~0.3 ms of a replay's host time).
 */
export function putWords(table: Uint32Array, at: number, words: readonly number[]): void {
  words.forEach((v, k) => {
    table[2 * (at + k)] = v % 0x100000000;
    table[2 * (at + k) + 1] = Math.floor(v / 0x100000000);
  });
}

/** What k_copy_many reads: dst, src, bytes and first chunk of each copy as 64-bit words; and how many chunks in all. */
function copyTable(copies: readonly Copy[]): { table: Uint32Array; chunks: number } {
  const table = new Uint32Array(copies.length * 8);
  let chunks = 0;
  copies.forEach(([d, s, b], i) => {
    putWords(table, 4 * i, [d, s, b, chunks]);
    chunks += Math.ceil(b / COPY_CHUNK);
  });
  return { table, chunks };
}
