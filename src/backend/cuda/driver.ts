// The CUDA driver API through koffi (its declarations and struct layouts: driver-api.ts): context,
// memory, modules, launches, graphs. Device pointers are plain numbers (CUdeviceptr); kernel arguments
// are packed into one reusable 8-byte-slot buffer.
import koffi from 'koffi';
import { FiseditError, GpuOutOfMemory } from '../../io/errors.js';
import {
  ATTRIBUTE_BYTES, CONFIG_ATTRS, CONFIG_BYTES, CONFIG_NUM_ATTRS, CONFIG_STREAM, CUDA_ERROR_OUT_OF_MEMORY, DRIVER_FUNCTIONS,
  LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION, MEMCPY3D_BYTES, MEMCPY3D_DST_DEVICE, NODE_BYTES, NODE_PARAMS,
} from './driver-api.js';
import { libraryDependents } from './graph-census.js';
import { bindFunctions, loadLibrary } from './libs.js';

/** A kernel launched while a graph was being captured: its node, and what it was launched with. */
export interface CapturedLaunch {
  node: unknown;
  /** The kernel function's handle as an address (what CUDA_KERNEL_NODE_PARAMS takes). */
  fn: bigint;
  name: string;
  grid: number;
  gridY: number;
  block: number;
  sharedBytes: number;
  kinds: readonly ArgKind[];
  args: number[];
}

export type ArgKind = 'ptr' | 'u64' | 'i32' | 'f32';

export { GpuOutOfMemory };

/** Page-locked, device-mapped host memory (cuMemHostAlloc). */
export interface HostMemory {
  /** The driver's pointer (what koffi views). */
  pointer: unknown;
  host: bigint;
  /** Its address in the device's address space. */
  device: number;
  bytes: number;
}

export class Driver {
  private readonly f: Record<string, (...a: unknown[]) => number>;
  private readonly argSlots: unknown;
  private readonly argPtrs: unknown;
  private readonly slotsAddress: bigint;
  /** The argument slots as a DataView over the same native memory: writing them is plain JS. */
  private readonly slots: DataView;
  readonly device: number;
  readonly name: string;
  readonly computeCapability: [number, number];
  readonly multiprocessors: number;
  /** Bytes of L2 cache. */
  readonly l2Bytes: number;
  /**
   * The stream the GPU runs all our work on, in order (so the caching allocator may reuse a buffer as
   * soon as it is released): ops, replays of recorded graphs, timing trials. Not the legacy default
   * stream: a stream of our own. One stream, because a process that had run work on a second one
   * replayed every graph ~3% slower for the rest of its life (512 px U-Net 5.07-5.16 ms against
   * 4.92-5.01; six short kernels on any other stream sufficed, whatever its flags; recording a graph
   * on another stream did not do it: bench/results/2026-12-02-s42-call{3,...,6}.sh).
   */
  readonly main: unknown;
  /** Where graphs are recorded (capture(); made on first use): recorded there, no work of ours runs on it. */
  private recorder: unknown;
  /** The stream work is queued on now: the recording stream while a graph is being recorded (its branch inside onBranch), else the main one. */
  get stream(): unknown {
    return this.capturing ? (this.branching ? this.brancher : this.recorder) : this.main;
  }
  /** Library handles' streams, kept on `stream` (followStream). */
  private readonly streamFollowers: ((stream: unknown) => void)[] = [];
  /** The side stream: copies that overlap the main stream's work (behind(), uploadNow(); made on first use). */
  private side: unknown;
  /** Where forkCopy's copies are recorded, a branch of the graph being captured (made on first use; never the side stream, which uploadNow uses while recording). */
  private brancher: unknown;
  /** Whether the capture under way has a branch (forkCopy, onBranch) to join before it ends. */
  private branched = false;
  /** Whether onBranch's work is being recorded: `stream` is the branch. */
  private branching = false;
  /** The context graphs' copies run in (cuGraphExecMemcpyNodeSetParams asks). */
  private readonly context: unknown;
  /**
   * Kernels recorded into graphs are launched as programmatic dependents of the kernel before them
   * (sm_90 and later; every kernel of ours waits for the earlier ones at its start and lets the next
   * one launch: kernels/launch.cuh). Eager launches stay plain: measured on the H200, the early
   * launch made graphs faster and eager calls slower (U-Net at 768 px 12.68 against 13.02 ms in
   * graphs, 15.26 against 14.70 eagerly: bench/results/2026-11-30-unet-cuda-fp16-dependent-launches-trial.json.xz).
   * The edges into library kernels stay plain: made programmatic after the capture, a cuBLASLt GEMM
   * (64 x 320 -> 320) read its input before the kernel ahead had written it, so at least some of
   * their kernels do not wait (bench/results/2026-12-02-s29-library-dependents-trial.diff, …-run76-*.log).
   * Yet cuDNN launches its fused convolutions (convFwd_pointwise_pointwise) as programmatic
   * dependents itself, with this option on or off, and graph replays then parted from the recorded
   * edit now and then (44 of 750: README, "A nondeterminism, found and fixed"). So every cuDNN call
   * recorded into a graph on sm_90 or later comes after an empty node (beforeLibraryCall): no kernel
   * of ours is directly ahead of cuDNN's. (cuBLASLt launches only its split-K reductions so, behind its
   * own GEMMs; libraryDependents, which the GPU tests and bench:unet / bench:edit report, finds no edge
   * from our kernels into a library's.) (Making those edges plain after the capture also worked, but
   * cuGraphRemoveDependencies refuses graphs in which a library put memory nodes.)
   */
  dependentLaunches = false;
  /** The functions of our modules (getFunction), by address: the kernels that are not a library's. */
  private readonly ours = new Set<bigint>();
  /** Whether a graph is being recorded (capture() is running: `stream` is the recording stream, what dependentLaunches applies to). */
  capturing = false;
  /**
   * While capturing, when set: each kernel launched on the recording stream whose arguments `wanted`
   * accepts, with its graph node (asking the driver for the node costs host time: only those).
   */
  captured: { launches: CapturedLaunch[]; wanted(kinds: readonly ArgKind[], args: readonly number[]): boolean } | undefined;
  /** The graph each instantiated graph came from (its nodes are what setKernelArgs names). */
  private readonly graphs = new Map<unknown, unknown>();
  /** A CUDA_KERNEL_NODE_PARAMS, reused by every setKernelArgs. */
  private readonly nodeParams: unknown;
  private readonly node: DataView;
  /** A CUlaunchConfig with one attribute (programmatic stream serialization), reused by every launch. */
  private readonly launchConfig: unknown;
  private readonly config: DataView;

