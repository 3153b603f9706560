// The inner loop of the cpu backend's linear layers and convolutions: contiguous spans of the input
// against many weight rows. Each dot product is summed in float64 from its first element to its
// last, whichever of these computes it, so they give the same bits.

/**
 * out[o + j] += x[xo .. xo + len) . w[w0 + j * step .. + len) for j < count, four weight rows per
 * pass so that each input span is read once per four dot products.
 */
export function addDots(x: Float32Array, xo: number, w: Float32Array, w0: number, step: number, len: number, count: number, out: Float32Array, o: number): void {
  let j = 0;
  for (; j + 4 <= count; j += 4) {
    const r0 = w0 + j * step, r1 = r0 + step, r2 = r1 + step, r3 = r2 + step;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (let i = 0; i < len; i++) {
      const xv = x[xo + i]!;
      a0 += xv * w[r0 + i]!;
      a1 += xv * w[r1 + i]!;
      a2 += xv * w[r2 + i]!;
      a3 += xv * w[r3 + i]!;
    }
    out[o + j] += a0;
    out[o + j + 1] += a1;
    out[o + j + 2] += a2;
    out[o + j + 3] += a3;
  }
  for (; j < count; j++) {
    const r = w0 + j * step;
    let acc = 0;
    for (let i = 0; i < len; i++) acc += x[xo + i]! * w[r + i]!;
    out[o + j] += acc;
  }
}

/**
 * addDots for two input spans at once (two output pixels of a convolution, two rows of a linear
 * layer) against the same weight rows, into out[oa + j] and out[ob + j]: each weight is read once
 * per two input values instead of once per one.
 */
export function addDotsPair(x: Float32Array, xa: number, xb: number, w: Float32Array, w0: number, step: number, len: number, count: number, out: Float32Array, oa: number, ob: number): void {
  let j = 0;
  for (; j + 4 <= count; j += 4) {
    const r0 = w0 + j * step, r1 = r0 + step, r2 = r1 + step, r3 = r2 + step;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    for (let i = 0; i < len; i++) {
      const u = x[xa + i]!, v = x[xb + i]!;
      const w0i = w[r0 + i]!, w1i = w[r1 + i]!, w2i = w[r2 + i]!, w3i = w[r3 + i]!;
      a0 += u * w0i; b0 += v * w0i;
      a1 += u * w1i; b1 += v * w1i;
      a2 += u * w2i; b2 += v * w2i;
      a3 += u * w3i; b3 += v * w3i;
    }
    out[oa + j] += a0; out[oa + j + 1] += a1; out[oa + j + 2] += a2; out[oa + j + 3] += a3;
    out[ob + j] += b0; out[ob + j + 1] += b1; out[ob + j + 2] += b2; out[ob + j + 3] += b3;
  }
  for (; j < count; j++) {
    const r = w0 + j * step;
    let a = 0, b = 0;
    for (let i = 0; i < len; i++) {
      const wi = w[r + i]!;
      a += x[xa + i]! * wi;
      b += x[xb + i]! * wi;
    }
    out[oa + j] += a;
    out[ob + j] += b;
  }
}
