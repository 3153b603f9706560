// The FISEdit cache of one generation: for every denoising step, what sparse steps of a later edit
// read outside the edited region. Tensors are not changed in place except by a sparse step, which
// writes its layers into the base's buffers (Backend.overwriteRows / overwriteBlocks) and keeps what
// it displaced there: a version built by an edit shares its sparse steps' buffers with its parent,
// and which of the two the buffers hold is edit/lineage.ts's business.
import type { Backend, ChannelAffine, HostBytes, Placement, Prefetched, Swap } from '../backend/backend.js';
import type { Latent } from '../backend/latents.js';
import { toFloat32 } from '../tensor/dtype.js';
import { Tensor, sameShape } from '../tensor/tensor.js';

/** A layer a sparse step wrote into in place: the layer (in the shape the write took), what it held at the written places before, and where. */
export interface Displaced {
  layer: Tensor;
  rows: Tensor;
  write: Placement;
}

/**
 * Exchanges displaced rows with what their layers hold at their places, in one op (Backend.swapEach):
 * undoes the sparse steps' writes, or redoes them; the rows then hold what exchanging again restores.
 * No buffer is made or given back.
 */
export function swapBack(ops: Backend, displaced: Iterable<Displaced>): void {
  const swaps: Swap[] = [];
  for (const d of displaced) swaps.push({ base: d.layer, rows: d.rows, at: d.write });
  ops.swapEach(swaps);
}

/** Undoes what a step wrote into its base in place, giving back the rows (a step of an edit that failed, or of a rehearsal). */
export function undoWrites(ops: Backend, step: StepCache): void {
  swapBack(ops, step.displaced.values());
  for (const d of step.displaced.values()) ops.dispose(d.rows);
  step.displaced.clear();
}

/** Gives back the displaced rows of a step without undoing them (the base's own copy is elsewhere: an edit streaming it from host memory). */
export function forgetWrites(ops: Backend, step: StepCache): void {
  for (const d of step.displaced.values()) ops.dispose(d.rows);
  step.displaced.clear();
}

/** A GroupNorm's recorded statistics. */
export type NormRecord = ChannelAffine & { sums?: Tensor };

/** Calls f with each tensor of a norm record. */
export function eachNormTensor(a: NormRecord, f: (t: Tensor) => void): void {
  f(a.scale);
  f(a.shift);
  if (a.sums) f(a.sums);
}

export class StepCache {
  /** Layer outputs by layer name: convolutions, proj_out tokens, self-attention "<name>.k"/"<name>.v". */
  readonly tensors = new Map<string, Tensor>();
  /**
   * GroupNorm scale and shift per (batch item, channel) by norm name (what the `cached` option
   * reuses), with the sums they came from (what the `exact` option updates; absent where a step
   * took the base's statistics).
   */
  readonly norms = new Map<string, NormRecord>();
  /** Cross-attention probabilities of the conditional item [1, heads, L, 77], first k steps only. */
  readonly probs = new Map<string, Tensor>();
  /**
   * What a sparse step displaced where it wrote into its base's layers in place, by layer (not among
   * allTensors: an edit that is kept hands them to its session's Lineage, one that is not undoes them).
   */
  readonly displaced = new Map<string, Displaced>();
  /** The latents this step started from, channels-last [h, w, C] (the backend's latents). */
  latents: Latent = new Float32Array(0);
  /** The scheduler's history (earlier model outputs) before this step. */
  history: Latent[] = [];

  /** A cache of this step's cross-attention probabilities only (what cross-attention control reads). */
  probabilitiesOnly(): StepCache {
    const c = new StepCache();
    for (const [k, t] of this.probs) c.probs.set(k, t);
    return c;
  }

  /** Every device tensor of the step (activations, probabilities, norm affines and sums). */
  allTensors(): Tensor[] {
    const all: Tensor[] = [];
    this.eachTensor((t) => all.push(t));
    return all;
  }

  /** Calls f with each of allTensors(), without making the array (a release walks every version's). */
  eachTensor(f: (t: Tensor) => void): void {
    for (const t of this.tensors.values()) f(t);
    for (const t of this.probs.values()) f(t);
    for (const n of this.norms.values()) eachNormTensor(n, f);
  }

  get(name: string): Tensor {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`cache has no activation "${name}" for this step (was the generation recorded with the same model and size?)`);
    return t;
  }
}

/** Caches checkStepsApart passed: a cache's buffers stay its steps' own (edits write values, not buffers). */
const apart = new WeakSet<GenerationCache>();

/**
 * Throws unless each buffer of the cache's activations and probabilities belongs to one step: a
 * sparse step writes its base's step in place, so a buffer two steps shared would change both.
 * Checked once per cache (3-9 ms of host time at 768 px, 50 steps, before an edit's first step).
 */
