// The reference backend: float32 storage, float64 accumulation, plain loops over typed arrays.
// It is what CI runs and what every other backend is checked against, so it favours obviously
// right over fast; the only liberty taken is contiguous inner loops (channels-last).
import { attentionWithProbsOf, checkBlockWrite, checkConcat, checkRowFlags, checkLinear, checkSplit, convInputOf, type ConvInput, checkSwap, type Swap, checkProbsItem, checkBytes, checkValues, checkRemapMap, convolveThenOverwrite, checkRowsSource, gatherRowsThenAffine, gatherThenConvolve, gegluOfLinear, groupNormLayout, linearEach, recordedUnder, replayId, overwriteRowsEach, type AttentionOptions, type Backend, type ChannelAffine, type Conv2dOptions, type GroupNormStats, type GroupSumsUpdate, type HostBytes, type Prefetched, type ProbsControl, type TileSet, type BlockWrite, type TileConvolution, type TileProjection } from '../backend.js';
import { Tensor, numel, oihwToOhwi, sameShape, shapeString } from '../../tensor/tensor.js';
import { FiseditError } from '../../io/errors.js';
import { conv2d } from './conv.js';
import { addDots, addDotsPair } from './dot.js';
import * as sparse from './sparse.js';
import { HostLatents } from '../latents.js';
import { keepOutside, type KeepOutside } from '../keep-outside.js';

type T = Tensor<Float32Array>;

const data = (t: Tensor): Float32Array => {
  const s = t.storage;
  if (!(s instanceof Float32Array)) throw new Error('tensor does not belong to the cpu backend');
  return s;
};

/** The float64 values a GroupNorm sums tensor holds (its float32 storage reinterpreted). */
const doubles = (t: Tensor): Float64Array => {
  const d = data(t);
  return d.byteOffset % 8 ? new Float64Array(d.slice().buffer) : new Float64Array(d.buffer, d.byteOffset, d.length / 2);
};

const make = (shape: readonly number[], d: Float32Array = new Float32Array(numel(shape))): T => new Tensor(shape, d);

function unary(x: Tensor, f: (v: number) => number): T {
  const a = data(x);
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = f(a[i]!);
  return make(x.shape, out);
}

const silu = (v: number) => v / (1 + Math.exp(-v));
/** erf by Abramowitz-Stegun is too coarse for 1e-4 goldens; this series/continued form is exact to ~1e-15. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // Maclaurin series, converges fast for |x| < 2.5
    let term = x, sum = x;
    const x2 = x * x;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  const tail = erfcTail(ax);
  return x > 0 ? 1 - tail : tail - 1;
}

/** erfc, accurate relative to itself (~1e-15) where 1 - erf(x) is not: its tail by the continued fraction. */
export function erfc(x: number): number {
  return x < 2.5 ? 1 - erf(x) : erfcTail(x);
}

/** erfc(z) for z >= 2.5 by its continued fraction (Lentz). */
function erfcTail(z: number): number {
  let f = z, c = z, d = 0;
  const tiny = 1e-300;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    d = z + an * d; if (Math.abs(d) < tiny) d = tiny; d = 1 / d;
    c = z + an / c; if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-z * z) / (f * Math.sqrt(Math.PI));
}
const gelu = (v: number) => 0.5 * v * (1 + erf(v / Math.SQRT2));
const quickGelu = (v: number) => v / (1 + Math.exp(-1.702 * v));
const unitRange = (v: number) => Math.min(1, Math.max(0, v / 2 + 0.5));

function checkSame(op: string, a: Tensor, b: Tensor): void {
  if (!sameShape(a.shape, b.shape)) throw new Error(`${op}: shapes ${shapeString(a.shape)} and ${shapeString(b.shape)} differ`);
}

export interface CpuOptions {
  /**
   * Replayable calls as a recording backend runs them (for tests): the first call's function, with
   * whatever host data it closed over, computes every later call of the same key and input shapes,
   * as a CUDA graph replays the first call's work. A call that depends on host data that changes
   * between calls then goes wrong here as it would on the cuda backend.
   */
  recordReplays?: boolean;
}

