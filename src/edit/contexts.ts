// The step contexts of the FISEdit engine (see models/step-context.ts for the contract).
//  - RecordingContext: a dense step that also records the cache of the step, and optionally
//    replaces cross-attention probabilities of aligned tokens (cross-attention control).
//  - SparseContext: a sparse step. Every layer output is the base version's output of that layer at
//    this step, recomputed only at the active positions of its resolution: written into the base's
//    buffer in place (what it held there kept in rec.displaced), and recorded as the new version's cache.
// A layer's output is what it returns, its residual sum included (a resnet's second convolution,
// a transformer's proj_out): so a sparse step adds residuals only where it recomputes.
import { normRows, type Backend, type ChannelAffine, type GroupNormStats, type Placement } from '../backend/backend.js';
import type { Conv2d, GroupNorm, Linear, StackedLinear } from '../models/layers.js';
import { DenseContext, isProjected, normOffset, residualTensor, type ProjectedResidual, type StepContext } from '../models/step-context.js';
import type { Tensor } from '../tensor/tensor.js';
import type { StepCache } from './cache.js';
import type { ConvPlan, SparsePlan } from './plan.js';

/** Where a controlled step's inputs (a StepCache of the base's probabilities) hold the token alignment. */
export const ALIGNMENT = 'cross-attention alignment';

/** Cross-attention control: the base's probabilities for new tokens aligned with old ones. */
export interface CrossAttentionControl {
  base: StepCache;
  /**
   * For each new token position, the aligned old position, or -1 (the token keeps its own), as
   * values of a tensor: an input of the recorded step like `base` (each edit has its own alignment).
   */
  map: Tensor;
}

export interface RecordOptions {
  /** Batch item of the conditional prompt (1 with guidance, 0 without). */
  condItem: number;
  /** Record cross-attention probabilities (the first k steps). */
  recordProbs: boolean;
  control?: CrossAttentionControl;
}

/** Statistics kept as the new version's record of the norm. */
function keptNorm(ops: Backend, rec: StepCache, norm: GroupNorm, s: GroupNormStats): ChannelAffine {
  const kept = { scale: ops.keep(s.scale), shift: ops.keep(s.shift), sums: ops.keep(s.sums) };
  rec.norms.set(norm.name, kept);
  return kept;
}

export class RecordingContext implements StepContext {
  private readonly dense: DenseContext;
  constructor(readonly ops: Backend, private readonly rec: StepCache, private readonly o: RecordOptions) {
    this.dense = new DenseContext(ops);
  }

  // the recorded affine is applied as GroupNorm.forward would (same bits, statistics computed once)
  conv(conv: Conv2d, x: Tensor, norm?: GroupNorm, silu = false, residual?: Tensor | ProjectedResidual, offset?: Tensor): Tensor {
    const inputOffset = normOffset(conv, norm, offset);
    const y = conv.forward(x, residualTensor(residual), { affine: norm && this.recordNorm(norm, x, inputOffset), silu });
    this.rec.tensors.set(conv.name, this.kept(y));
    return y;
  }

  concat(a: Tensor, b: Tensor): Tensor {
    return this.dense.concat(a, b);
  }

  upsample(x: Tensor): Tensor {
    return this.dense.upsample(x);
  }

  tokens(norm: GroupNorm, x: Tensor): Tensor {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    return this.ops.reshape(this.ops.channelAffine(x, this.recordNorm(norm, x)), [n, h * w, c]);
  }

  private recordNorm(norm: GroupNorm, x: Tensor, offset?: Tensor): ChannelAffine {
    return keptNorm(this.ops, this.rec, norm, norm.affine(x, undefined, offset));
  }

  untokens(projOut: Linear, t: Tensor, x: Tensor): Tensor {
    const y = this.dense.untokens(projOut, t, x);
    // recorded as tokens [N, L, C], as the sparse step writes rows into it
    this.rec.tensors.set(projOut.name, this.kept(this.ops.reshape(y, t.shape)));
    return y;
  }

