// The sampling loop's vectors: latents, a scheduler's history of model outputs, FISEdit's difference
// maps. Always float32 (fp16 latents drift over 50 steps), and kept where the backend computes: host
// arrays on the cpu backend, device memory on the cuda backend, so that a step's scheduler update,
// guidance and mask merge queue behind the U-Net call instead of waiting for it on the host.
import type { Tensor } from '../tensor/tensor.js';
import { FiseditError } from '../io/errors.js';
import { differenceLevels, levelCounts, openedMask } from './mask-levels.js';

/** A float32 vector of some LatentMath's (opaque). Never changed once made: every op returns a new one. */
export interface Latent {
  readonly length: number;
}

/** One term c * v of a linear combination. */
export type Term = readonly [coefficient: number, vector: Latent];

/** Most terms one combine takes (the cuda kernel's fixed arity). */
export const MAX_TERMS = 4;

/** What schedulers compute with. */
export interface LatentMath {
  fromHost(x: Float32Array): Latent;
  /** The values on the host (on the cuda backend this waits for the work that makes them). */
  toHost(x: Latent): Float32Array;
  /** Sum of c * v over 1 to MAX_TERMS terms of equal length, each element rounded to float32 once. */
  combine(terms: readonly Term[]): Latent;
  /** x clamped to [-r, r]. */
  clamp(x: Latent, r: number): Latent;
}

/** What the pipelines and the editor add: the U-Net's way in and out, and FISEdit's per-pixel work. */
export interface LatentOps extends LatentMath {
  /**
   * The U-Net's sample: `copies` batch items of scale * x, [copies, ...shape] in the backend's
   * storage (a classifier-free-guided step runs the unconditional and conditional items together).
   */
  sample(x: Latent, shape: readonly number[], copies: number, scale: number): Tensor;
  /** The model output of a step: uncond + g * (cond - uncond) from a batch of two, else the one item. */
  guide(out: Tensor, g: number): Latent;
  /** base with x's values at the pixels `mask` marks (channels-last vectors, one mask entry per pixel). */
  where(mask: Uint8Array, x: Latent, base: Latent): Latent;
  /** Per pixel, the sum over channels of |a - b| (channels-last) -> one value per pixel. */
  channelAbsDiff(a: Latent, b: Latent, channels: number): Latent;

  // FISEdit's automatic mask where the difference maps are (edit/mask.ts has the recipe,
  // backend/mask-levels.ts the arithmetic every backend follows bit for bit)
  /** Each map min-max normalised, summed in order, the sum min-max normalised to levels 0..255 (rounded half up). */
  differenceLevels(diffs: readonly Latent[]): Latent;
  /** How many positions have each level 0..255 (on the host). */
  levelCounts(levels: Latent): Float64Array;
  /** The positions whose level `keep` marks (256 entries), opened with a 2x2 square: the h x w mask, on the host. */
  openedMask(levels: Latent, keep: Uint8Array, h: number, w: number): Uint8Array;
}

/** Throws unless there are difference maps, all of one length. */
export function checkDifferenceMaps(maps: readonly Latent[]): void {
  if (maps.length === 0) throw new FiseditError('differenceLevels: no difference maps (the automatic mask needs at least one dense step, k >= 1)');
  const pixels = maps[0]!.length;
  for (const m of maps) if (m.length !== pixels) throw new FiseditError(`differenceLevels: maps of ${pixels} and ${m.length} values`);
}

/** Throws unless levels has h x w values and keep one flag per level (256). */
export function checkOpenedMask(levels: Latent, keep: Uint8Array, h: number, w: number): void {
  if (levels.length !== h * w) throw new FiseditError(`openedMask: ${levels.length} levels for a ${h}x${w} mask`);
  if (keep.length !== 256) throw new FiseditError(`openedMask: ${keep.length} level flags (256 expected)`);
}

export function checkTerms(terms: readonly Term[]): number {
  if (terms.length < 1 || terms.length > MAX_TERMS) throw new Error(`combine: ${terms.length} terms (1 to ${MAX_TERMS})`);
  const n = terms[0]![1].length;
  for (const [, v] of terms) if (v.length !== n) throw new Error(`combine: vectors of ${n} and ${v.length} values`);
  return n;
}