export function checkStepsApart(cache: GenerationCache): void {
  if (apart.has(cache)) return;
  const stepOf = new Map<unknown, number>();
  cache.steps.forEach((s, i) => {
    for (const t of [...s.tensors.values(), ...s.probs.values()]) {
      const key = t.storage ?? t;
      const j = stepOf.get(key);
      if (j !== undefined && j !== i) throw new Error(`cache steps ${j} and ${i} share a buffer: a sparse step writing one would change the other`);
      stepOf.set(key, i);
    }
  });
  apart.add(cache);
}

export interface CacheBytes {
  activations: number;
  norms: number;
  probs: number;
  latents: number;
  total: number;
  steps: number;
  perStep: number;
}

export class GenerationCache {
  readonly steps: StepCache[] = [];
  /** The latents after the last step. */
  final: Latent = new Float32Array(0);

  /** Bytes held, counting a buffer shared by several steps or versions once per call (`seen` shares the count). */
  bytes(ops: { readonly elementBytes: number }, seen = new Set<unknown>()): CacheBytes {
    const b = { activations: 0, norms: 0, probs: 0, latents: 0 };
    const tensorBytes = (t: Tensor) => {
      const key = t.storage ?? t; // shape-only tensors (the counting backend) have no storage to share
      if (seen.has(key)) return 0;
      seen.add(key);
      return t.size * ops.elementBytes;
    };
    for (const s of this.steps) {
      for (const t of s.tensors.values()) b.activations += tensorBytes(t);
      for (const t of s.probs.values()) b.probs += tensorBytes(t);
      for (const n of s.norms.values()) eachNormTensor(n, (t) => (b.norms += tensorBytes(t)));
      b.latents += 4 * (s.latents.length + s.history.reduce((a, h) => a + h.length, 0));
    }
    b.latents += 4 * this.final.length;
    const total = b.activations + b.norms + b.probs + b.latents;
    return { ...b, total, steps: this.steps.length, perStep: this.steps.length ? Math.round(total / this.steps.length) : 0 };
  }
}

/**
 * A function that moves each storage once (in the shape first met) and gives the others sharing it
 * a reshaped view: buffers shared between steps stay shared.
 */
function movingOnce(move: (t: Tensor) => Tensor, reshape: (t: Tensor, shape: readonly number[]) => Tensor): (t: Tensor) => Tensor {
  const moved = new Map<unknown, Tensor>();
  return (t) => {
    const key = t.storage ?? t;
    let m = moved.get(key);
    if (!m) moved.set(key, (m = move(t)));
    return sameShape(m.shape, t.shape) ? m : reshape(m, t.shape);
  };
}

/** What a step of an edit reads of its base step: everything (sparse), probabilities (dense, with cross-attention control) or nothing. */
export type StepNeeds = 'all' | 'probs' | 'none';

/** The step with the tensors it needs moved by `move`; the latents and history are shared (they stay with the backend's latents). */
function mapStep(s: StepCache, move: (t: Tensor) => Tensor, needs: StepNeeds = 'all'): StepCache {
  const r = new StepCache();
  if (needs === 'all') {
    for (const [k, t] of s.tensors) r.tensors.set(k, move(t));
    for (const [k, a] of s.norms) r.norms.set(k, { scale: move(a.scale), shift: move(a.shift), ...(a.sums && { sums: move(a.sums) }) });
  }
  if (needs !== 'none') for (const [k, t] of s.probs) r.probs.set(k, move(t));
  r.latents = s.latents;
  r.history = s.history;
  return r;
}

/** The same cache with every tensor moved by `move` (between the device and host tiers). */
function mapCache(cache: GenerationCache, move: (t: Tensor) => Tensor): GenerationCache {
  const out = new GenerationCache();
  for (const s of cache.steps) out.steps.push(mapStep(s, move));
  out.final = cache.final;
  return out;
}

/** Host memory is taken from the backend in chunks of this size (one driver call each, not one per tensor). */
const HOST_CHUNK_BYTES = 256 * 2 ** 20;

/** Pieces of larger host buffers; a piece over a quarter chunk gets a buffer of its own. */
class HostArena {
  private chunk: Uint8Array = new Uint8Array(0);
  private used = 0;

  constructor(private readonly alloc: (bytes: number) => Uint8Array) {}

  take(bytes: number): Uint8Array {
    if (bytes > HOST_CHUNK_BYTES / 4) return this.alloc(bytes);
    let at = Math.ceil(this.used / 256) * 256; // aligned for the copy engines
    if (at + bytes > this.chunk.byteLength) {
      this.chunk = this.alloc(HOST_CHUNK_BYTES);
      at = 0;
    }
    this.used = at + bytes;
    return this.chunk.subarray(at, at + bytes);
  }
}

