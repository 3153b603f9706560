// 2-D convolution over NHWC input with a [O, kh, kw, I] weight. For each output pixel and each
// kernel row, the input span under the kernel is contiguous in NHWC when it lies inside the
// image, so the inner loop is one dot product of length kw * I.
import type { Conv2dOptions } from '../backend.js';

export function conv2d(
  x: Float32Array, xShape: readonly number[],
  w: Float32Array, wShape: readonly number[],
  bias: Float32Array | undefined, opts: Conv2dOptions,
): { shape: number[]; out: Float32Array } {
  const [n, h, wd, ci] = xShape as [number, number, number, number];
  const [co, kh, kw, wci] = wShape as [number, number, number, number];
  if (ci !== wci) throw new Error(`conv2d: input has ${ci} channels, weight expects ${wci}`);
  const stride = opts.stride ?? 1;
  const p = opts.padding ?? 0;
  const [pt, pb, pl, pr] = typeof p === 'number' ? [p, p, p, p] : p;
  const ho = Math.floor((h + pt + pb - kh) / stride) + 1;
  const wo = Math.floor((wd + pl + pr - kw) / stride) + 1;
  const out = new Float32Array(n * ho * wo * co);
  const rowLen = kw * ci;
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < ho; oy++)
      for (let ox = 0; ox < wo; ox++) {
        const o = ((b * ho + oy) * wo + ox) * co;
        const x0 = ox * stride - pl;
        const inside = x0 >= 0 && x0 + kw <= wd;
        for (let oc = 0; oc < co; oc++) out[o + oc] = bias ? bias[oc]! : 0;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * stride - pt + ky;
          if (iy < 0 || iy >= h) continue;
          const rowBase = (b * h + iy) * wd;
          if (inside) {
            const xo = (rowBase + x0) * ci;
            let oc = 0;
            // four output channels per pass: each input span is read once per four dot products
            for (; oc + 4 <= co; oc += 4) {
              const w0 = (oc * kh + ky) * rowLen, step = kh * rowLen;
              const w1 = w0 + step, w2 = w1 + step, w3 = w2 + step;
              let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
              for (let i = 0; i < rowLen; i++) {
                const xv = x[xo + i]!;
                a0 += xv * w[w0 + i]!;
                a1 += xv * w[w1 + i]!;
                a2 += xv * w[w2 + i]!;
                a3 += xv * w[w3 + i]!;
              }
              out[o + oc] += a0;
              out[o + oc + 1] += a1;
              out[o + oc + 2] += a2;
              out[o + oc + 3] += a3;
            }
            for (; oc < co; oc++) {
              const wo2 = (oc * kh + ky) * rowLen;
              let acc = 0;
              for (let i = 0; i < rowLen; i++) acc += x[xo + i]! * w[wo2 + i]!;
              out[o + oc] += acc;
            }
          } else {
            for (let kx = 0; kx < kw; kx++) {
              const ix = x0 + kx;
              if (ix < 0 || ix >= wd) continue;
              const xo = (rowBase + ix) * ci;
              for (let oc = 0; oc < co; oc++) {
                const wo2 = ((oc * kh + ky) * kw + kx) * ci;
                let acc = 0;
                for (let i = 0; i < ci; i++) acc += x[xo + i]! * w[wo2 + i]!;
                out[o + oc] += acc;
              }
            }
          }
        }
      }
  return { shape: [n, ho, wo, co], out };
}
