// The inner loop of the cpu backend's linear layers and convolutions: one contiguous span of the
// input against many weight rows.

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
