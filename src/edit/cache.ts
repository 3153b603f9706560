// The FISEdit cache of one generation: for every denoising step, what sparse steps of a later edit
// read outside the edited region. Tensors are never changed in place (every op returns a new one),
// so a version built by an edit shares every buffer its edit did not touch with its parent.
import type { Backend, ChannelAffine } from '../backend/backend.js';
import { toFloat32 } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

export class StepCache {
  /** Layer outputs by layer name: convolutions, proj_out tokens, self-attention "<name>.k"/"<name>.v". */
  readonly tensors = new Map<string, Tensor>();
  /** GroupNorm scale and shift per (batch item, channel) by norm name (what the `cached` option reuses). */
  readonly norms = new Map<string, ChannelAffine>();
  /** Cross-attention probabilities of the conditional item [1, heads, L, 77], first k steps only. */
  readonly probs = new Map<string, Tensor>();
  /** The latents this step started from, channels-last [h, w, C]. */
  latents: Float32Array = new Float32Array(0);
  /** The scheduler's history (earlier model outputs) before this step. */
  history: Float32Array[] = [];

  /** A cache of this step's cross-attention probabilities only (what cross-attention control reads). */
  probabilitiesOnly(): StepCache {
    const c = new StepCache();
    for (const [k, t] of this.probs) c.probs.set(k, t);
    return c;
  }

  get(name: string): Tensor {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`cache has no activation "${name}" for this step (was the generation recorded with the same model and size?)`);
    return t;
  }
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
  final: Float32Array = new Float32Array(0);

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
      for (const n of s.norms.values()) b.norms += tensorBytes(n.scale) + tensorBytes(n.shift);
      b.latents += s.latents.byteLength + s.history.reduce((a, h) => a + h.byteLength, 0);
    }
    b.latents += this.final.byteLength;
    const total = b.activations + b.norms + b.probs + b.latents;
    return { ...b, total, steps: this.steps.length, perStep: this.steps.length ? Math.round(total / this.steps.length) : 0 };
  }
}

/**
 * The same cache with every tensor moved by `move` (between the device and host tiers), buffers
 * shared between steps staying shared: each storage is moved once, in the shape first met.
 */
function mapCache(cache: GenerationCache, move: (t: Tensor) => Tensor, reshape: (t: Tensor, shape: readonly number[]) => Tensor): GenerationCache {
  const moved = new Map<unknown, Tensor>();
  const once = (t: Tensor): Tensor => {
    const key = t.storage ?? t;
    let m = moved.get(key);
    if (!m) moved.set(key, (m = move(t)));
    return m.shape === t.shape ? m : reshape(m, t.shape);
  };
  const out = new GenerationCache();
  for (const s of cache.steps) {
    const r = new StepCache();
    for (const [k, t] of s.tensors) r.tensors.set(k, once(t));
    for (const [k, t] of s.probs) r.probs.set(k, once(t));
    for (const [k, a] of s.norms) r.norms.set(k, { scale: once(a.scale), shift: once(a.shift) });
    r.latents = s.latents;
    r.history = s.history;
    out.steps.push(r);
  }
  out.final = cache.final;
  return out;
}

/**
 * Host memory as a cache tier. Tensors keep the bytes the device stores (fp16 stays fp16, half the
 * memory of float32) and come back to the device bit for bit; toHost reads them as float32 (for
 * writing a cache to disk).
 */
export class HostTier {
  readonly elementBytes: number;

  constructor(private readonly device: Backend) {
    this.elementBytes = device.elementBytes;
  }

  /** The device cache, copied to host memory. */
  store(cache: GenerationCache): GenerationCache {
    return mapCache(cache, (t) => new Tensor(t.shape, this.device.toBytes(t)), (t, shape) => new Tensor(shape, t.storage));
  }

  /** A stored cache, back on the device. */
  restore(cache: GenerationCache): GenerationCache {
    const ops = this.device;
    return mapCache(cache, (t) => ops.keep(ops.fromBytes(t.storage as Uint8Array, t.shape)), (t, shape) => ops.reshape(t, shape));
  }

  toHost(t: Tensor): Float32Array {
    return toFloat32(this.elementBytes === 2 ? 'F16' : 'F32', t.storage as Uint8Array);
  }
}