export function checkSameLength(what: string, a: Latent, b: Latent): void {
  if (a.length !== b.length) throw new FiseditError(`${what}: vectors of ${a.length} and ${b.length} values`);
}

/** Values per pixel of x under a per-pixel mask (where); an error when they do not divide. */
export function pixelChannels(mask: Uint8Array, x: Latent, base: Latent): number {
  checkSameLength('where', x, base);
  const c = x.length / mask.length;
  if (!Number.isInteger(c)) throw new FiseditError(`where: a mask of ${mask.length} pixels for ${x.length} values`);
  return c;
}

/** The batch of a model output guide() takes: 1 (no guidance) or 2 (unconditional, conditional). */
export function guidedItems(out: Tensor): 1 | 2 {
  const items = out.shape[0]!;
  if (items !== 1 && items !== 2) throw new Error(`guide: a batch of ${items} (1 or 2 expected)`);
  return items;
}

const host = (x: Latent): Float32Array => {
  if (!(x instanceof Float32Array)) throw new Error('latent does not belong to the host (a host array was expected)');
  return x;
};

/** Latent math on host arrays (float64 arithmetic, float32 results): what schedulers use by default. */
export const hostLatentMath: LatentMath = {
  fromHost: (x) => x,
  toHost: (x) => host(x),
  combine(terms) {
    const n = checkTerms(terms);
    const vs = terms.map(([c, v]) => [c, host(v)] as const);
    const out = new Float32Array(n);
    // the sum in float64, rounded once when stored
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (const [c, v] of vs) s += c * v[i]!;
      out[i] = s;
    }
    return out;
  },
  clamp(x, r) {
    const a = host(x), out = new Float32Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = Math.min(r, Math.max(-r, a[i]!));
    return out;
  },
};

/** Latents as host arrays beside a backend's tensors (the cpu backend, the counting backend). */
export class HostLatents implements LatentOps {
  readonly fromHost = hostLatentMath.fromHost;
  readonly toHost = hostLatentMath.toHost;
  readonly combine = hostLatentMath.combine;
  readonly clamp = hostLatentMath.clamp;

  constructor(private readonly tensors: { fromHost(d: Float32Array, shape: readonly number[]): Tensor; toHost(t: Tensor): Float32Array }) {}

  sample(x: Latent, shape: readonly number[], copies: number, scale: number): Tensor {
    const a = host(x), batch = new Float32Array(a.length * copies);
    const scaled = scale === 1 ? a : a.map((v) => v * scale);
    for (let k = 0; k < copies; k++) batch.set(scaled, k * a.length);
    return this.tensors.fromHost(batch, [copies, ...shape]);
  }

  guide(out: Tensor, g: number): Latent {
    const items = guidedItems(out);
    const y = this.tensors.toHost(out);
    if (items === 1) return y;
    const n = y.length / 2, guided = new Float32Array(n);
    for (let k = 0; k < n; k++) guided[k] = y[k]! + g * (y[n + k]! - y[k]!);
    return guided;
  }

  where(mask: Uint8Array, x: Latent, base: Latent): Latent {
    const a = host(x), b = host(base), c = pixelChannels(mask, a, b);
    const out = b.slice();
    for (let p = 0; p < mask.length; p++) if (mask[p]) for (let k = p * c; k < (p + 1) * c; k++) out[k] = a[k]!;
    return out;
  }

  differenceLevels(diffs: readonly Latent[]): Latent {
    checkDifferenceMaps(diffs);
    return differenceLevels(diffs.map(host));
  }

  levelCounts(levels: Latent): Float64Array {
    return levelCounts(host(levels));
  }

  openedMask(levels: Latent, keep: Uint8Array, h: number, w: number): Uint8Array {
    checkOpenedMask(levels, keep, h, w);
    return openedMask(host(levels), keep, h, w);
  }

  channelAbsDiff(a: Latent, b: Latent, channels: number): Latent {
    const x = host(a), y = host(b);
    checkSameLength('channelAbsDiff', x, y);
    const out = new Float32Array(x.length / channels);
    for (let p = 0, i = 0; p < out.length; p++) {
      let d = 0;
      for (let k = 0; k < channels; k++, i++) d += Math.abs(x[i]! - y[i]!);
      out[p] = d;
    }
    return out;
  }
}
