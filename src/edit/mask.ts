// The automatic edit mask (FISEdit's recipe) and the checks on masks a user gives.
//  1. After each of the first k steps of the edit, D_i = sum over channels |z_new - z_orig|
//     (LatentOps.channelAbsDiff, where the backend keeps the latents).
//  2. Min-max normalise each D_i, add them up, min-max normalise the sum, scale to 0..255.
//  3. Threshold: Otsu's method (on > t), or, for a target edit size, histogram-equalise and cut
//     at a fixed level.
//  4. Morphological opening with a 2x2 square (erode, then dilate): specks smaller than 2x2 go.
import { FiseditError } from '../io/errors.js';

export type Threshold = 'otsu' | { targetSize: number };

/** (x - min) / (max - min), all zeros when the map is constant. */
export function minMax(x: Float32Array | Float64Array): Float64Array {
  let lo = Infinity, hi = -Infinity;
  for (const v of x) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = hi - lo, out = new Float64Array(x.length);
  if (range > 0) for (let i = 0; i < x.length; i++) out[i] = (x[i]! - lo) / range;
  return out;
}

/** The summed, normalised difference maps as 8-bit levels. */
export function differenceLevels(diffs: readonly (Float32Array | Float64Array)[]): Uint8Array {
  if (diffs.length === 0) throw new FiseditError('the automatic mask needs at least one dense step (k >= 1)');
  const sum = new Float64Array(diffs[0]!.length);
  for (const d of diffs) {
    const n = minMax(d);
    for (let i = 0; i < sum.length; i++) sum[i] += n[i]!;
  }
  const norm = minMax(sum), levels = new Uint8Array(sum.length);
  for (let i = 0; i < levels.length; i++) levels[i] = Math.round(norm[i]! * 255);
  return levels;
}

/** Otsu's threshold of 8-bit levels: the t maximising the between-class variance of (<= t, > t). */
export function otsu(levels: Uint8Array): number {
  const hist = new Float64Array(256);
  for (const v of levels) hist[v]++;
  const total = levels.length;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) sumAll += i * hist[i]!;
  let w0 = 0, sum0 = 0, best = 0, bestVar = -1;
  for (let t = 0; t < 256; t++) {
    w0 += hist[t]!;
    if (w0 === 0) continue;
    const w1 = total - w0;
    if (w1 === 0) break;
    sum0 += t * hist[t]!;
    const m0 = sum0 / w0, m1 = (sumAll - sum0) / w1;
    const between = w0 * w1 * (m0 - m1) ** 2;
    if (between > bestVar) {
      bestVar = between;
      best = t;
    }
  }
  return best;
}

/** Histogram equalisation, then the level that leaves about `target` of the pixels above it. */
export function equalisedThreshold(levels: Uint8Array, target: number): Uint8Array {
  if (!(target > 0 && target < 1)) throw new FiseditError(`target edit size must be between 0 and 1, got ${target}`);
  const hist = new Float64Array(256);
  for (const v of levels) hist[v]++;
  const cdf = new Float64Array(256);
  let acc = 0;
  for (let i = 0; i < 256; i++) cdf[i] = acc += hist[i]!;
  const eq = Uint8Array.from(levels, (v) => Math.round((cdf[v]! / levels.length) * 255));
  const cut = Math.round((1 - target) * 255);
  return Uint8Array.from(eq, (v) => (v > cut ? 1 : 0));
}

/** Opening with a 2x2 square: the union of every 2x2 square that lies inside the mask. */
export function open2x2(mask: Uint8Array, h: number, w: number): Uint8Array {
  const eroded = new Uint8Array(h * w); // eroded[y, x] = the square with top-left (y, x) is inside
  for (let y = 0; y + 1 < h; y++)
    for (let x = 0; x + 1 < w; x++)
      eroded[y * w + x] = mask[y * w + x]! & mask[y * w + x + 1]! & mask[(y + 1) * w + x]! & mask[(y + 1) * w + x + 1]!;
  // a pixel is kept when one of the (up to four) squares covering it is inside
  const out = new Uint8Array(h * w);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      out[p] = eroded[p]! | (y > 0 ? eroded[p - w]! : 0) | (x > 0 ? eroded[p - 1]! : 0) | (y > 0 && x > 0 ? eroded[p - w - 1]! : 0);
    }
  return out;
}

/** The whole recipe: difference maps of the first k steps -> a binary latent mask. */
export function automaticMask(diffs: readonly (Float32Array | Float64Array)[], h: number, w: number, threshold: Threshold = 'otsu'): Uint8Array {
  const levels = differenceLevels(diffs);
  let mask: Uint8Array;
  if (threshold === 'otsu') {
    const t = otsu(levels);
    mask = new Uint8Array(levels.length);
    for (let i = 0; i < levels.length; i++) mask[i] = levels[i]! > t ? 1 : 0;
  } else mask = equalisedThreshold(levels, threshold.targetSize);
  return open2x2(mask, h, w);
}

/** Checks a user's mask: h x w values, each 0 or 1. Returns a copy. */
export function checkMask(mask: ArrayLike<number>, h: number, w: number): Uint8Array {
  if (mask.length !== h * w) throw new FiseditError(`mask has ${mask.length} values; this generation's latent mask must be ${h}x${w} (${h * w} values)`);
  const out = new Uint8Array(h * w);
  for (let i = 0; i < mask.length; i++) {
    const v = mask[i]!;
    if (v !== 0 && v !== 1) throw new FiseditError(`mask is not binary: value ${v} at position ${i} (row ${Math.floor(i / w)}, column ${i % w}); use 0 (keep) and 1 (edit)`);
    out[i] = v;
  }
  return out;
}

/** Nearest-neighbour resampling of a binary mask (e.g. a 96x96 data-set mask to a tiny latent). */
export function resampleMask(mask: Uint8Array, h: number, w: number, toH: number, toW: number): Uint8Array {
  const out = new Uint8Array(toH * toW);
  for (let y = 0; y < toH; y++)
    for (let x = 0; x < toW; x++) out[y * toW + x] = mask[Math.min(h - 1, Math.floor(((y + 0.5) * h) / toH)) * w + Math.min(w - 1, Math.floor(((x + 0.5) * w) / toW))]!;
  return out;
}

/** The positions a mask marks, in order. */
export function maskPositions(mask: Uint8Array): Int32Array {
  let n = 0;
  for (const v of mask) n += v ? 1 : 0;
  const out = new Int32Array(n);
  for (let i = 0, j = 0; i < mask.length; i++) if (mask[i]) out[j++] = i;
  return out;
}

/** Fraction of positions in a mask. */
export function maskFraction(mask: Uint8Array): number {
  let on = 0;
  for (const v of mask) on += v;
  return mask.length ? on / mask.length : 0;
}
