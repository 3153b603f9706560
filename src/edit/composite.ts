// Keeping the original's pixels outside the edited region. The latents outside the mask are the
// original's exactly, but the VAE decoder mixes neighbouring latents, so decoded pixels near the
// mask change a little. The edited image is therefore the new decode inside the mask (upsampled
// to pixels and dilated by `margin` pixels) and the base image, unchanged, everywhere else.

/** The latent mask at pixel resolution (factor f), dilated by `margin` pixels (a square neighbourhood). */
export function pixelRegion(mask: Uint8Array, h: number, w: number, factor: number, margin: number): Uint8Array {
  const H = h * factor, W = w * factor;
  const rows = new Uint8Array(H * W);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) rows[y * W + x] = mask[Math.floor(y / factor) * w + Math.floor(x / factor)]!;
  // separable max filter of radius `margin`: along each row, then along each column
  const horiz = new Uint8Array(H * W);
  for (let y = 0; y < H; y++) dilateLine(rows, horiz, y * W, 1, W, margin);
  const out = new Uint8Array(H * W);
  for (let x = 0; x < W; x++) dilateLine(horiz, out, x, W, H, margin);
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

/** edited inside `region`, base outside; images channels-last [H, W, 3]. */
export function composite(base: Float32Array, edited: Float32Array, region: Uint8Array): Float32Array {
  const out = base.slice();
  const c = base.length / region.length;
  // runs of the region along rows, copied whole
  for (let i = 0; i < region.length; ) {
    if (!region[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < region.length && region[j]) j++;
    out.set(edited.subarray(i * c, j * c), i * c);
    i = j;
  }
  return out;
}
