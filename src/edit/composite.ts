// Keeping the original's pixels outside the edited region. The latents outside the mask are the
// original's exactly, but the VAE decoder mixes neighbouring latents, so decoded pixels near the
// mask change a little. The edited image is therefore the new decode inside the mask (upsampled
// to pixels and dilated by `margin` pixels: pixelRegion) and the base image, unchanged, everywhere
// else: the decode's toHost keeps the base's values outside the region (backend/keep-outside.ts).

/** The latent mask at pixel resolution (factor f), dilated by `margin` pixels (a square neighbourhood). */
export function pixelRegion(mask: Uint8Array, h: number, w: number, factor: number, margin: number): Uint8Array {
  // A pixel lies within margin = k * factor pixels of an active cell exactly when its own cell lies
  // within k cells of it, so whole-cell margins dilate the latent mask (64x fewer positions) first.
  if (margin % factor === 0) return upsample(dilate(mask, h, w, margin / factor), h, w, factor);
  return dilate(upsample(mask, h, w, factor), h * factor, w * factor, margin);
}

/** Each position of a [h, w] mask as a factor x factor square (a row widened once, then copied factor times). */
function upsample(mask: Uint8Array, h: number, w: number, factor: number): Uint8Array {
  const W = w * factor;
  const out = new Uint8Array(h * factor * W);
  for (let y = 0; y < h; y++) {
    const row = y * factor * W;
    for (let x = 0; x < w; x++) if (mask[y * w + x]) out.fill(1, row + x * factor, row + (x + 1) * factor);
    for (let k = 1; k < factor; k++) out.copyWithin(row + k * W, row, row + W);
  }
  return out;
}

/** A separable max filter of radius r (a square neighbourhood): along each row, then each column. */
function dilate(mask: Uint8Array, h: number, w: number, r: number): Uint8Array {
  const horiz = new Uint8Array(h * w);
  for (let y = 0; y < h; y++) dilateLine(mask, horiz, y * w, 1, w, r);
  const out = new Uint8Array(h * w);
  for (let x = 0; x < w; x++) dilateLine(horiz, out, x, w, h, r);
  return out;
}

/** Marks in `dst` every position of one line (start, stride, length) within `margin` of a set one in `src`. */
function dilateLine(src: Uint8Array, dst: Uint8Array, start: number, stride: number, length: number, margin: number): void {
  let last = -Infinity;
  for (let i = 0; i < length; i++) {
    if (src[start + i * stride]) last = i;
    if (i - last <= margin) dst[start + i * stride] = 1;
  }
  last = Infinity;
  for (let i = length - 1; i >= 0; i--) {
    if (src[start + i * stride]) last = i;
    if (last - i <= margin) dst[start + i * stride] = 1;
  }
}