  constructor(ordinal = 0) {
    const lib = loadLibrary('the NVIDIA driver (libcuda)', ['libcuda.so.1', 'libcuda.so']);
    this.f = bindFunctions(lib, DRIVER_FUNCTIONS);
    this.check('cuInit', this.f.cuInit!(0));
    const count = [0];
    this.check('cuDeviceGetCount', this.f.cuDeviceGetCount!(count));
    if (!count[0]) throw new FiseditError('cuda backend: the driver reports no CUDA device');
    if (ordinal >= count[0]) throw new FiseditError(`cuda backend: device ${ordinal} requested, ${count[0]} present`);
    const dev = [0];
    this.check('cuDeviceGet', this.f.cuDeviceGet!(dev, ordinal));
    this.device = dev[0]!;
    const name = new Uint8Array(256);
    this.check('cuDeviceGetName', this.f.cuDeviceGetName!(name, 256, this.device));
    this.name = Buffer.from(name.subarray(0, name.indexOf(0))).toString();
    const attr = (a: number) => {
      const v = [0];
      this.check('cuDeviceGetAttribute', this.f.cuDeviceGetAttribute!(v, a, this.device));
      return v[0]!;
    };
    this.computeCapability = [attr(75), attr(76)];
    this.multiprocessors = attr(16); // CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT
    this.l2Bytes = attr(38); // CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE
    const ctx = [null];
    this.check('cuDevicePrimaryCtxRetain', this.f.cuDevicePrimaryCtxRetain!(ctx, this.device));
    this.check('cuCtxSetCurrent', this.f.cuCtxSetCurrent!(ctx[0]));
    this.context = ctx[0];
    this.main = this.newStream();
    this.argSlots = koffi.alloc('uint64_t', 64);
    this.argPtrs = koffi.alloc('uint64_t', 64);
    this.slotsAddress = koffi.address(this.argSlots);
    for (let i = 0; i < 64; i++) koffi.encode(this.argPtrs, 8 * i, 'uint64_t', this.slotsAddress + BigInt(8 * i));
    this.slots = new DataView(koffi.view(this.argSlots, 8 * 64));
    this.launchConfig = koffi.alloc('uint8_t', CONFIG_BYTES + ATTRIBUTE_BYTES);
    this.config = new DataView(koffi.view(this.launchConfig, CONFIG_BYTES + ATTRIBUTE_BYTES));
    this.config.setBigUint64(CONFIG_ATTRS, koffi.address(this.launchConfig) + BigInt(CONFIG_BYTES), true);
    this.config.setUint32(CONFIG_NUM_ATTRS, 1, true);
    this.config.setUint32(CONFIG_BYTES, LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION, true);
    this.config.setInt32(CONFIG_BYTES + 8, 1, true); // value.programmaticStreamSerializationAllowed
    this.nodeParams = koffi.alloc('uint8_t', NODE_BYTES);
    this.node = new DataView(koffi.view(this.nodeParams, NODE_BYTES));
    for (let at = 0; at < NODE_BYTES; at += 8) this.node.setBigUint64(at, 0n, true); // no extra, kernel handle or context
    this.node.setBigUint64(NODE_PARAMS, koffi.address(this.argPtrs), true);
  }