  selfAttention(name: string, q: Tensor, k: Tensor, v: Tensor, heads: number): Tensor {
    this.rec.tensors.set(`${name}.k`, this.kept(k));
    this.rec.tensors.set(`${name}.v`, this.kept(v));
    return this.dense.selfAttention(name, q, k, v, heads);
  }

  crossAttention(name: string, q: Tensor, k: Tensor, v: Tensor, heads: number): Tensor {
    if (!this.o.recordProbs && !this.o.control) return this.dense.crossAttention(name, q, k, v, heads);
    const c = this.o.control, source = c?.base.probs.get(name), item = this.o.condItem;
    if (c && !source) throw new Error(`cross-attention control: the base version has no probabilities for ${name} at this step`);
    const [out, p] = this.ops.attentionWithProbs(q, k, v, heads, item, c && { item, source: source!, map: c.map });
    if (this.o.recordProbs) this.rec.probs.set(name, this.kept(p));
    return out;
  }

  timeShifts(proj: StackedLinear, embedding: () => Tensor): ReadonlyMap<string, Tensor> {
    const ys = proj.forward(embedding());
    for (const [name, y] of ys) this.rec.tensors.set(name, this.kept(y));
    return ys;
  }

  /**
   * A recorded tensor as the cache keeps it: a snapshot (Backend.snapshot; the model reads t after,
   * never writes it), which the cuda backend copies out beside the rest of the step. The norms'
   * scales and shifts stay as they are: the step's convolutions read them after.
   */
  private kept(t: Tensor): Tensor {
    return this.ops.keep(this.ops.snapshot(t));
  }
}

export type NormMode = 'exact' | 'cached';
export type AttentionMode = 'accurate' | 'fast';

export interface SparseOptions extends RecordOptions {
  norm: NormMode;
  attention: AttentionMode;
}

export class SparseContext implements StepContext {
  /** Active token rows of the transformer being computed, and its input there (set by tokens()). */
  private rows: Int32Array = new Int32Array(0);
  private rowsInput: Tensor | undefined;

  constructor(
    readonly ops: Backend,
    private readonly plan: SparsePlan,
    private readonly base: StepCache,
    private readonly rec: StepCache,
    private readonly o: SparseOptions,
  ) {}

  /**
   * The norm's per-channel affine: statistics of the mixed map (exact: the base's sums with the rows
   * of this resolution's active positions summed afresh, the only rows where the mixed map differs
   * from the base's) or the base's (cached).
   */
  private affine(norm: GroupNorm, x: Tensor, offset?: Tensor): ChannelAffine {
    const base = this.base.norms.get(norm.name);
    if (this.o.norm === 'cached') {
      if (!base) throw new Error(`cache has no GroupNorm statistics for ${norm.name}`);
      // not the base's sums: they are not those of the new version's map
      this.rec.norms.set(norm.name, { scale: base.scale, shift: base.shift });
      return base;
    }
    const { h, w } = normRows(x);
    return keptNorm(this.ops, this.rec, norm, norm.affine(x, base?.sums && { base: base.sums, rows: this.plan.rows(h, w) }, offset));
  }

  /** Keeps what a write into the base's layer displaced (none when no rows were written). */
  private displaced(key: string, layer: Tensor, rows: Tensor, write: Placement): void {
    if (rows.size) this.rec.displaced.set(key, { layer, rows: this.ops.keep(rows), write });
  }

  /** How convolution `conv` of an n x inH x inW map runs in this edit (SparsePlan.conv: decided by whichever op asks first). */
  private convPlan(conv: Conv2d, n: number, inH: number, inW: number): ConvPlan {
    const ops = this.ops;
    const tileRows = ops.tileRowsChoice && ((outputs: number) => ops.tileRowsChoice!(n * outputs, conv.inChannels));
    const byOutputs = ops.tileBlocksByOutputs?.(conv.inChannels, conv.outChannels, conv.kernel, conv.stride);
    return this.plan.conv(conv.name, { inH, inW, kernel: conv.kernel, stride: conv.stride, padding: conv.padding }, tileRows, byOutputs);
  }

