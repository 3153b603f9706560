// A backend that computes nothing: tensors are shapes, and each op adds its multiply-accumulates
// to the current scope. Running a model on it gives the MAC count of a dense or sparse step
// without weights (e.g. the full-size SD 2 U-Net on a 2-core machine).
import { attentionWithProbsOf, convSizes, convolveThenOverwrite, gatherRowsThenAffine, gatherThenConvolve, gegluOfLinear, groupNormLayout, linearEach, overwriteRowsEach, type AttentionOptions, type Backend, type ChannelAffine, type Conv2dOptions, type GroupNormStats, type GroupSumsUpdate, type HostBytes, type Prefetched, type TileSet, type BlockWrite, type TileConvolution, type TileProjection, type TileRowsChoice, type PlanChoices } from './backend.js';
import { Tensor, numel } from '../tensor/tensor.js';
import { HostLatents } from './latents.js';

const shapeOnly = (shape: readonly number[]) => new Tensor<null>(shape, null);

export class CountingBackend implements Backend {
  readonly name = 'counting';
  readonly firstCallsCost = false;
  readonly elementBytes = 4;
  readonly latents = new HostLatents(this);
  /** Another backend's plan choices that a sparse plan follows here (none: APSC's blocks by volume). */
  planOf: PlanChoices = {};

  tileRowsChoice(rows: number, channels: number): TileRowsChoice {
    return this.planOf.tileRowsChoice?.(rows, channels) ?? 'tiles';
  }

  tileBlocksByOutputs(ci: number, co: number, k: number, stride: number): readonly number[] | undefined {
    return this.planOf.tileBlocksByOutputs?.(ci, co, k, stride);
  }

  /** Where MACs are attributed now (set by whoever drives the model). */
  scope = 'other';
  readonly macs = new Map<string, number>();

  private count(n: number): void {
    this.macs.set(this.scope, (this.macs.get(this.scope) ?? 0) + n);
  }

  total(): number {
    let t = 0;
    for (const v of this.macs.values()) t += v;
    return t;
  }

  reset(): void {
    this.macs.clear();
  }

  urgently<T>(f: () => T): T { return f(); }
  fromHost(_d: Float32Array, shape: readonly number[]): Tensor { return shapeOnly(shape); }
  parameter(t: Tensor): Tensor { return t; }
  snapshot(t: Tensor): Tensor { return t; }
  aside<T>(_reads: readonly Tensor[], work: () => T): T { return work(); }
  toHost(t: Tensor, into?: Float32Array): Float32Array { return into ?? new Float32Array(numel(t.shape)); }
  toBytes(t: Tensor): Uint8Array { return new Uint8Array(numel(t.shape) * this.elementBytes); }
  fromBytes(_b: Uint8Array, shape: readonly number[]): Tensor { return shapeOnly(shape); }
  hostBuffer(bytes: number): Uint8Array { return new Uint8Array(bytes); }
  prefetch(items: readonly HostBytes[]): Prefetched { return { tensors: items.map(({ shape }) => shapeOnly(shape)), ready() {} }; }
  convWeight(_d: Float32Array, [o, i, kh, kw]: readonly [number, number, number, number]): Tensor { return shapeOnly([o, kh, kw, i]); }
  dispose(): void {}
  tidy<T>(f: () => T): T { return f(); }
  replayable(_key: string, inputs: readonly Tensor[], f: (...inputs: Tensor[]) => Tensor[]): Tensor[] {
    return f(...inputs); // nothing to record on this backend
  }

  forget(): void {}

  keep(t: Tensor): Tensor { return t; }

  linearMany(x: Tensor, ws: readonly Tensor[]): Tensor[] {
    return linearEach(this, x, ws);
  }

  linearGeglu(x: Tensor, w: Tensor, b?: Tensor): Tensor {
    return gegluOfLinear(this, x, w, b);
  }

  linear(x: Tensor, w: Tensor): Tensor {
    const [n, k] = w.shape as [number, number];
    this.count((x.size / k) * k * n);
    return shapeOnly([...x.shape.slice(0, -1), n]);
  }

  conv2d(x: Tensor, w: Tensor, _b: Tensor | undefined, opts: Conv2dOptions = {}): Tensor {
    const { n, ci, co, kh, kw, ho, wo } = convSizes(x.shape, w.shape, opts);
    this.count(n * ho * wo * co * kh * kw * ci);
    return shapeOnly([n, ho, wo, co]);
  }