  check(what: string, code: number): void {
    if (code === 0) return;
    const name: (string | null)[] = [null];
    this.f.cuGetErrorName?.(code, name);
    throw new FiseditError(`cuda backend: ${what} failed with ${name[0] ?? `error ${code}`}`);
  }

  memInfo(): { free: number; total: number } {
    const free = [0], total = [0];
    this.check('cuMemGetInfo', this.f.cuMemGetInfo!(free, total));
    return { free: Number(free[0]), total: Number(total[0]) };
  }

  /** Device memory, or GpuOutOfMemory. */
  alloc(bytes: number): number {
    const p = [0];
    const code = this.f.cuMemAlloc!(p, Math.max(bytes, 1));
    if (code === CUDA_ERROR_OUT_OF_MEMORY) {
      const { free, total } = this.memInfo();
      throw new GpuOutOfMemory(bytes, free, total);
    }
    this.check('cuMemAlloc', code);
    return Number(p[0]);
  }

  free(ptr: number): void {
    this.check('cuMemFree', this.f.cuMemFree!(ptr));
  }

  /** Host -> device in stream order (pageable memory: the call returns once `src` has been read). */
  upload(dst: number, src: ArrayBufferView, stream = this.stream): void {
    this.check('cuMemcpyHtoDAsync', this.f.cuMemcpyHtoDAsync!(dst, src, src.byteLength, stream));
  }

  /** Device -> host after the work queued before it. */
  download(dst: ArrayBufferView, src: number): void {
    this.check('cuMemcpyDtoHAsync', this.f.cuMemcpyDtoHAsync!(dst, src, dst.byteLength, this.stream));
    this.synchronize();
  }

  copy(dst: number, src: number, bytes: number): void {
    if (bytes) this.check('cuMemcpyDtoDAsync', this.f.cuMemcpyDtoDAsync!(dst, src, bytes, this.stream));
  }

  zero(dst: number, bytes: number): void {
    if (bytes) this.check('cuMemsetD8Async', this.f.cuMemsetD8Async!(dst, 0, bytes, this.stream));
  }

  /** Waits for the work queued on the stream (the main one by default). */
  synchronize(stream = this.stream): void {
    this.check('cuStreamSynchronize', this.f.cuStreamSynchronize!(stream));
  }

  /**
   * Records the work f queues as a graph instead of running it (relaxed mode: the allocator may still
   * call cuMemAlloc meanwhile), on a stream of its own: the main stream meanwhile runs what a timing
   * trial needs (trials.ts). The graph is made executable; nothing ran yet. `stream` is the recording
   * stream while f runs, and so are the library handles' streams (followStream).
   */
  capture(f: () => void): unknown {
    const recorder = (this.recorder ??= this.newStream());
    this.check('cuStreamBeginCapture', this.f.cuStreamBeginCapture!(recorder, 2)); // CU_STREAM_CAPTURE_MODE_RELAXED
    const graph = [null];
    let recorded = false;
    this.capturing = true;
    this.streamFollowers.forEach((follow) => follow(recorder));
    try {
      f();
      recorded = true;
    } finally {
      this.capturing = false;
      this.streamFollowers.forEach((follow) => follow(this.main));
      // a branch (forkCopy) joins the recording stream first: a capture cannot end with work unjoined
      const joined = this.branched ? this.joinBranch(recorder) : 0;
      // the capture always ends (the stream stays usable); when f failed, its error is the one to see
      const code = this.f.cuStreamEndCapture!(recorder, graph);
      if (recorded) this.check('joining the branch to the capture (cuEventRecordWithFlags, cuStreamWaitEvent)', joined);
      if ((code !== 0 || !recorded) && graph[0]) this.f.cuGraphDestroy!(graph[0]);
      if (recorded) this.check('cuStreamEndCapture', code);
    }
    const exec = [null];
    try {
      this.check('cuGraphInstantiate', this.f.cuGraphInstantiate!(exec, graph[0], 0));
    } catch (e) {
      this.f.cuGraphDestroy!(graph[0]);
      throw e;
    }
    this.graphs.set(exec[0], graph[0]); // its nodes name what setKernelArgs changes
    return exec[0];
  }