/**
 * Host memory as a cache tier. Tensors keep the bytes the device stores (fp16 stays fp16, half the
 * memory of float32) in the backend's host buffers (page-locked on the cuda backend) and come back
 * to the device bit for bit: all at once (restore) or step by step while an edit runs (stream);
 * toHost reads them as float32 (for writing a cache to disk). The latents and scheduler history stay
 * with the backend's latents (on the cuda backend ~0.45 MB a step at 768 px, against 633 MiB of
 * activations): an edit streaming the cache reads them there, with no copy in its loop.
 */
export class HostTier {
  readonly elementBytes: number;

  constructor(private readonly device: Backend) {
    this.elementBytes = device.elementBytes;
  }

  /** The device cache, copied to host memory. */
  store(cache: GenerationCache): GenerationCache {
    const arena = new HostArena((n) => this.device.hostBuffer(n));
    const copy = (t: Tensor) => new Tensor(t.shape, this.device.toBytes(t, arena.take(t.size * this.elementBytes)));
    return mapCache(cache, movingOnce(copy, (t, shape) => new Tensor(shape, t.storage)));
  }

  /** A stored cache, back on the device. */
  restore(cache: GenerationCache): GenerationCache {
    const ops = this.device;
    return mapCache(cache, movingOnce((t) => ops.keep(ops.fromBytes(t.storage as Uint8Array, t.shape)), (t, shape) => ops.reshape(t, shape)));
  }

  /** A stored cache, read by an edit step by step (StreamedSteps). */
  stream(cache: GenerationCache, needs: (step: number) => StepNeeds): StreamedSteps {
    return new StreamedSteps(this.device, cache, needs);
  }

  toHost(t: Tensor): Float32Array {
    return toFloat32(this.elementBytes === 2 ? 'F16' : 'F32', t.storage as Uint8Array);
  }

  /** The stored bytes (as the device's toBytes gave them). */
  toBytes(t: Tensor): Uint8Array {
    return t.storage as Uint8Array;
  }
}

/** A step on the device whose copies may still be coming. */
interface Fetched {
  step: number;
  cache: StepCache;
  copies: Prefetched;
}

/**
 * A host-tier cache as an edit reads it: the tensors of step i + 1 go to the device while step i
 * computes (Backend.prefetch: on the cuda backend a copy stream and events, the host never waits),
 * and those of step i leave the device when it is done, unless the new version keeps them. The
 * device holds two steps of the base at a time instead of all of them.
 */
export class StreamedSteps {
  private ahead: Fetched | undefined;
  private current: Fetched | undefined;

  constructor(private readonly ops: Backend, private readonly cache: GenerationCache, private readonly needs: (step: number) => StepNeeds) {}

  /** Step i on the device, for i = 0, 1, 2, ... in turn (call done() after each); step i + 1 starts coming. */
  at(i: number): StepCache {
    const now = this.ahead?.step === i ? this.ahead : this.fetch(i);
    now.copies.ready();
    this.current = now;
    this.ahead = i + 1 < this.cache.steps.length ? this.fetch(i + 1) : undefined;
    return now.cache;
  }

  /** Gives back the device memory of the current step, except the buffers `kept` (the new version's step) holds. */
  done(kept: StepCache): void {
    const c = this.current;
    if (!c) return;
    this.current = undefined;
    const held = new Set(kept.allTensors().map((t) => t.storage));
    for (const t of c.copies.tensors) if (!held.has(t.storage)) this.ops.dispose(t);
  }

  private fetch(i: number): Fetched {
    const host = this.cache.steps[i];
    if (!host) throw new Error(`step ${i} is not in the cache (${this.cache.steps.length} steps)`);
    const needs = this.needs(i);
    // each storage once (tensors of a step may share one); the step's tensors then view the copies
    const items: HostBytes[] = [];
    const slot = new Map<unknown, number>();
    for (const t of mapStep(host, (t) => t, needs).allTensors()) {
      if (slot.has(t.storage)) continue;
      slot.set(t.storage, items.length);
      items.push({ bytes: t.storage as Uint8Array, shape: t.shape });
    }
    const copies = this.ops.prefetch(items);
    const onDevice = (t: Tensor) => {
      const c = copies.tensors[slot.get(t.storage)!]!;
      return sameShape(c.shape, t.shape) ? c : this.ops.reshape(c, t.shape);
    };
    return { step: i, cache: mapStep(host, onDevice, needs), copies };
  }
}
