// Replayable calls (Backend.replayable) as CUDA graphs. The first call of a key is captured: f runs
// against input buffers of the graph's own while the stream records (creating the GEMM and
// convolution plans on the way), every block handed out meanwhile becomes the graph's, and the
// graph is replayed, this call included. Results the graph computes are copied out of its buffers
// at each call (the next replay overwrites them). An eager first call, as before, made each
// edit run a sparse step eagerly with every plan new before recording it
// (bench/results/2026-11-30-edit-cuda-fp16-{host-tier-stream,capture-first}.json).
// A replay does not copy its inputs in: every kernel of ours that the recording launched with an
// address inside an input copy has its arguments set to the caller's tensor instead
// (cuGraphExecKernelNodeSetParams; libraries' nodes cannot be changed so, so while recording they read
// a copy made by a kernel of ours: CudaDevice.readable). Ops that write in place (Backend.overwriteRows,
// overwriteBlocks, convTilesInto: a FISEdit sparse step writing its layers into the base's buffers)
// so write into the caller's tensors, as they would run eagerly. Until session 20 such an input got,
// at each replay, a buffer of its own holding a copy of the caller's tensor (the new version's cache
// of the step: 644 MiB at 768 px, 0.3-0.8 ms of the step); the sparse steps now write into the
// base and keep the rows they displace (edit/lineage.ts). Those rows are results that only kernels
// of ours write and nothing in the call reads (output()): each replay gives them new buffers and
// points those kernels there, where other results are copied out of the graph's buffers. Results the
// call made by Backend.snapshot are copied on a branch of the graph as soon as they are final
// (copyOnBranch), also into new buffers at each replay.
import { Tensor } from '../../tensor/tensor.js';
import { recordedUnder, replayId } from '../backend.js';
import type { ArgKind, CapturedLaunch, Driver } from './driver.js';
import type { DeviceBuffer, MemoryPool } from './memory.js';
import type { HostCosts } from './host-costs.js';

type T = Tensor<DeviceBuffer>;
/** dst, src, bytes of one device copy. */
export type Copy = readonly [dst: number, src: number, bytes: number];

/** What the graphs need from the backend. */
export interface ReplayHost {
  readonly driver: Driver;
  readonly pool: MemoryPool;
  readonly elementBytes: number;
  /** A device tensor that outlives every scope (a graph's input buffer). */
  stage(shape: readonly number[]): T;
  /** f's tensors, kept past the scope f runs in. */
  keepAll(f: () => Tensor[]): T[];
  reshape(t: Tensor, shape: readonly number[]): Tensor;
  ptr(t: Tensor): number;
  /** Device copies in one launch. */
  copyMany(copies: readonly Copy[]): void;
  /** Counts a graph launch with the backend's launches. */
  launched(): void;
  /** While recording, ops choose what a graph runs best, and uploads are refused. */
  recording(on: boolean): void;
  /** Where a recording's host time is counted: in all, and the part spent queuing the call's ops (the rest ends the capture and instantiates the graph). */
  costs: HostCosts;
}

/** An argument of a captured launch that points into input copy `input`, at `offset` bytes, or at output buffer `output`. */
type Pointer = { arg: number; input: number; offset: number } | { arg: number; output: number };

interface Replay {
  exec: unknown;
  /** Where the exec's kernels point at each input now (set by the last replay; none before the first). */
  at: number[];
  /** The captured launches that read or write inputs or write output buffers, and where. */
  launches: { launch: CapturedLaunch; pointers: Pointer[] }[];
  /** Bytes of each output buffer (given anew at each replay). */
  outputBytes: number[];
  /**
   * Each result: a buffer the graph writes (copied out), which input it is (the caller's tensor) or
   * which output buffer (this replay's), in the result's shape.
   */
  results: (T | { input: number; shape: readonly number[] } | { output: number; shape: readonly number[] })[];
  blocks: Map<number, number>;
  /** Plan arrays the graph reads (memory of their own, freed when collected) and what its branch reads (aside): held as long as it lives. */
  held: Set<T>;
  /** Copy nodes on a branch of the graph (copyOnBranch), each re-pointed at its output buffer at every replay (its parameters read once). */
  branchCopies: { node: unknown; output: number; params: BigUint64Array }[];
}

/** A copy node copyOnBranch recorded, and the buffer it writes while recording. */
interface BranchCopy {
  node: unknown;
  buffer: DeviceBuffer;
}

/** One pointer argument's kind: inputPointers asked of a bare address (pointsIntoInput). */
const POINTER: readonly ArgKind[] = ['ptr'];

/**
 * For a launch argument (kind and value): which of the buffers (device address and bytes; not
 * overlapping) it points into, and that buffer's start, if any.
 */