  /**
   * While a graph is recorded: a device copy on a branch of the graph that starts here (the branch
   * stream joins the capture after the work recorded so far, and capture() joins it back at the end),
   * so that the copy runs beside what is recorded after it. (Copies on a stream of their own outside a
   * graph left every later replay of the process ~3% slower; a branch inside the graph did not:
   * bench/results/2026-12-04-s65-call{2,5}.log.) Returns the copy's node, for setCopyDestination.
   */
  forkCopy(dst: number, src: number, bytes: number): unknown {
    const branch = this.fork('forkCopy');
    this.check('cuMemcpyDtoDAsync', this.f.cuMemcpyDtoDAsync!(dst, src, bytes, branch));
    return this.lastNode(branch);
  }

  /**
   * While a graph is recorded: f's work on the branch of the graph that starts here (as forkCopy's
   * copies), beside what is recorded after it. Its kernels are plain launches (no programmatic
   * dependence across the fork); the library handles follow the branch while f runs.
   */
  onBranch<T>(f: () => T): T {
    const branch = this.fork('onBranch');
    this.branching = true;
    this.streamFollowers.forEach((follow) => follow(branch));
    try {
      return f();
    } finally {
      this.branching = false;
      this.streamFollowers.forEach((follow) => follow(this.recorder));
    }
  }

  /** The branch stream, made to wait for the work recorded so far; the capture joins it back at its end. */
  private fork(what: string): unknown {
    if (!this.capturing) throw new Error(`cuda backend: ${what} while no graph is being recorded`);
    if (this.branching) throw new Error(`cuda backend: ${what} inside onBranch`);
    const branch = (this.brancher ??= this.newStream(1)), here = this.event(false);
    this.record(here);
    this.check('cuStreamWaitEvent', this.f.cuStreamWaitEvent!(branch, here, 0));
    this.destroyEvent(here);
    this.branched = true;
    return branch;
  }

  /** The branch's end joined to the recording stream; the driver's code (0: done). */
  private joinBranch(recorder: unknown): number {
    this.branched = false;
    const end = this.event(false);
    const code = this.f.cuEventRecordWithFlags!(end, this.brancher, 0) || this.f.cuStreamWaitEvent!(recorder, end, 0);
    this.destroyEvent(end);
    return code;
  }

  /** A copy node's parameters (its CUDA_MEMCPY3D as 64-bit words), read once after the capture: what setCopyDestination re-points. */
  copyNodeParams(node: unknown): BigUint64Array {
    const p = new BigUint64Array(MEMCPY3D_BYTES / 8);
    this.check('cuGraphMemcpyNodeGetParams', this.f.cuGraphMemcpyNodeGetParams!(node, p));
    return p;
  }

  /** Points a copy node forkCopy recorded at `dst` in an instantiated graph (its next replays write there); `params` its copyNodeParams. */
  setCopyDestination(exec: unknown, node: unknown, params: BigUint64Array, dst: number): void {
    params[MEMCPY3D_DST_DEVICE / 8] = BigInt(dst);
    this.check('cuGraphExecMemcpyNodeSetParams', this.f.cuGraphExecMemcpyNodeSetParams!(exec, node, params, this.context));
  }

