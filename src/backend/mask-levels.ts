// The per-pixel steps of FISEdit's automatic mask (edit/mask.ts has the recipe) on host arrays: what
// the cpu backend runs and what the cuda backend's k_mask_* kernels match bit for bit (the same
// float64 arithmetic in the same order).

/** (x - min) / (max - min) in float64, all zeros when the map is constant (NaN ignored, as every comparison with it fails). */
function minMax(x: Float32Array | Float64Array): Float64Array {
  let lo = Infinity, hi = -Infinity;
  for (const v of x) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = hi - lo, out = new Float64Array(x.length);
  if (range > 0) for (let i = 0; i < x.length; i++) out[i] = (x[i]! - lo) / range;
  return out;
}

/** Each map min-max normalised, the maps summed in order, the sum min-max normalised to 0..255 and rounded (half up). */
export function differenceLevels(diffs: readonly Float32Array[]): Float32Array {
  const sum = new Float64Array(diffs[0]!.length);
  for (const d of diffs) {
    const n = minMax(d);
    for (let i = 0; i < sum.length; i++) sum[i] += n[i]!;
  }
  const norm = minMax(sum), levels = new Float32Array(sum.length);
  for (let i = 0; i < levels.length; i++) levels[i] = Math.round(norm[i]! * 255);
  return levels;
}

/** How many positions have each level 0..255. */
export function levelCounts(levels: Float32Array): Float64Array {
  const counts = new Float64Array(256);
  for (const v of levels) counts[v]++;
  return counts;
}

/** The positions whose level `keep` marks (256 entries, 1 = in the mask), opened with a 2x2 square: the union of every 2x2 square inside them. */
export function openedMask(levels: Float32Array, keep: Uint8Array, h: number, w: number): Uint8Array {
  const mask = Uint8Array.from(levels, (v) => keep[v]!);
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
