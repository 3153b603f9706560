// Multi-head attention with a numerically stable softmax. Per batch item and head, K and V are
// packed row-major so both inner loops run over contiguous memory; each query row then
// takes scores against every key, a softmax, and the weighted sum of values.
import type { AttentionOptions } from '../backend.js';

export function attention(
  q: Float32Array, qShape: readonly number[], k: Float32Array, v: Float32Array, lk: number, opts: AttentionOptions,
): Float32Array {
  const [batch, lq, width] = qShape as [number, number, number];
  const heads = opts.heads;
  if (width % heads !== 0) throw new Error(`attention: width ${width} does not split into ${heads} heads`);
  const d = width / heads;
  const scale = 1 / Math.sqrt(d);
  const out = new Float32Array(q.length);
  const scores = new Float64Array(lk);
  const acc = new Float64Array(d);
  const qi = new Float64Array(d);
  const kh = new Float32Array(lk * d);
  const vh = new Float32Array(lk * d);
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < heads; h++) {
      for (let j = 0; j < lk; j++) {
        const src = (b * lk + j) * width + h * d;
        for (let t = 0; t < d; t++) {
          kh[j * d + t] = k[src + t]!;
          vh[j * d + t] = v[src + t]!;
        }
      }
      for (let i = 0; i < lq; i++) {
        const qo = (b * lq + i) * width + h * d;
        const n = opts.causal ? Math.min(i + 1, lk) : lk;
        for (let t = 0; t < d; t++) qi[t] = q[qo + t]!;
        let max = -Infinity;
        for (let j = 0; j < n; j++) {
          const ko = j * d;
          let s = 0;
          for (let t = 0; t < d; t++) s += qi[t]! * kh[ko + t]!;
          scores[j] = s;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let j = 0; j < n; j++) {
          const e = Math.exp((scores[j]! - max) * scale);
          scores[j] = e;
          sum += e;
        }
        acc.fill(0);
        for (let j = 0; j < n; j++) {
          const p = scores[j]!;
          const vo = j * d;
          for (let t = 0; t < d; t++) acc[t] += p * vh[vo + t]!;
        }
        for (let t = 0; t < d; t++) out[qo + t] = acc[t]! / sum;
      }
    }
  return out;
}
