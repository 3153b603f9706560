// Multi-head attention with a numerically stable softmax: for each batch item, head and query
// row, scores against every key, softmax, then the weighted sum of values.
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
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < lq; i++) {
        const qo = (b * lq + i) * width + h * d;
        const last = opts.causal ? Math.min(i, lk - 1) : lk - 1;
        let max = -Infinity;
        for (let j = 0; j <= last; j++) {
          const ko = (b * lk + j) * width + h * d;
          let s = 0;
          for (let t = 0; t < d; t++) s += q[qo + t]! * k[ko + t]!;
          s *= scale;
          scores[j] = s;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let j = 0; j <= last; j++) {
          const e = Math.exp(scores[j]! - max);
          scores[j] = e;
          sum += e;
        }
        acc.fill(0);
        for (let j = 0; j <= last; j++) {
          const p = scores[j]! / sum;
          const vo = (b * lk + j) * width + h * d;
          for (let t = 0; t < d; t++) acc[t] += p * v[vo + t]!;
        }
        for (let t = 0; t < d; t++) out[qo + t] = acc[t]!;
      }
  return out;
}
