// The cpu backend's sparse-engine kernels: tiles, rows, statistics, probabilities. Plain loops over
// channels-last arrays; each returns a new array and never changes its inputs.

export function groupNormStats(x: Float32Array, n: number, c: number, groups: number, eps: number) {
  const positions = x.length / (n * c);
  const cpg = c / groups;
  const mean = new Float64Array(n * groups), rstd = new Float64Array(n * groups);
  for (let b = 0; b < n; b++)
    for (let g = 0; g < groups; g++) {
      const base = b * positions * c + g * cpg;
      let sum = 0;
      for (let p = 0; p < positions; p++) for (let k = 0; k < cpg; k++) sum += x[base + p * c + k]!;
      const count = positions * cpg;
      const m = sum / count;
      let sq = 0;
      for (let p = 0; p < positions; p++)
        for (let k = 0; k < cpg; k++) {
          const d = x[base + p * c + k]! - m;
          sq += d * d;
        }
      mean[b * groups + g] = m;
      rstd[b * groups + g] = 1 / Math.sqrt(sq / count + eps);
    }
  return { mean, rstd };
}

/** Statistics folded with gamma and beta: x * scale + shift is the GroupNorm of x. */
export function groupNormAffine(x: Float32Array, n: number, c: number, groups: number, eps: number, gamma: Float32Array, beta: Float32Array) {
  const { mean, rstd } = groupNormStats(x, n, c, groups, eps);
  const cpg = c / groups;
  const scale = new Float32Array(n * c), shift = new Float32Array(n * c);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++) {
      const g = b * groups + Math.floor(ch / cpg);
      const s = rstd[g]! * gamma[ch]!;
      scale[b * c + ch] = s;
      shift[b * c + ch] = beta[ch]! - mean[g]! * s;
    }
  return { scale, shift };
}

const silu = (v: number) => v / (1 + Math.exp(-v));

/** x * scale + shift per (batch item, channel), optionally SiLU. */
export function channelAffine(x: Float32Array, n: number, c: number, scale: Float32Array, shift: Float32Array, withSilu: boolean): Float32Array {
  const per = x.length / n;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const b = Math.floor(i / per), ch = i % c;
    const v = x[i]! * scale[b * c + ch]! + shift[b * c + ch]!;
    out[i] = withSilu ? silu(v) : v;
  }
  return out;
}

export function gatherTiles(
  x: Float32Array, [n, h, w, c]: readonly number[], origins: Int32Array, side: number,
  affine: { scale: Float32Array; shift: Float32Array } | undefined, withSilu: boolean,
): Float32Array {
  const blocks = origins.length / 2;
  const out = new Float32Array(n * blocks * side * side * c); // zeros: the padding
  for (let b = 0; b < n; b++)
    for (let t = 0; t < blocks; t++) {
      const y0 = origins[2 * t]!, x0 = origins[2 * t + 1]!;
      const tileBase = (b * blocks + t) * side * side * c;
      for (let ty = 0; ty < side; ty++) {
        const iy = y0 + ty;
        if (iy < 0 || iy >= h) continue;
        for (let tx = 0; tx < side; tx++) {
          const ix = x0 + tx;
          if (ix < 0 || ix >= w) continue;
          const src = ((b * h + iy) * w + ix) * c, dst = tileBase + (ty * side + tx) * c;
          for (let k = 0; k < c; k++) {
            let v = x[src + k]!;
            if (affine) {
              v = v * affine.scale[b * c + k]! + affine.shift[b * c + k]!;
              if (withSilu) v = silu(v);
            } else if (withSilu) v = silu(v);
            out[dst + k] = v;
          }
        }
      }
    }
  return out;
}

export function scatterBlocks(
  base: Float32Array, [n, h, w, c]: readonly number[], src: Float32Array, b: number, corners: Int32Array, active: Uint8Array, residual?: Float32Array, shift?: Float32Array,
): Float32Array {
  const out = base.slice();
  const blocks = corners.length / 2;
  for (let bi = 0; bi < n; bi++)
    for (let t = 0; t < blocks; t++) {
      const y0 = corners[2 * t]!, x0 = corners[2 * t + 1]!;
      for (let dy = 0; dy < b; dy++) {
        const y = y0 + dy;
        if (y >= h) break;
        for (let dx = 0; dx < b; dx++) {
          const xx = x0 + dx;
          if (xx >= w || !active[y * w + xx]) continue;
          const from = (((bi * blocks + t) * b + dy) * b + dx) * c, to = ((bi * h + y) * w + xx) * c;
          if (!residual && !shift) out.set(src.subarray(from, from + c), to);
          else for (let k = 0; k < c; k++) out[to + k] = (residual ? residual[to + k]! : 0) + src[from + k]! + (shift ? shift[bi * c + k]! : 0);
        }
      }
    }
  return out;
}

