// Replayable calls (Backend.replayable) as CUDA graphs. The first call of a key is captured: f runs
// against input buffers of the graph's own while the stream records (creating the GEMM and
// convolution plans on the way), every block handed out meanwhile becomes the graph's, and the
// graph is replayed, this call included. Each call copies its inputs into the graph's buffers and its
// results out of them (the next replay overwrites them). An eager first call, as before, made each
// edit run a sparse step eagerly with every plan new before recording it
// (bench/results/2026-11-30-edit-cuda-fp16-{host-tier-stream,capture-first}.json).
// Since every replay copies its inputs in afresh, the graph may write into its input copies (a
// scatter into a base map needs no second copy); such a copy then comes out as a result.
import { Tensor } from '../../tensor/tensor.js';
import { recordedUnder, replayId } from '../backend.js';
import type { Driver } from './driver.js';
import type { DeviceBuffer, MemoryPool } from './memory.js';

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
}

interface Replay {
  exec: unknown;
  inputs: T[];
  /** Each result: a buffer the graph writes, or which input it is (in the result's shape). */
  outputs: (T | { input: number; shape: readonly number[] })[];
  blocks: Map<number, number>;
  /** Plan arrays the graph reads (memory of their own, freed when collected): held as long as it lives. */
  held: Set<T>;
}

export class GraphReplays {
  /** Captured calls by key and input shapes. */
  private readonly replays = new Map<string, Replay>();
  /** Off: every call runs eagerly (for measuring what graphs save). */
  enabled = true;
  /** When set, replays are timed by phase (each phase synchronised). */
  phases: { copyInMs: number; graphMs: number; copyOutMs: number; calls: number } | undefined;

  /** The input copies of the call being recorded, those it has written into, and the plan arrays it reads. */
  private recording: { staged: Set<DeviceBuffer>; written: Set<DeviceBuffer>; held: Set<T> } | undefined;

  constructor(private readonly host: ReplayHost) {}

  /**
   * Whether an op may write into t in place: t is an input copy of the call being recorded (never
   * the caller's tensor). It is then marked written, so the call returns its contents.
   */
  overwritable(t: Tensor): boolean {
    const r = this.recording, buf = t.storage as DeviceBuffer;
    if (!r?.staged.has(buf)) return false;
    r.written.add(buf);
    return true;
  }

  /** Keeps t (a plan array the call being recorded reads) alive with the recording. */
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
    h.copyMany(inputs.map((t, i) => [replay.inputs[i]!.storage.ptr, h.ptr(t), t.size * h.elementBytes]));
    const t1 = mark();
    h.driver.replay(replay.exec);
    h.launched();
    const t2 = mark();
    // one copy per buffer (results sharing a buffer keep sharing it)
    const copies = new Map<DeviceBuffer, DeviceBuffer>();
    const moves: Copy[] = [];
    const results = replay.outputs.map((o) => {
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
      for (const t of r.inputs) this.host.pool.release(t.storage);
    }
  }

  private capture(id: string, inputs: readonly Tensor[], f: (...inputs: Tensor[]) => Tensor[]): Replay {
    const h = this.host;
    const staged = inputs.map((t) => h.stage(t.shape));
    let results: T[] = [];
    let exec: unknown;
    const recording = (this.recording = { staged: new Set(staged.map((t) => t.storage)), written: new Set<DeviceBuffer>(), held: new Set<T>() });
    const blocks = h.pool.reserveDuring(() => {
      h.recording(true);
      try {
        exec = h.driver.capture(() => {
          results = h.keepAll(() => f(...staged));
        });
      } finally {
        h.recording(false);
        this.recording = undefined;
      }
    });
    // an input passed through unchanged is the caller's tensor; one written into comes out of the graph
    const outputs = results.map((t) => {
      const input = staged.findIndex((s) => s.storage === t.storage);
      return input >= 0 && !recording.written.has(t.storage) ? { input, shape: t.shape } : t;
    });
    const r: Replay = { exec, inputs: staged, outputs, blocks, held: recording.held };
    this.replays.set(id, r);
    return r;
  }
}