export class CpuBackend implements Backend {
  readonly name = 'cpu';
  readonly firstCallsCost: boolean = false;
  readonly elementBytes = 4;
  readonly latents = new HostLatents(this);
  /** recordReplays: the first call's function of each replayable call, by key and input shapes. */
  private readonly recorded = new Map<string, (...inputs: Tensor[]) => Tensor[]>();

  constructor(private readonly o: CpuOptions = {}) {}

  urgently<T>(f: () => T): T {
    return f(); // nothing here is chosen by timing
  }

  fromHost(d: Float32Array, shape: readonly number[]): Tensor {
    if (d.length !== numel(shape)) throw new FiseditError(`fromHost: ${d.length} values for shape ${shapeString(shape)}`);
    return make(shape, d);
  }

  parameter(t: Tensor): Tensor {
    return t; // every op here runs to its end before the next begins
  }

  snapshot(t: Tensor): Tensor {
    return t; // nothing writes it after (Backend.snapshot)
  }

  aside<T>(_reads: readonly Tensor[], work: () => T): T {
    return work(); // one op at a time: nothing runs beside another
  }

  toHost(t: Tensor, into?: Float32Array, outside?: KeepOutside): Float32Array {
    if (into) {
      checkValues('toHost', into, t.shape);
      into.set(data(t));
    }
    // without `into`, the tensor's own array, unless values are to be kept in it
    const out = into ?? (outside ? data(t).slice() : data(t));
    return outside ? keepOutside(out, outside) : out;
  }

  toBytes(t: Tensor, into?: Uint8Array): Uint8Array {
    const d = data(t);
    if (!into) return new Uint8Array(d.slice().buffer);
    checkBytes('toBytes', into, t.shape, 4);
    into.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    return into;
  }

  fromBytes(bytes: Uint8Array, shape: readonly number[]): Tensor {
    checkBytes('fromBytes', bytes, shape, 4);
    // copied byte for byte (a node Buffer's slice() is a view into a shared pool, not a copy)
    const out = new Float32Array(numel(shape));
    new Uint8Array(out.buffer).set(bytes);
    return make(shape, out);
  }

  hostBuffer(bytes: number): Uint8Array {
    return new Uint8Array(bytes);
  }

  /** Memory is the device here: the copies are done when this returns. */
  prefetch(items: readonly HostBytes[]): Prefetched {
    return { tensors: items.map(({ bytes, shape }) => this.fromBytes(bytes, shape)), ready() {} };
  }

  convWeight(d: Float32Array, shape: readonly [number, number, number, number]): Tensor {
    const [o, i, kh, kw] = shape;
    return make([o, kh, kw, i], oihwToOhwi(d, shape));
  }

  dispose(_t: Tensor): void {
    // garbage collected
  }

  tidy<T>(f: () => T): T {
    return f(); // garbage collected
  }

  replayable(key: string, inputs: readonly Tensor[], f: (...inputs: Tensor[]) => Tensor[]): Tensor[] {
    if (!this.o.recordReplays) return f(...inputs); // nothing to record on this backend
    const id = replayId(key, inputs);
    let first = this.recorded.get(id);
    if (!first) this.recorded.set(id, (first = f));
    return first(...inputs);
  }

  forget(key: string): void {
    for (const id of [...this.recorded.keys()]) if (recordedUnder(id, key)) this.recorded.delete(id);
  }

  keep(t: Tensor): Tensor {
    return t;
  }

  linearMany(x: Tensor, ws: readonly Tensor[]): Tensor[] {
    return linearEach(this, x, ws);
  }

  linearGeglu(x: Tensor, w: Tensor, b?: Tensor): Tensor {
    return gegluOfLinear(this, x, w, b);
  }