export function inputPointers(buffers: readonly { ptr: number; bytes: number }[]): (kinds: readonly ArgKind[], a: number, arg: number) => { input: number; start: number } | undefined {
  const spans = buffers.map((b, input) => ({ input, start: b.ptr, end: b.ptr + b.bytes })).sort((a, b) => a.start - b.start);
  return (kinds, a, arg) => {
    if (kinds[arg] !== 'ptr' || !a) return undefined;
    let lo = 0, hi = spans.length - 1; // the last span starting at or before a
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (spans[mid]!.start <= a) lo = mid;
      else hi = mid - 1;
    }
    const s = spans[lo];
    return s && a >= s.start && a < s.end ? s : undefined;
  };
}

export class GraphReplays {
  /** Captured calls by key and input shapes. */
  private readonly replays = new Map<string, Replay>();
  /** Off: every call runs eagerly (for measuring what graphs save). */
  enabled = true;
  /** When set, replays are timed by phase (each phase synchronised). */
  phases: { copyInMs: number; graphMs: number; copyOutMs: number; calls: number } | undefined;

  /**
   * The input copies of the call being recorded, which of them a launch argument points into
   * (inputPointers), the plan arrays it reads, and its output buffers by address.
   */
  private recording: { staged: Set<DeviceBuffer>; pointsIn: ReturnType<typeof inputPointers>; held: Set<T>; outputs: Map<number, DeviceBuffer>; branchCopies: BranchCopy[] } | undefined;

  constructor(private readonly host: ReplayHost) {}

  /** Whether t is an input copy of the call being recorded. */
  isInput(t: Tensor): boolean {
    return !!this.recording?.staged.has(t.storage as DeviceBuffer);
  }

  /** Whether device address `a` is inside an input copy of the call being recorded (where a replay moves it). */
  pointsIntoInput(a: number): boolean {
    return this.recording?.pointsIn(POINTER, a, 0) !== undefined;
  }

  /**
   * While recording: t, which only kernels of ours write and nothing in the call reads after them, is
   * a result each replay gives a buffer of its own (those kernels pointed there), not one copied out
   * of the graph's buffers. A library call must not touch it (its nodes cannot be re-pointed).
   */
  output(t: T): void {
    this.recording?.outputs.set(t.storage.ptr, t.storage);
  }

  /**
   * While recording: `copy` (a tensor of src's size nothing else touches) is made a copy of src by a
   * copy node on a branch of the graph from this point on (Driver.forkCopy), and is a result each
   * replay gives a buffer of its own, the node re-pointed there: a recorded step's cache copied out
   * beside the rest of the step, not after it (k_copy_many, 0.37 ms of a 768 px dense step).
   */
  copyOnBranch(src: T, copy: T): void {
    const r = this.recording;
    if (!r) throw new Error('cuda backend: copyOnBranch while no call is being recorded');
    r.outputs.set(copy.storage.ptr, copy.storage);
    r.branchCopies.push({ node: this.host.driver.forkCopy(this.host.ptr(copy), this.host.ptr(src), src.size * this.host.elementBytes), buffer: copy.storage });
  }

  /** Keeps t (a plan array the call being recorded reads, or what its branch reads: CudaDevice.aside) alive with the recording. */
  hold(t: T): void {
    this.recording?.held.add(t);
  }

  /** `once`: record f afresh, replay it and forget it (the profiler's events are then nodes of this graph). */
  call(key: string, inputs: readonly Tensor[], f: (...inputs: Tensor[]) => Tensor[], once = false): Tensor[] {
    const id = replayId(key, inputs);
    if (!this.enabled) return f(...inputs);
    if (once) {
      const r = this.capture(`${id} once`, inputs, f);
      const results = this.replay(r, inputs);
      this.forget(`${id} once`);
      return results;
    }
    return this.replay(this.replays.get(id) ?? this.capture(id, inputs, f), inputs);
  }

  private replay(replay: Replay, inputs: readonly Tensor[]): Tensor[] {
    const h = this.host, phases = this.phases;
    const mark = phases ? () => (h.driver.synchronize(), performance.now()) : () => 0;
    const t0 = mark();
    const at = inputs.map((t) => h.ptr(t));
    const moved = at.map((a, i) => a !== replay.at[i]); // the exec keeps the arguments it was last given
    replay.at = at;
    const outputs = replay.outputBytes.map((bytes) => h.pool.alloc(bytes));
    for (const { node, output, params } of replay.branchCopies) h.driver.setCopyDestination(replay.exec, node, params, outputs[output]!.ptr);
    for (const { launch, pointers } of replay.launches) {
      if (!pointers.some((p) => ('output' in p ? true : moved[p.input]))) continue;
      const args = launch.args.slice();
      for (const p of pointers) args[p.arg] = 'output' in p ? outputs[p.output]!.ptr : at[p.input]! + p.offset;
      h.driver.setKernelArgs(replay.exec, launch, args);
    }
    const t1 = mark();
    h.driver.replay(replay.exec);
    h.launched();
    const t2 = mark();
    // one copy per buffer (results sharing a buffer keep sharing it)
    const copies = new Map<DeviceBuffer, DeviceBuffer>();
    const moves: Copy[] = [];
    const results = replay.results.map((o) => {
      if ('output' in o) return new Tensor(o.shape, outputs[o.output]!);
      if (!(o instanceof Tensor)) return h.reshape(inputs[o.input]!, o.shape);
      let c = copies.get(o.storage);
      if (!c) {
        copies.set(o.storage, (c = h.pool.alloc(o.storage.bytes)));
        moves.push([c.ptr, o.storage.ptr, o.storage.bytes]);
      }
      return new Tensor(o.shape, c);
    });
    h.copyMany(moves);
    if (phases) {
      const t3 = mark();
      phases.copyInMs += t1 - t0;
      phases.graphMs += t2 - t1;
      phases.copyOutMs += t3 - t2;
      phases.calls++;
    }
    return results;
  }

