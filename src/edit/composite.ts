// Keeping the original's pixels outside the edited region. The latents outside the mask are the
// original's exactly, but the VAE decoder mixes neighbouring latents, so decoded pixels near the
// mask change a little. The edited image is therefore the new decode inside the mask (upsampled
// to pixels and dilated by `margin` pixels) and the base image, unchanged, everywhere else.

/** The latent mask at pixel resolution (factor f), dilated by `margin` pixels (a square neighbourhood). */
export function pixelRegion(mask: Uint8Array, h: number, w: number, factor: number, margin: number): Uint8Array {
  const H = h * factor, W = w * factor;
  // dilate at latent resolution first where it is exact (whole latent pixels), then the remainder
  const rows = new Uint8Array(H * W);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) rows[y * W + x] = mask[Math.floor(y / factor) * w + Math.floor(x / factor)]!;
  // separable max filter of radius `margin`: horizontal, then vertical
  const horiz = new Uint8Array(H * W);
  for (let y = 0; y < H; y++) {
    let last = -Infinity;
    for (let x = 0; x < W; x++) {
      if (rows[y * W + x]) last = x;
      if (x - last <= margin) horiz[y * W + x] = 1;
    }
    last = Infinity;
    for (let x = W - 1; x >= 0; x--) {
      if (rows[y * W + x]) last = x;
      if (last - x <= margin) horiz[y * W + x] = 1;
    }
  }
  const out = new Uint8Array(H * W);
  for (let x = 0; x < W; x++) {
    let last = -Infinity;
    for (let y = 0; y < H; y++) {
      if (horiz[y * W + x]) last = y;
      if (y - last <= margin) out[y * W + x] = 1;
    }
    last = Infinity;
    for (let y = H - 1; y >= 0; y--) {
      if (horiz[y * W + x]) last = y;
      if (last - y <= margin) out[y * W + x] = 1;
    }
  }
  return out;
}

/** edited inside `region`, base outside; images channels-last [H, W, 3]. */
export function composite(base: Float32Array, edited: Float32Array, region: Uint8Array): Float32Array {
  const out = base.slice();
  const c = base.length / region.length;
  region.forEach((on, i) => {
    if (on) for (let k = 0; k < c; k++) out[i * c + k] = edited[i * c + k]!;
  });
  return out;
}