  linear(x: Tensor, w: Tensor, b?: Tensor, residual?: Tensor): Tensor {
    checkLinear(x, w, b, residual);
    const [n, k] = w.shape as [number, number];
    const xs = data(x), ws = data(w), bs = b ? data(b) : undefined;
    const m = xs.length / k;
    const out = new Float32Array(m * n);
    if (bs) for (let r = 0; r < m; r++) out.set(bs, r * n);
    // two rows at once (each weight read once per two rows), the last alone
    let r = 0;
    for (; r + 2 <= m; r += 2) addDotsPair(xs, r * k, (r + 1) * k, ws, 0, k, k, n, out, r * n, (r + 1) * n);
    if (r < m) addDots(xs, r * k, ws, 0, k, k, n, out, r * n);
    return this.withResidual(make([...x.shape.slice(0, -1), n], out), residual);
  }

  conv2d(x: Tensor, w: Tensor, b: Tensor | undefined, opts: Conv2dOptions = {}, residual?: Tensor, input?: ConvInput): Tensor {
    const { shape, out } = conv2d(data(convInputOf(this, x, input)), x.shape, data(w), w.shape, b ? data(b) : undefined, opts, residual?.size);
    return this.withResidual(make(shape, out), residual);
  }

  /** y + residual as add(residual, y) computes it (this backend fuses nothing). */
  private withResidual(y: Tensor, residual?: Tensor): Tensor {
    return residual ? this.add(residual, y) : y;
  }

  layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps: number): Tensor {
    const c = x.channels;
    const xs = data(x), g = data(gamma), bt = data(beta);
    const out = new Float32Array(xs.length);
    for (let o = 0; o < xs.length; o += c) {
      let sum = 0;
      for (let i = 0; i < c; i++) sum += xs[o + i]!;
      const mean = sum / c;
      let sq = 0;
      for (let i = 0; i < c; i++) sq += (xs[o + i]! - mean) ** 2;
      const inv = 1 / Math.sqrt(sq / c + eps);
      for (let i = 0; i < c; i++) out[o + i] = (xs[o + i]! - mean) * inv * g[i]! + bt[i]!;
    }
    return make(x.shape, out);
  }

  attention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions): Tensor {
    checkSame('attention(k, v)', k, v);
    const probs = sparse.attentionProbs(data(q), q.shape, data(k), k.shape[1]!, opts.heads, opts.causal ?? false);
    return make(q.shape, sparse.applyProbs(probs, [q.shape[0]!, opts.heads, q.shape[1]!, k.shape[1]!], data(v), q.channels));
  }

  silu(x: Tensor): Tensor { return unary(x, silu); }
  gelu(x: Tensor): Tensor { return unary(x, gelu); }
  quickGelu(x: Tensor): Tensor { return unary(x, quickGelu); }
  unitRange(x: Tensor): Tensor { return unary(x, unitRange); }

  geglu(x: Tensor): Tensor {
    const f = x.channels / 2;
    const xs = data(x);
    const rows = xs.length / (2 * f);
    const out = new Float32Array(rows * f);
    for (let r = 0; r < rows; r++)
      for (let i = 0; i < f; i++) out[r * f + i] = xs[r * 2 * f + i]! * gelu(xs[r * 2 * f + f + i]!);
    return make([...x.shape.slice(0, -1), f], out);
  }

  add(a: Tensor, b: Tensor, scale = 1): Tensor {
    checkSame('add', a, b);
    const as = data(a), bs = data(b);
    const out = new Float32Array(as.length);
    for (let i = 0; i < as.length; i++) out[i] = as[i]! + bs[i]! * scale;
    return make(a.shape, out);
  }

  scale(x: Tensor, s: number): Tensor {
    return unary(x, (v) => v * s);
  }

  // With row flags, the rows left out hold NaN here: a reader of them shows in every result after it.
  concatChannels(a: Tensor, b: Tensor, rows?: Uint8Array): Tensor {
    checkConcat(a, b);
    const ca = a.channels, cb = b.channels;
    const as = data(a), bs = data(b);
    const positions = as.length / ca;
    const shape = [...a.shape.slice(0, -1), ca + cb];
    checkRowFlags('concatChannels', shape, rows);
    const out = new Float32Array(positions * (ca + cb)).fill(rows ? NaN : 0);
    for (let r = 0; r < positions; r++) {
      if (rows && !rows[Math.floor(r / shape[2]!) % shape[1]!]) continue;
      out.set(as.subarray(r * ca, (r + 1) * ca), r * (ca + cb));
      out.set(bs.subarray(r * cb, (r + 1) * cb), r * (ca + cb) + ca);
    }
    return make(shape, out);
  }

  upsampleNearest2x(x: Tensor, rows?: Uint8Array): Tensor {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    checkRowFlags('upsampleNearest2x', [n, 2 * h, 2 * w, c], rows);
    const xs = data(x);
    const out = new Float32Array(n * 4 * h * w * c).fill(rows ? NaN : 0);
    for (let b = 0; b < n; b++)
      for (let y = 0; y < 2 * h; y++) {
        if (rows && !rows[y]) continue;
        for (let xx = 0; xx < 2 * w; xx++) {
          const src = ((b * h + (y >> 1)) * w + (xx >> 1)) * c;
          out.set(xs.subarray(src, src + c), ((b * 2 * h + y) * 2 * w + xx) * c);
        }
      }
    return make([n, 2 * h, 2 * w, c], out);
  }

  embedding(table: Tensor, ids: Int32Array): Tensor {
    const [v, c] = table.shape as [number, number];
    const ts = data(table);
    const out = new Float32Array(ids.length * c);
    ids.forEach((id, r) => {
      if (id < 0 || id >= v) throw new FiseditError(`embedding: token id ${id} outside the vocabulary of ${v}`);
      out.set(ts.subarray(id * c, (id + 1) * c), r * c);
    });
    return make([ids.length, c], out);
  }

  splitChannels(x: Tensor, widths: readonly number[]): Tensor[] {
    const c = x.channels;
    checkSplit(x, widths);
    const xs = data(x);
    const rows = xs.length / c;
    let start = 0;
    return widths.map((wd) => {
      const out = new Float32Array(rows * wd);
      for (let r = 0; r < rows; r++) out.set(xs.subarray(r * c + start, r * c + start + wd), r * wd);
      start += wd;
      return make([...x.shape.slice(0, -1), wd], out);
    });
  }

  reshape(x: Tensor, shape: readonly number[]): Tensor {
    if (numel(shape) !== x.size) throw new Error(`reshape: ${shapeString(x.shape)} cannot become ${shapeString(shape)}`);
    return make(shape, data(x));
  }

  groupNormAffine(x: Tensor, groups: number, gamma: Tensor, beta: Tensor, eps: number, update?: GroupSumsUpdate, offset?: Tensor): GroupNormStats {
    const { n, c, h, w, pieces, sumsShape } = groupNormLayout(x, groups, update, 4, offset);
    const sums = sparse.groupSums(data(x), [n, h, w, c], groups, pieces, update && doubles(update.base), update?.rows, offset && data(offset));
    const { scale, shift } = sparse.groupAffineOfSums(sums, n, c, groups, (x.size / n) / groups, eps, data(gamma), data(beta), offset && data(offset));
    return { scale: make([n, c], scale), shift: make([n, c], shift), sums: make(sumsShape, new Float32Array(sums.buffer)) };
  }

  channelAffine(x: Tensor, a: ChannelAffine, withSilu = false): Tensor {
    return make(x.shape, sparse.channelAffine(data(x), x.shape[0]!, x.channels, data(a.scale), data(a.shift), withSilu));
  }

  gatherTiles(x: Tensor, tiles: TileSet, affine?: ChannelAffine, withSilu = false): Tensor {
    const a = affine ? { scale: data(affine.scale), shift: data(affine.shift) } : undefined;
    const blocks = tiles.origins.length / 2;
    return make([x.shape[0]! * blocks, tiles.side, tiles.side, x.channels], sparse.gatherTiles(data(x), x.shape, tiles.origins, tiles.side, a, withSilu));
  }

  conv2dTiles(x: Tensor, tiles: TileSet, affine: ChannelAffine | undefined, silu: boolean, w: Tensor, b: Tensor | undefined, stride: number, projection?: TileProjection): Tensor {
    return gatherThenConvolve(this, x, tiles, affine, silu, w, b, stride, projection);
  }

  overwriteBlocks(base: Tensor, src: Tensor, corners: Int32Array, active: Uint8Array, residual?: Tensor): Tensor {
    checkBlockWrite(base, residual);
    return make(src.shape, sparse.overwriteBlocks(data(base), base.shape, data(src), src.shape[1]!, corners, active, residual && data(residual)));
  }

  convTilesInto(base: Tensor, x: Tensor, conv: TileConvolution, write: BlockWrite): Tensor {
    return convolveThenOverwrite(this, base, x, conv, write);
  }

  gatherRows(x: Tensor, idx: Int32Array): Tensor {
    return make([x.shape[0]!, idx.length, x.channels], sparse.gatherRows(data(x), x.shape, idx));
  }

  overwriteRows(base: Tensor, src: Tensor, idx: Int32Array, sameRows = false): Tensor {
    checkRowsSource(base, src, idx, sameRows);
    return make([base.shape[0]!, idx.length, base.channels], sparse.overwriteRows(data(base), base.shape, data(src), idx, sameRows));
  }

  swapEach(swaps: readonly Swap[]): void {
    for (const s of swaps) checkSwap(s);
    // each as the overwrite of its rows, their array then taking what it returned
    for (const { base, rows, at } of swaps)
      data(rows).set('rows' in at ? sparse.overwriteRows(data(base), base.shape, data(rows), at.rows, false) : sparse.overwriteBlocks(data(base), base.shape, data(rows), rows.shape[1]!, at.corners, at.active));
  }

  gatherRowsAffine(x: Tensor, idx: Int32Array, affine: ChannelAffine): [Tensor, Tensor] {
    return gatherRowsThenAffine(this, x, idx, affine);
  }

  overwriteRowsPair(a: readonly [Tensor, Tensor], b: readonly [Tensor, Tensor], idx: Int32Array): [Tensor, Tensor] {
    return overwriteRowsEach(this, a, b, idx);
  }

  sliceBatch(x: Tensor, index: number): Tensor {
    const per = x.size / x.shape[0]!;
    return make([1, ...x.shape.slice(1)], data(x).slice(index * per, (index + 1) * per));
  }

  attentionProbs(q: Tensor, k: Tensor, heads: number, control?: ProbsControl): Tensor {
    const shape = [q.shape[0]!, heads, q.shape[1]!, k.shape[1]!];
    const p = sparse.attentionProbs(data(q), q.shape, data(k), k.shape[1]!, heads, false);
    if (!control) return make(shape, p);
    checkProbsItem(control.item, q.shape[0]!, control, 'attentionProbs');
    checkRemapMap(k.shape[1]!, control.map);
    return make(shape, sparse.remapProbs(p, shape, control.item, data(control.source), control.source.shape[3]!, Int32Array.from(data(control.map))));
  }

  applyProbs(probs: Tensor, v: Tensor): Tensor {
    const [b, , lq] = probs.shape as [number, number, number, number];
    return make([b, lq, v.channels], sparse.applyProbs(data(probs), probs.shape, data(v), v.channels));
  }

  attentionWithProbs(q: Tensor, k: Tensor, v: Tensor, heads: number, item: number, control?: ProbsControl): [Tensor, Tensor] {
    return attentionWithProbsOf(this, q, k, v, heads, item, control);
  }
}