  attention(q: Tensor, k: Tensor, _v: Tensor, _o: AttentionOptions): Tensor {
    this.count(2 * q.shape[0]! * q.shape[1]! * k.shape[1]! * q.channels);
    return shapeOnly(q.shape);
  }

  attentionProbs(q: Tensor, k: Tensor, heads: number): Tensor {
    this.count(q.shape[0]! * q.shape[1]! * k.shape[1]! * q.channels);
    return shapeOnly([q.shape[0]!, heads, q.shape[1]!, k.shape[1]!]);
  }

  attentionWithProbs(q: Tensor, k: Tensor, v: Tensor, heads: number, item: number): [Tensor, Tensor] {
    return attentionWithProbsOf(this, q, k, v, heads, item);
  }

  applyProbs(p: Tensor, v: Tensor): Tensor {
    const [b, , lq, lk] = p.shape as [number, number, number, number];
    this.count(b * lq * lk * v.channels);
    return shapeOnly([b, lq, v.channels]);
  }

  layerNorm(x: Tensor): Tensor { return shapeOnly(x.shape); }
  silu(x: Tensor): Tensor { return shapeOnly(x.shape); }
  gelu(x: Tensor): Tensor { return shapeOnly(x.shape); }
  quickGelu(x: Tensor): Tensor { return shapeOnly(x.shape); }
  unitRange(x: Tensor): Tensor { return shapeOnly(x.shape); }
  geglu(x: Tensor): Tensor { return shapeOnly([...x.shape.slice(0, -1), x.channels / 2]); }
  add(a: Tensor): Tensor { return shapeOnly(a.shape); }
  scale(x: Tensor): Tensor { return shapeOnly(x.shape); }
  concatChannels(a: Tensor, b: Tensor): Tensor { return shapeOnly([...a.shape.slice(0, -1), a.channels + b.channels]); }
  upsampleNearest2x(x: Tensor): Tensor { const [n, h, w, c] = x.shape as number[]; return shapeOnly([n!, 2 * h!, 2 * w!, c!]); }
  embedding(table: Tensor, ids: Int32Array): Tensor { return shapeOnly([ids.length, table.shape[1]!]); }
  splitChannels(x: Tensor, widths: readonly number[]): Tensor[] { return widths.map((w) => shapeOnly([...x.shape.slice(0, -1), w])); }
  reshape(_x: Tensor, shape: readonly number[]): Tensor { return shapeOnly(shape); }

  groupNormAffine(x: Tensor, groups: number, _gamma: Tensor, _beta: Tensor, _eps: number, _update?: GroupSumsUpdate, offset?: Tensor): GroupNormStats {
    const sums = shapeOnly(groupNormLayout(x, groups, undefined, this.elementBytes, offset).sumsShape);
    return { scale: shapeOnly([x.shape[0]!, x.channels]), shift: shapeOnly([x.shape[0]!, x.channels]), sums };
  }
  channelAffine(x: Tensor, _a: ChannelAffine): Tensor { return shapeOnly(x.shape); }
  gatherTiles(x: Tensor, tiles: TileSet): Tensor { return shapeOnly([x.shape[0]! * (tiles.origins.length / 2), tiles.side, tiles.side, x.channels]); }
  conv2dTiles(x: Tensor, tiles: TileSet, affine: ChannelAffine | undefined, silu: boolean, w: Tensor, b: Tensor | undefined, stride: number, projection?: TileProjection): Tensor {
    return gatherThenConvolve(this, x, tiles, affine, silu, w, b, stride, projection);
  }
  overwriteBlocks(_base: Tensor, src: Tensor): Tensor { return shapeOnly(src.shape); }
  convTilesInto(base: Tensor, x: Tensor, conv: TileConvolution, write: BlockWrite): Tensor { return convolveThenOverwrite(this, base, x, conv, write); }
  gatherRows(x: Tensor, idx: Int32Array): Tensor { return shapeOnly([x.shape[0]!, idx.length, x.channels]); }
  overwriteRows(base: Tensor, _src: Tensor, idx: Int32Array): Tensor { return shapeOnly([base.shape[0]!, idx.length, base.channels]); }
  swapEach(): void {}
  gatherRowsAffine(x: Tensor, idx: Int32Array, affine: ChannelAffine): [Tensor, Tensor] { return gatherRowsThenAffine(this, x, idx, affine); }
  overwriteRowsPair(a: readonly [Tensor, Tensor], b: readonly [Tensor, Tensor], idx: Int32Array): [Tensor, Tensor] { return overwriteRowsEach(this, a, b, idx); }
  sliceBatch(x: Tensor): Tensor { return shapeOnly([1, ...x.shape.slice(1)]); }
}
