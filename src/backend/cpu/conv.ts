// 2-D convolution over NHWC input with a [O, kh, kw, I] weight. For each output pixel and each
// kernel row, the input span under the kernel is contiguous in NHWC when it lies inside the
// image, so the inner loop is one dot product of length kw * I.
import { convSizes, type Conv2dOptions } from '../backend.js';
import { addDots, addDotsPair } from './dot.js';

export function conv2d(
  x: Float32Array, xShape: readonly number[],
  w: Float32Array, wShape: readonly number[],
  bias: Float32Array | undefined, opts: Conv2dOptions, residualSize?: number,
): { shape: number[]; out: Float32Array } {
  const { n, h, w: wd, ci, co, kh, kw, stride, pads, ho, wo } = convSizes(xShape, wShape, opts, bias?.length, residualSize);
  const [pt, , pl] = pads;
  const out = new Float32Array(n * ho * wo * co);
  const rowLen = kw * ci;
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < ho; oy++)
      for (let ox = 0; ox < wo; ) {
        const o = ((b * ho + oy) * wo + ox) * co;
        const x0 = ox * stride - pl;
        const inside = x0 >= 0 && x0 + kw <= wd;
        // two neighbouring output pixels at once where both kernels lie inside the row (they share
        // every weight read; each pixel's sums are what it alone would compute)
        const pair = inside && ox + 1 < wo && x0 + stride + kw <= wd;
        const pixels = pair ? 2 : 1;
        for (let oc = 0; oc < pixels * co; oc++) out[o + oc] = bias ? bias[oc % co]! : 0;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * stride - pt + ky;
          if (iy < 0 || iy >= h) continue;
          const rowBase = (b * h + iy) * wd;
          if (pair) {
            addDotsPair(x, (rowBase + x0) * ci, (rowBase + x0 + stride) * ci, w, ky * rowLen, kh * rowLen, rowLen, co, out, o, o + co);
          } else if (inside) {
            addDots(x, (rowBase + x0) * ci, w, ky * rowLen, kh * rowLen, rowLen, co, out, o);
          } else {
            for (let kx = 0; kx < kw; kx++) {
              const ix = x0 + kx;
              if (ix < 0 || ix >= wd) continue;
              addDots(x, (rowBase + ix) * ci, w, (ky * kw + kx) * ci, kh * rowLen, ci, co, out, o);
            }
          }
        }
        ox += pixels;
      }
  return { shape: [n, ho, wo, co], out };
}