  /**
   * The maps concat and upsample made only in their readers' rows, with those readers' names: read by
   * any other layer, rows never made. Kept by storage where the backend's is an object, so that a
   * reshape of such a map is known too (a MAC count's shape-only tensors have none: by the tensor).
   */
  private readonly madeFor = new WeakMap<object, readonly string[]>();
  private static mapKey(t: Tensor): object {
    return typeof t.storage === 'object' && t.storage !== null ? t.storage : t;
  }

  /**
   * An n x h x w map that only `readers` read, made by `make` in the rows their input windows hold in
   * this edit's plan (every row where one runs densely), and kept with their names (checkReader).
   */
  private mapFor(readers: readonly Conv2d[], n: number, h: number, w: number, make: (rows: Uint8Array | undefined) => Tensor): Tensor {
    const rows = this.plan.inputRows(readers.map((r) => r.name).join(' '), h, w, readers.map((r) => this.convPlan(r, n, h, w)));
    const map = make(rows);
    if (rows) this.madeFor.set(SparseContext.mapKey(map), readers.map((r) => r.name));
    return map;
  }

  /** Refuses x, a map made only where other convolutions read it, as what `reader` reads (undefined: a transformer's tokens). */
  private checkReader(x: Tensor, reader: Conv2d | undefined): void {
    const readers = this.madeFor.get(SparseContext.mapKey(x));
    if (readers && !(reader && readers.includes(reader.name)))
      throw new Error(`${reader?.name ?? 'a transformer'} reads a map made only in the rows that ${readers.join(' and ')} read (StepContext.concat / upsample name every reader)`);
  }

  concat(a: Tensor, b: Tensor, readers: readonly Conv2d[]): Tensor {
    const [n, h, w] = a.shape as [number, number, number];
    return this.mapFor(readers, n, h, w, (rows) => this.ops.concatChannels(a, b, rows));
  }

  upsample(x: Tensor, reader: Conv2d): Tensor {
    const [n, h, w] = x.shape as [number, number, number];
    return this.mapFor([reader], n, 2 * h, 2 * w, (rows) => this.ops.upsampleNearest2x(x, rows));
  }

  conv(conv: Conv2d, x: Tensor, norm?: GroupNorm, silu = false, residual?: Tensor | ProjectedResidual, offset?: Tensor): Tensor {
    const ops = this.ops;
    const inputOffset = normOffset(conv, norm, offset);
    // a residual is read where this layer writes, within its windows: this layer reads it
    for (const read of [x, isProjected(residual) ? residual.x : residual]) if (read) this.checkReader(read, conv);
    const [n, inH, inW] = x.shape as [number, number, number];
    const p = this.convPlan(conv, n, inH, inW);
    const y = this.base.get(conv.name); // written in place where this step recomputes
    // a projected residual is read only where this layer writes: over tiles, computed with this layer
    // at its blocks; with a dense plan, over the whole map (residualTensor). No cache keeps its map.
    const projected = isProjected(residual) && p.kind === 'tiles' ? residual : undefined;
    const r = projected ? undefined : residualTensor(residual);
    if (p.kind === 'tiles' && p.corners.length === 0) {
      if (norm) this.affine(norm, x, inputOffset); // nothing changes at this layer
    } else {
      const affine = norm ? this.affine(norm, x, inputOffset) : undefined;
      if (p.kind === 'dense') {
        const rows = [n, p.outH * p.outW, conv.outChannels];
        const idx = this.plan.tokens(p.outH, p.outW), layer = ops.reshape(y, rows);
        const fresh = ops.reshape(conv.forward(x, r, { affine, silu }), rows);
        this.displaced(conv.name, layer, ops.overwriteRows(layer, fresh, idx, true), { rows: idx });
      } else {
        const write = { corners: p.corners, active: p.active };
        const tiles = { origins: p.origins, side: p.side };
        const held = projected
          ? conv.forwardTilesInto(y, x, tiles, affine, silu, write, projected)
          : conv.forwardTilesInto(y, x, tiles, affine, silu, { ...write, residual: r });
        this.displaced(conv.name, y, held, write);
      }
    }
    this.rec.tensors.set(conv.name, y);
    return y;
  }