  /**
   * Before a library's call while a graph is recorded on sm_90 or later: the capture's open node is
   * followed by an empty node, so that a kernel the library launches as a programmatic dependent
   * (cuDNN's fused convolutions do) depends on no kernel of ours programmatically: it starts once the
   * work ahead has finished, as a kernel that does not wait for it needs (dependentLaunches).
   */
  beforeLibraryCall(): void {
    if (!this.capturing || this.computeCapability[0]! < 9) return;
    const { graph, deps, count } = this.openNodes(this.stream);
    const node = [null];
    this.check('cuGraphAddEmptyNode', this.f.cuGraphAddEmptyNode!(node, graph, deps, count));
    const open = BigUint64Array.of(BigInt(koffi.address(node[0])));
    this.check('cuStreamUpdateCaptureDependencies', this.f.cuStreamUpdateCaptureDependencies!(this.stream, open, null, 1, 1)); // CU_STREAM_SET_CAPTURE_DEPENDENCIES
  }

  /** The programmatic edges into library kernels in the graphs recorded so far (graph-census.ts). */
  libraryDependents(fromLibraries = false): Map<string, number> {
    return libraryDependents({ f: this.f, check: (what, code) => this.check(what, code), graphs: this.graphs.values(), ours: this.ours }, fromLibraries);
  }

  /** Sets the arguments of a captured kernel launch's node in an instantiated graph. */
  setKernelArgs(exec: unknown, launch: CapturedLaunch, args: readonly number[]): void {
    this.packArgs(launch.name, launch.kinds, args);
    const n = this.node;
    n.setBigUint64(0, launch.fn, true);
    n.setUint32(8, launch.grid, true);
    n.setUint32(12, launch.gridY, true);
    n.setUint32(16, 1, true);
    n.setUint32(20, launch.block, true);
    n.setUint32(24, 1, true);
    n.setUint32(28, 1, true);
    n.setUint32(32, launch.sharedBytes, true);
    this.check(`cuGraphExecKernelNodeSetParams(${launch.name})`, this.f.cuGraphExecKernelNodeSetParams!(exec, launch.node, this.nodeParams));
  }

  /** A new event: for timing work on the stream, or (timing off, cheaper) only for ordering. */
  event(timing = true): unknown {
    const e = [null];
    this.check('cuEventCreate', this.f.cuEventCreate!(e, timing ? 0 : 2)); // CU_EVENT_DISABLE_TIMING
    return e[0];
  }

  /**
   * Marks the point the stream has reached: the event completes when the work queued before it has.
   * `inGraph` (only while the stream is captured): the record becomes a node of the graph (an
   * external event node), so each replay records it (and it times the graph's nodes).
   */
  record(event: unknown, inGraph = false, stream = this.stream): void {
    this.check('cuEventRecord', this.f.cuEventRecordWithFlags!(event, stream, inGraph ? 1 : 0)); // CU_EVENT_RECORD_EXTERNAL
  }

  /**
   * Page-locked host memory mapped into the device's address space (kernels read it over PCIe at
   * `device`), or undefined when the driver refuses it (then pageable memory serves).
   */
  hostAlloc(bytes: number): HostMemory | undefined {
    const p: unknown[] = [null];
    if (this.f.cuMemHostAlloc!(p, Math.max(bytes, 1), 2) !== 0 || !p[0]) return undefined; // CU_MEMHOSTALLOC_DEVICEMAP
    const host = typeof p[0] === 'bigint' ? p[0] : koffi.address(p[0]);
    const device = [0];
    this.check('cuMemHostGetDevicePointer', this.f.cuMemHostGetDevicePointer!(device, host, 0));
    return { pointer: p[0], host, device: Number(device[0]), bytes };
  }

  /** An ArrayBuffer over page-locked memory (it does not own the memory: hostFree gives that back). */
  hostView(m: HostMemory): ArrayBuffer {
    return koffi.view(m.pointer, m.bytes) as ArrayBuffer;
  }

  hostFree(host: bigint): void {
    this.check('cuMemFreeHost', this.f.cuMemFreeHost!(host));
  }

  /**
   * Queues the copies f makes on the side stream (f gets it; copies only: sideStream()), after the
   * work queued on the main stream so far (blocks that work released may be f's destinations).
   * Returns an event that completes with f's work; `await` it before queuing work that depends on it.
   */
  behind(f: (stream: unknown) => void): unknown {
    const side = this.sideStream();
    const queued = this.event(false), done = this.event(false);
    this.record(queued);
    this.check('cuStreamWaitEvent', this.f.cuStreamWaitEvent!(side, queued, 0));
    this.destroyEvent(queued); // released once the wait is over
    f(side);
    this.record(done, false, side);
    return done;
  }