  /** Destroys the graphs of a key and gives their memory back. */
  forget(key: string): void {
    for (const [id, r] of this.replays) {
      if (!recordedUnder(id, key)) continue;
      this.replays.delete(id);
      this.host.driver.destroyGraph(r.exec);
      this.host.pool.unreserve(r.blocks);
    }
  }

  private capture(id: string, inputs: readonly Tensor[], f: (...inputs: Tensor[]) => Tensor[]): Replay {
    const h = this.host;
    const staged = inputs.map((t) => h.stage(t.shape));
    let results: T[] = [];
    let exec: unknown;
    const captured: CapturedLaunch[] = [];
    // the launches' arguments that point into input copies or at output buffers: set at each replay.
    // Output buffers are matched as each launch is queued (a block a temporary gave back mid-capture
    // may become an output later: earlier launches at its address are not the output's)
    const pointsIn = inputPointers(staged.map((t) => t.storage));
    const recording = (this.recording = { staged: new Set(staged.map((t) => t.storage)), pointsIn, held: new Set<T>(), outputs: new Map<number, DeviceBuffer>(), branchCopies: [] as BranchCopy[] });
    const outputArgs = new Map<number, { arg: number; buffer: DeviceBuffer }[]>();
    h.driver.captured = {
      launches: captured,
      wanted: (kinds, args) => {
        const hits = args.flatMap((a, arg) => {
          const buffer = kinds[arg] === 'ptr' ? recording.outputs.get(a) : undefined;
          return buffer ? [{ arg, buffer }] : [];
        });
        if (hits.length) outputArgs.set(captured.length, hits);
        return hits.length > 0 || args.some((a, arg) => pointsIn(kinds, a, arg));
      },
    };
    let blocks: Map<number, number>;
    try {
      blocks = h.pool.reserveDuring(() => {
        h.recording(true);
        try {
          // (an id names every input: its start says which call it is)
          const about = () => (id.length > 80 ? `${id.slice(0, 80)}…` : id);
          exec = h.costs.time('graph recording', () => h.driver.capture(() => {
            results = h.costs.time('graph recording: ops queued', () => h.keepAll(() => f(...staged)), about);
          }), about);
        } finally {
          h.recording(false);
          this.recording = undefined;
          h.driver.captured = undefined;
        }
      });
    } finally {
      // every node that touches an input copy is re-pointed at each replay (a library's reads go
      // through CudaDevice.readable's copy, a node of ours), so the copies themselves are not read
      // again: 644 MiB per FISEdit sparse graph at 768 px went unused for the graph's life (and a
      // failed capture gives them back too)
      for (const t of staged) h.pool.release(t.storage);
    }
    // results that are output buffers: given anew at each replay (the others' kernels keep the graph's buffer)
    const registered = new Set(recording.outputs.values());
    const outputBuffers = [...new Set(results.map((t) => t.storage).filter((b) => registered.has(b)))];
    const launches = captured.map((launch, i) => {
      const pointers: Pointer[] = [];
      launch.args.forEach((a, arg) => {
        const s = pointsIn(launch.kinds, a, arg);
        if (s) pointers.push({ arg, input: s.input, offset: a - s.start });
      });
      for (const { arg, buffer } of outputArgs.get(i) ?? []) {
        const output = outputBuffers.indexOf(buffer);
        if (output >= 0) pointers.push({ arg, output });
      }
      return { launch, pointers };
    });
    // a result that is an input is the caller's tensor
    const slots = results.map((t) => {
      const input = staged.findIndex((s) => s.storage === t.storage), output = outputBuffers.indexOf(t.storage);
      return input >= 0 ? { input, shape: t.shape } : output >= 0 ? { output, shape: t.shape } : t;
    });
    // a branch copy whose tensor is no result keeps the graph's buffer
    const branchCopies = recording.branchCopies.map(({ node, buffer }) => ({ node, output: outputBuffers.indexOf(buffer) }))
      .filter((c) => c.output >= 0).map((c) => ({ ...c, params: h.driver.copyNodeParams(c.node) }));
    const r: Replay = { exec, at: [], launches, outputBytes: outputBuffers.map((b) => b.bytes), results: slots, blocks, held: recording.held, branchCopies };
    this.replays.set(id, r);
    return r;
  }
}