export function gatherRows(x: Float32Array, [n, l, c]: readonly number[], idx: Int32Array): Float32Array {
  const out = new Float32Array(n * idx.length * c);
  for (let b = 0; b < n; b++)
    idx.forEach((r, i) => out.set(x.subarray((b * l + r) * c, (b * l + r + 1) * c), (b * idx.length + i) * c));
  return out;
}

export function scatterRows(base: Float32Array, [n, l, c]: readonly number[], src: Float32Array, idx: Int32Array): Float32Array {
  const out = base.slice();
  for (let b = 0; b < n; b++)
    idx.forEach((r, i) => out.set(src.subarray((b * idx.length + i) * c, (b * idx.length + i + 1) * c), (b * l + r) * c));
  return out;
}

/** Rows of one head of [batch, L, width] packed contiguously into out [L, d]. */
function packHead(src: Float32Array, b: number, h: number, l: number, width: number, d: number, out: Float32Array): void {
  for (let j = 0; j < l; j++) {
    const o = (b * l + j) * width + h * d;
    for (let t = 0; t < d; t++) out[j * d + t] = src[o + t]!;
  }
}

/** Softmax of scaled scores per (batch, head, query row); probabilities rounded to float32. */
export function attentionProbs(q: Float32Array, [batch, lq, width]: readonly number[], k: Float32Array, lk: number, heads: number, causal: boolean): Float32Array {
  const d = width / heads;
  const scale = 1 / Math.sqrt(d);
  const out = new Float32Array(batch * heads * lq * lk);
  const kh = new Float32Array(lk * d);
  const qi = new Float64Array(d);
  const scores = new Float64Array(lk);
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < heads; h++) {
      packHead(k, b, h, lk, width, d, kh);
      for (let i = 0; i < lq; i++) {
        const qo = (b * lq + i) * width + h * d;
        for (let t = 0; t < d; t++) qi[t] = q[qo + t]!;
        const count = causal ? Math.min(i + 1, lk) : lk;
        let max = -Infinity;
        for (let j = 0; j < count; j++) {
          let s = 0;
          for (let t = 0; t < d; t++) s += qi[t]! * kh[j * d + t]!;
          scores[j] = s;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let j = 0; j < count; j++) {
          const e = Math.exp((scores[j]! - max) * scale);
          scores[j] = e;
          sum += e;
        }
        const row = ((b * heads + h) * lq + i) * lk;
        for (let j = 0; j < count; j++) out[row + j] = scores[j]! / sum;
      }
    }
  return out;
}

export function applyProbs(p: Float32Array, [batch, heads, lq, lk]: readonly number[], v: Float32Array, width: number): Float32Array {
  const d = width / heads;
  const out = new Float32Array(batch * lq * width);
  const vh = new Float32Array(lk * d);
  const acc = new Float64Array(d);
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < heads; h++) {
      packHead(v, b, h, lk, width, d, vh);
      for (let i = 0; i < lq; i++) {
        const row = ((b * heads + h) * lq + i) * lk;
        acc.fill(0);
        for (let j = 0; j < lk; j++) {
          const pj = p[row + j]!;
          if (pj === 0) continue;
          for (let t = 0; t < d; t++) acc[t] += pj * vh[j * d + t]!;
        }
        const o = (b * lq + i) * width + h * d;
        for (let t = 0; t < d; t++) out[o + t] = acc[t]!;
      }
    }
  return out;
}

export function remapProbs(p: Float32Array, [batch, heads, lq, lk]: readonly number[], item: number, source: Float32Array, lkSource: number, map: Int32Array): Float32Array {
  const out = p.slice();
  for (let h = 0; h < heads; h++)
    for (let i = 0; i < lq; i++) {
      const row = ((item * heads + h) * lq + i) * lk;
      const srow = (h * lq + i) * lkSource;
      for (let j = 0; j < lk; j++) if (map[j]! >= 0) out[row + j] = source[srow + map[j]!]!;
    }
  void batch;
  return out;
}