  /**
   * Host -> device now, on the side stream, returning when done: outside the main stream's order
   * (it does not wait for the work queued there), and legal while a graph is being recorded. Only for
   * memory no queued or recorded work holds.
   */
  uploadNow(dst: number, src: ArrayBufferView): void {
    const side = this.sideStream();
    this.upload(dst, src, side);
    this.synchronize(side);
  }

  /** Calls `follow` with the stream work is queued on now, and again whenever that changes (a library handle's stream). */
  followStream(follow: (stream: unknown) => void): void {
    this.streamFollowers.push(follow);
    follow(this.stream);
  }

  /** A stream of ours; flags 0 (CU_STREAM_DEFAULT) synchronise it with the legacy stream, which we do not use. */
  private newStream(flags = 0): unknown {
    const s = [null];
    this.check('cuStreamCreate', this.f.cuStreamCreate!(s, flags));
    return s[0];
  }

  /**
   * The side stream (made on first use; a third, beside the main and recording ones): uploads outside
   * the main stream's order, and prefetches from host memory beside the main stream's work (behind()).
   * Copies only: they leave the process as fast as it was, where a kernel run here slows every later
   * graph replay (sessions 42-43).
   */
  private sideStream(): unknown {
    return (this.side ??= this.newStream(1)); // CU_STREAM_NON_BLOCKING: never waits for the legacy stream
  }

  /** Work queued on the main stream from now on waits for the event (the host does not). The event is then released. */
  await(event: unknown): void {
    this.check('cuStreamWaitEvent', this.f.cuStreamWaitEvent!(this.stream, event, 0));
    this.destroyEvent(event);
  }

  /** Whether the work before the event's record has completed (no waiting). */
  done(event: unknown): boolean {
    const code = this.f.cuEventQuery!(event);
    if (code === 600) return false; // CUDA_ERROR_NOT_READY
    this.check('cuEventQuery', code);
    return true;
  }

  /** Milliseconds between two completed events. */
  elapsed(start: unknown, end: unknown): number {
    const ms = [0];
    this.check('cuEventElapsedTime', this.f.cuEventElapsedTime!(ms, start, end));
    return ms[0]!;
  }

  destroyEvent(event: unknown): void {
    this.check('cuEventDestroy', this.f.cuEventDestroy!(event));
  }

  /**
   * Host ms spent in cuGraphLaunch so far. It returns at once while the stream has room; once the
   * GPU is far enough behind it waits there (bench:edit's whole edits: ~1.8 s of a profiled run's
   * 5.3 s of edits, as the queued dense steps drain), so a host that seems slow may be a GPU that is.
   */
  graphLaunchMs = 0;

  replay(exec: unknown): void {
    const t0 = performance.now();
    try {
      this.check('cuGraphLaunch', this.f.cuGraphLaunch!(exec, this.stream));
    } finally {
      this.graphLaunchMs += performance.now() - t0;
    }
  }

  /** Starts or stops an external profiler's collection (Nsight Compute run with --profile-from-start off). */
  profilerRange(on: boolean): void {
    this.check(on ? 'cuProfilerStart' : 'cuProfilerStop', on ? this.f.cuProfilerStart!() : this.f.cuProfilerStop!());
  }

  destroyGraph(exec: unknown): void {
    this.check('cuGraphExecDestroy', this.f.cuGraphExecDestroy!(exec));
    const graph = this.graphs.get(exec);
    this.graphs.delete(exec);
    if (graph) this.check('cuGraphDestroy', this.f.cuGraphDestroy!(graph));
  }

  loadModule(cubin: Uint8Array): unknown {
    const m = [null];
    this.check('cuModuleLoadData', this.f.cuModuleLoadData!(m, cubin));
    return m[0];
  }

  getFunction(module: unknown, name: string): unknown {
    const fn = [null];
    this.check(`cuModuleGetFunction(${name})`, this.f.cuModuleGetFunction!(fn, module, name));
    this.ours.add(BigInt(koffi.address(fn[0])));
    return fn[0];
  }

  /** Lets a kernel use up to `bytes` of dynamic shared memory (beyond the default 48 KiB). */
  allowSharedMemory(fn: unknown, name: string, bytes: number): void {
    this.check(`cuFuncSetAttribute(${name})`, this.f.cuFuncSetAttribute!(fn, 8, bytes)); // CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES
  }

