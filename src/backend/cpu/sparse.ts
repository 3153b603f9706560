// The cpu backend's sparse-engine kernels: tiles, rows, statistics, probabilities. Plain loops over
// channels-last arrays; each returns a new array and never changes its inputs.

/**
 * GroupNorm sums per (batch item, segment, group): [sum of x, sum of x^2] in float64, a segment
 * being `pieces` of a row of w positions (backend.ts groupSegments). With `base`, only rows that
 * `rows` flags are summed; the others' sums are base's. With `offset` [N, C], the sums of x + offset.
 */
export function groupSums(x: Float32Array, [n, h, w, c]: readonly number[], groups: number, pieces: number, base?: Float64Array, rows?: Uint8Array, offset?: Float32Array): Float64Array {
  const cpg = c / groups, segments = h * pieces, piece = Math.ceil(w / pieces);
  const sums = base ? base.slice() : new Float64Array(n * segments * groups * 2);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++) {
      if (rows && !rows[y]) continue;
      for (let k = 0; k < pieces; k++)
        for (let g = 0; g < groups; g++) {
          let s = 0, q = 0;
          for (let px = k * piece; px < Math.min(w, (k + 1) * piece); px++) {
            const at = ((b * h + y) * w + px) * c + g * cpg;
            for (let i = 0; i < cpg; i++) {
              // x + offset as a float32 map would hold it
              const v = offset ? Math.fround(x[at + i]! + offset[b * c + g * cpg + i]!) : x[at + i]!;
              s += v;
              q += v * v;
            }
          }
          const o = 2 * ((b * segments + y * pieces + k) * groups + g);
          sums[o] = s;
          sums[o + 1] = q;
        }
    }
  return sums;
}

/** The sums folded with gamma and beta: x * scale + shift is the GroupNorm of x (of x + offset, the offset the sums took). */
export function groupAffineOfSums(sums: Float64Array, n: number, c: number, groups: number, count: number, eps: number, gamma: Float32Array, beta: Float32Array, offset?: Float32Array) {
  const cpg = c / groups, segments = sums.length / (2 * n * groups);
  const scale = new Float32Array(n * c), shift = new Float32Array(n * c);
  for (let b = 0; b < n; b++)
    for (let g = 0; g < groups; g++) {
      let s = 0, q = 0;
      for (let k = 0; k < segments; k++) {
        const o = 2 * ((b * segments + k) * groups + g);
        s += sums[o]!;
        q += sums[o + 1]!;
      }
      const mean = s / count, rstd = 1 / Math.sqrt(Math.max(q / count - mean * mean, 0) + eps);
      for (let ch = g * cpg; ch < (g + 1) * cpg; ch++) {
        const sc = rstd * gamma[ch]!;
        scale[b * c + ch] = sc;
        // x * sc + shift = (x + offset - mean) * sc + beta
        shift[b * c + ch] = beta[ch]! - (mean - (offset ? offset[b * c + ch]! : 0)) * sc;
      }
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

/** Backend.overwriteBlocks: block outputs into base in place (plus residual); returns what base held there, in src's layout. */
export function overwriteBlocks(
  base: Float32Array, [n, h, w, c]: readonly number[], src: Float32Array, b: number, corners: Int32Array, active: Uint8Array, residual?: Float32Array,
): Float32Array {
  const held = new Float32Array(src.length);
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
          held.set(base.subarray(to, to + c), from);
          if (!residual) base.set(src.subarray(from, from + c), to);
          else for (let k = 0; k < c; k++) base[to + k] = residual[to + k]! + src[from + k]!;
        }
      }
    }
  return held;
}

export function gatherRows(x: Float32Array, [n, l, c]: readonly number[], idx: Int32Array): Float32Array {
  const out = new Float32Array(n * idx.length * c);
  for (let b = 0; b < n; b++)
    idx.forEach((r, i) => out.set(x.subarray((b * l + r) * c, (b * l + r + 1) * c), (b * idx.length + i) * c));
  return out;
}

/** Backend.overwriteRows: src's row i (gathered rows) or its row idx[i] (`sameRows`: src shaped like base) into rows idx of base in place; returns what base held there. */
export function overwriteRows(base: Float32Array, [n, l, c]: readonly number[], src: Float32Array, idx: Int32Array, sameRows: boolean): Float32Array {
  const held = new Float32Array(n * idx.length * c);
  for (let b = 0; b < n; b++)
    idx.forEach((r, i) => {
      const from = (sameRows ? b * l + r : b * idx.length + i) * c, to = (b * l + r) * c;
      held.set(base.subarray(to, to + c), (b * idx.length + i) * c);
      base.set(src.subarray(from, from + c), to);
    });
  return held;
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
        let j = 0;
        // four keys a pass (independent sums, each still added from t = 0 up: the same bits as one at a time)
        for (; j + 4 <= count; j += 4) {
          const k0 = j * d, k1 = k0 + d, k2 = k1 + d, k3 = k2 + d;
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          for (let t = 0; t < d; t++) {
            const qt = qi[t]!;
            s0 += qt * kh[k0 + t]!;
            s1 += qt * kh[k1 + t]!;
            s2 += qt * kh[k2 + t]!;
            s3 += qt * kh[k3 + t]!;
          }
          scores[j] = s0; scores[j + 1] = s1; scores[j + 2] = s2; scores[j + 3] = s3;
          if (s0 > max) max = s0;
          if (s1 > max) max = s1;
          if (s2 > max) max = s2;
          if (s3 > max) max = s3;
        }
        for (; j < count; j++) {
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
          const pk = j + 1 < lk ? p[row + j + 1]! : 0;
          if (pk !== 0) {
            // two keys a pass over acc, each value's terms still added in key order
            const v0 = j * d, v1 = v0 + d;
            for (let t = 0; t < d; t++) acc[t] = acc[t]! + pj * vh[v0 + t]! + pk * vh[v1 + t]!;
            j++;
            continue;
          }
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
      for (let j = 0; j < lk; j++) if (map[j]! >= 0 && map[j]! < lkSource) out[row + j] = source[srow + map[j]!]!;
    }
  void batch;
  return out;
}
