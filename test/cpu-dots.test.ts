// The cpu backend's blocked dot products (two spans, four or two keys a pass) compute the same bits
// as one dot product at a time, summed from the first element to the last: the reference backend's
// results do not depend on how its loops are blocked.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addDots, addDotsPair } from '../src/backend/cpu/dot.js';
import { applyProbs, attentionProbs } from '../src/backend/cpu/sparse.js';
import { Random } from '../src/util/random.js';

const rnd = new Random(26);

it('addDotsPair: two spans against the same weight rows, the bits of addDots for each', () => {
  for (const [len, count, step] of [[1, 1, 1], [7, 3, 9], [37, 13, 37], [64, 8, 70]] as const) {
    const x = rnd.normal(2 * len + 5), w = rnd.normal(count * step + len);
    const start = rnd.normal(2 * count);
    const pair = Float32Array.from(start), single = Float32Array.from(start);
    addDotsPair(x, 0, len + 5, w, 1, step, len, count, pair, 0, count);
    addDots(x, 0, w, 1, step, len, count, single, 0);
    addDots(x, len + 5, w, 1, step, len, count, single, count);
    assert.deepEqual(pair, single, `len ${len}, ${count} rows`);
  }
});

/** Softmax of scaled scores one key at a time, as the cpu backend computed them before its loops were blocked. */
function plainProbs(q: Float32Array, k: Float32Array, [b, lq, lk, width, heads]: readonly number[], causal: boolean): Float32Array {
  const d = width / heads, scale = 1 / Math.sqrt(d), out = new Float32Array(b * heads * lq * lk);
  for (let n = 0; n < b; n++)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < lq; i++) {
        const count = causal ? Math.min(i + 1, lk) : lk, scores = new Float64Array(count);
        let max = -Infinity;
        for (let j = 0; j < count; j++) {
          let s = 0;
          for (let t = 0; t < d; t++) s += q[(n * lq + i) * width + h * d + t]! * k[(n * lk + j) * width + h * d + t]!;
          scores[j] = s;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let j = 0; j < count; j++) sum += scores[j] = Math.exp((scores[j]! - max) * scale);
        for (let j = 0; j < count; j++) out[((n * heads + h) * lq + i) * lk + j] = scores[j]! / sum;
      }
  return out;
}

/** P V one key at a time (zero probabilities skipped), as before. */
function plainApply(p: Float32Array, v: Float32Array, [b, lq, lk, width, heads]: readonly number[]): Float32Array {
  const d = width / heads, out = new Float32Array(b * lq * width);
  for (let n = 0; n < b; n++)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < lq; i++) {
        const acc = new Float64Array(d), row = ((n * heads + h) * lq + i) * lk;
        for (let j = 0; j < lk; j++) {
          if (p[row + j] === 0) continue;
          for (let t = 0; t < d; t++) acc[t] += p[row + j]! * v[(n * lk + j) * width + h * d + t]!;
        }
        for (let t = 0; t < d; t++) out[(n * lq + i) * width + h * d + t] = acc[t]!;
      }
  return out;
}

it('attention with four keys a pass for the scores and two for P V: the results of one key at a time, bit for bit', () => {
  for (const shape of [[2, 37, 77, 64, 2], [1, 33, 33, 96, 3], [1, 5, 3, 16, 2], [2, 9, 130, 40, 1]] as const) {
    const [b, lq, lk, width, heads] = shape;
    for (const causal of lq === lk ? [false, true] : [false]) {
      const q = rnd.normal(b * lq * width).map((x) => x * 3), k = rnd.normal(b * lk * width), v = rnd.normal(b * lk * width);
      const p = attentionProbs(q, [b, lq, width], k, lk, heads, causal);
      assert.deepEqual(p, plainProbs(q, k, shape, causal), `probabilities ${lq}x${lk}, ${heads} heads${causal ? ', causal' : ''}`);
      // zero probabilities (skipped) next to nonzero ones, alone and in pairs
      for (let i = 0; i < p.length; i += 7) p[i] = 0;
      for (let i = 3; i < p.length; i += 11) p[i] = p[i + 1] = 0;
      assert.deepEqual(applyProbs(p, [b, heads, lq, lk], v, width), plainApply(p, v, shape), `P V ${lq}x${lk}, ${heads} heads`);
    }
  }
});