  /**
   * A tensor map (cuTensorMapEncodeTiled) for the tensor memory accelerator: a row-major fp16 matrix of
   * `rows` x `cols` at device address `address`, read in boxes of `boxRows` rows by 64 columns into
   * shared memory in the 128-byte swizzled layout wgmma reads (a box row is its 128 bytes); rows past
   * the end read as zeros. Returns its 128 bytes, for a kernel to read from device memory.
   */
  tensorMapHalf(address: number, rows: number, cols: number, boxRows: number): Uint8Array {
    const raw = koffi.alloc('uint8_t', 192); // a CUtensorMap is 64-byte aligned
    try {
      const at = BigInt(koffi.address(raw)), pad = Number((64n - (at % 64n)) % 64n);
      const [dims, strides] = [new BigUint64Array([BigInt(cols), BigInt(rows)]), new BigUint64Array([BigInt(cols * 2)])];
      // FLOAT16, rank 2, no interleave, 128-byte swizzle, L2 promotion of 128 bytes, out of bounds read as zeros
      this.check('cuTensorMapEncodeTiled', this.f.cuTensorMapEncodeTiled!(at + BigInt(pad), 6, 2, address, dims, strides, new Uint32Array([64, boxRows]), new Uint32Array([1, 1]), 0, 3, 2, 0));
      return new Uint8Array(koffi.view(raw, 192), pad, 128).slice();
    } finally {
      koffi.free(raw);
    }
  }

  launch(fn: unknown, name: string, grid: number, block: number, kinds: readonly ArgKind[], args: readonly number[], sharedBytes = 0, gridY = 1, stream = this.stream): void {
    this.packArgs(name, kinds, args);
    this.enqueue(fn, name, grid, block, sharedBytes, gridY, stream);
    const c = this.captured;
    if (c && this.capturing && stream === this.stream && c.wanted(kinds, args)) c.launches.push({ node: this.lastNode(stream), fn: koffi.address(fn), name, grid, gridY, block, sharedBytes, kinds, args: [...args] });
  }

  /** The node the last operation captured on `stream` made. */
  private lastNode(stream: unknown): unknown {
    const { deps, count } = this.openNodes(stream);
    if (count !== 1) throw new Error(`cuda backend: a captured launch left ${count} open nodes, not one`);
    return koffi.decode(deps, 'void *');
  }

  /** The graph `stream` is being captured into, and the nodes what is captured next will depend on (the driver's array, and its length). */
  private openNodes(stream: unknown): { graph: unknown; deps: unknown; count: number } {
    const status = [0], id = [0], graph = [null], deps = [null], edges = [null], count = [0];
    this.check('cuStreamGetCaptureInfo', this.f.cuStreamGetCaptureInfo!(stream, status, id, graph, deps, edges, count));
    return { graph: graph[0], deps: deps[0], count: Number(count[0]) };
  }

  /** The arguments into the reusable slots (what argPtrs points at). */
  private packArgs(name: string, kinds: readonly ArgKind[], args: readonly number[]): void {
    if (args.length !== kinds.length) throw new Error(`${name}: ${args.length} arguments for ${kinds.length} parameters`);
    const v = this.slots;
    for (let i = 0; i < args.length; i++) {
      const k = kinds[i]!, a = args[i]!;
      if (k === 'i32') v.setInt32(8 * i, a, true);
      else if (k === 'f32') v.setFloat32(8 * i, a, true);
      else {
        // 64-bit values (device pointers, sizes) from a double, exact below 2^53
        v.setUint32(8 * i, a % 0x100000000, true);
        v.setUint32(8 * i + 4, Math.floor(a / 0x100000000), true);
      }
    }
  }

  private enqueue(fn: unknown, name: string, grid: number, block: number, sharedBytes: number, gridY: number, stream: unknown): void {
    if (!this.dependentLaunches || !this.capturing || this.branching || stream !== this.stream) {
      this.check(`launch ${name}`, this.f.cuLaunchKernel!(fn, grid, gridY, 1, block, 1, 1, sharedBytes, stream, this.argPtrs, null));
      return;
    }
    const c = this.config;
    [grid, gridY, 1, block, 1, 1, sharedBytes].forEach((d, i) => c.setUint32(4 * i, d, true));
    c.setBigUint64(CONFIG_STREAM, koffi.address(stream), true);
    this.check(`launch ${name}`, this.f.cuLaunchKernelEx!(this.launchConfig, fn, this.argPtrs, null));
  }
}
