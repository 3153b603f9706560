// The automatic edit mask (FISEdit's recipe) and the checks on masks a user gives.
//  1. After each of the first k steps of the edit, D_i = sum over channels |z_new - z_orig|
//     (LatentOps.channelAbsDiff, where the backend keeps the latents).
//  2. Min-max normalise each D_i, add them up, min-max normalise the sum, scale to 0..255
//     (LatentOps.differenceLevels, where the maps are).
//  3. Threshold: Otsu's method (on > t), or, for a target edit size, the cut whose share of pixels
//     above it is nearest the target (what the reference's histogram equalisation and fixed level
//     approximate): from the levels' 256 counts, on the host.
//  4. Morphological opening with a 2x2 square (erode, then dilate): specks smaller than 2x2 go
//     (LatentOps.openedMask, with the threshold as a flag per level).
import { FiseditError } from '../io/errors.js';
import type { Latent, LatentOps } from '../backend/latents.js';

export type Threshold = 'otsu' | { targetSize: number };

/** Otsu's threshold of 8-bit levels given their counts: the t maximising the between-class variance of (<= t, > t). */
export function otsu(counts: Float64Array): number {
  let total = 0, sumAll = 0;
  for (let i = 0; i < 256; i++) (total += counts[i]!), (sumAll += i * counts[i]!);
  let w0 = 0, sum0 = 0, best = 0, bestVar = -1;
  for (let t = 0; t < 256; t++) {
    w0 += counts[t]!;
    if (w0 === 0) continue;
    const w1 = total - w0;
    if (w1 === 0) break;
    sum0 += t * counts[t]!;
    const m0 = sum0 / w0, m1 = (sumAll - sum0) / w1;
    const between = w0 * w1 * (m0 - m1) ** 2;
    if (between > bestVar) {
      bestVar = between;
      best = t;
    }
  }
  return best;
}

/**
 * The cut for a target edit size: the level t whose share of pixels above it (levels > t; t = -1
 * keeps all) is nearest `target`. The reference recipe equalises the histogram and cuts at a fixed
 * level, which approximates this but, when one level holds more than 1 - target of the pixels,
 * keeps the whole image. One level only (no difference anywhere): nothing stands out, 255.
 */
export function targetSizeCut(counts: Float64Array, target: number): number {
  checkMaskSize(target);
  let total = 0, levels = 0;
  for (const c of counts) (total += c), (levels += c > 0 ? 1 : 0);
  if (levels < 2) return 255;
  let above = total, best = -1, bestGap = Math.abs(1 - target);
  for (let t = 0; t < 256; t++) {
    above -= counts[t]!;
    const gap = Math.abs(above / total - target);
    if (gap < bestGap) (best = t), (bestGap = gap);
  }
  return best;
}

/** Throws unless `size` (what names it) is a mask size: a fraction of the image strictly between 0 and 1. */
export function checkMaskSize(size: number, what = 'target edit size'): void {
  if (!(size > 0 && size < 1)) throw new FiseditError(`${what} must be between 0 and 1, got ${size}`);
}

/** The levels above t. */
function levelsAbove(t: number): Uint8Array {
  return Uint8Array.from({ length: 256 }, (_, v) => (v > t ? 1 : 0));
}

/**
 * The whole recipe: the difference maps of the first k steps (where the backend keeps them) -> a
 * binary latent mask on the host. Only 256 counts and the mask leave the device.
 */
export function automaticMask(lat: LatentOps, diffs: readonly Latent[], h: number, w: number, threshold: Threshold = 'otsu'): Uint8Array {
  if (threshold !== 'otsu') checkMaskSize(threshold.targetSize);
  const levels = lat.differenceLevels(diffs);
  const counts = lat.levelCounts(levels);
  return lat.openedMask(levels, levelsAbove(threshold === 'otsu' ? otsu(counts) : targetSizeCut(counts, threshold.targetSize)), h, w);
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
  for (let i = 0; i < mask.length; i++) n += mask[i] ? 1 : 0;
  const out = new Int32Array(n);
  for (let i = 0, j = 0; i < mask.length; i++) if (mask[i]) out[j++] = i;
  return out;
}

/** Fraction of positions in a mask. */
export function maskFraction(mask: Uint8Array): number {
  let on = 0;
  for (let i = 0; i < mask.length; i++) on += mask[i]!;
  return mask.length ? on / mask.length : 0;
}

/**
 * A centred elliptical mask covering about `fraction` of an h x w latent (at least one position):
 * the stand-in region of EditSession.prepareEdits, whose rehearsed steps need masks of given sizes.
 */
export function discMask(h: number, w: number, fraction: number): Uint8Array {
  checkMaskSize(fraction, 'a rehearsal mask size');
  const out = new Uint8Array(h * w);
  // radii in rows and columns such that pi * ry * rx = fraction * h * w
  const r = Math.sqrt((fraction * h * w) / Math.PI), ry = (r * h) / Math.sqrt(h * w), rx = (r * w) / Math.sqrt(h * w);
  const cy = (h - 1) / 2, cx = (w - 1) / 2;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) if (((y - cy) / ry) ** 2 + ((x - cx) / rx) ** 2 <= 1) out[y * w + x] = 1;
  if (!out.includes(1)) out[Math.floor(cy) * w + Math.floor(cx)] = 1;
  return out;
}