  tokens(norm: GroupNorm, x: Tensor): Tensor {
    this.checkReader(x, undefined);
    const [n, h, w, c] = x.shape as [number, number, number, number];
    this.rows = this.plan.tokens(h, w);
    const [rows, normed] = this.ops.gatherRowsAffine(this.ops.reshape(x, [n, h * w, c]), this.rows, this.affine(norm, x));
    this.rowsInput = rows;
    return normed;
  }

  untokens(projOut: Linear, t: Tensor, x: Tensor): Tensor {
    const y = this.base.get(projOut.name);
    if (this.rows.length) {
      this.displaced(projOut.name, y, this.ops.overwriteRows(y, projOut.forward(t, this.rowsInput), this.rows), { rows: this.rows });
    }
    this.rec.tensors.set(projOut.name, y);
    return this.ops.reshape(y, x.shape);
  }

  selfAttention(name: string, q: Tensor, k: Tensor, v: Tensor, heads: number): Tensor {
    // all-token K/V: the base's for unchanged tokens, fresh ones for the active tokens
    const kAll = this.base.get(`${name}.k`), vAll = this.base.get(`${name}.v`);
    const accurate = this.o.attention === 'accurate';
    const overwrite = () => this.ops.overwriteRowsPair([kAll, k], [vAll, v], this.rows);
    // fast attention reads the fresh rows alone: the all-token write is for later steps, beside this one's work
    const [heldK, heldV] = accurate ? overwrite() : this.ops.aside([k, v, kAll, vAll], overwrite);
    const write = { rows: this.rows };
    this.displaced(`${name}.k`, kAll, heldK, write);
    this.displaced(`${name}.v`, vAll, heldV, write);
    this.rec.tensors.set(`${name}.k`, kAll);
    this.rec.tensors.set(`${name}.v`, vAll);
    return accurate ? this.ops.attention(q, kAll, vAll, { heads }) : this.ops.attention(q, k, v, { heads });
  }

  crossAttention(name: string, q: Tensor, k: Tensor, v: Tensor, heads: number): Tensor {
    if (!this.o.recordProbs) return this.ops.attention(q, k, v, { heads });
    const [out, p] = this.ops.attentionWithProbs(q, k, v, heads, this.o.condItem);
    const baseProbs = this.base.probs.get(name);
    if (baseProbs) {
      // the new version's probabilities: the base's rows with the active queries replaced
      const [, hh, l, lk] = baseProbs.shape as [number, number, number, number];
      const layer = this.ops.reshape(baseProbs, [hh, l, lk]);
      this.displaced(`${name}.probs`, layer, this.ops.overwriteRows(layer, this.ops.reshape(p, [hh, this.rows.length, lk]), this.rows), { rows: this.rows });
      this.rec.probs.set(name, baseProbs);
    }
    return out;
  }

  /**
   * The base's step has the same timestep, so its projections are what this step would compute, bit
   * for bit: taken, not computed (their GEMM and the embedding's MLP fewer a step). A base recorded
   * before the projections were kept has none: then they are computed.
   */
  timeShifts(proj: StackedLinear, embedding: () => Tensor): ReadonlyMap<string, Tensor> {
    const kept = proj.names.every((n) => this.base.tensors.has(n));
    const ys = new Map(kept ? proj.names.map((n) => [n, this.base.tensors.get(n)!]) : [...proj.forward(embedding())].map(([n, y]) => [n, this.ops.keep(y)]));
    for (const [name, y] of ys) this.rec.tensors.set(name, y);
    return ys;
  }
}
