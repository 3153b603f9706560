// The cuda backend's norms and pointwise ops, each by kernels of ours alone (no library call):
// GroupNorm statistics and their affine, LayerNorm, activations, sums, concatenation and splits of
// channels, upsampling, embeddings, batch slices. The ops that call cuBLASLt or cuDNN (GEMMs,
// convolutions, attention) are cuda.ts's; the sparse engine's gathers and writes, sparse-ops.ts's.
import { checkConcat, checkRowFlags, checkSplit, groupNormLayout, type ChannelAffine, type GroupNormStats, type GroupSumsUpdate } from '../backend.js';
import { sameShape, shapeString, type Tensor } from '../../tensor/tensor.js';
import { FiseditError } from '../../io/errors.js';
import type { T } from './device.js';
import { GROUP_PARTIAL_SHARED_BYTES, SPLIT_PIECES, VEC_BATCH, layerNormLanes } from './kernels.js';
import { CudaSparseOps } from './sparse-ops.js';

export abstract class CudaPointwiseOps extends CudaSparseOps {
  groupNormAffine(x: Tensor, groups: number, gamma: Tensor, beta: Tensor, eps: number, update?: GroupSumsUpdate, offset?: Tensor): GroupNormStats {
    const { n, c, w, pieces, segments, sumsShape } = groupNormLayout(x, groups, update, this.elementBytes, offset);
    const scale = this.empty([n, c]), shift = this.empty([n, c]);
    const sums = this.empty(sumsShape);
    // the segments to sum: all of them, or those of the flagged rows (a plan's list, uploaded once)
    const list = update ? this.segmentList(update.rows, pieces) : undefined;
    const listed = list ? list.size : segments;
    const off = offset ? this.p(offset) : 0;
    const args = [this.p(x), off, this.p(sums), list ? this.p(list) : 0, listed, w, pieces, segments, c, groups];
    const vw = this.vectorFits('k_group_partial', args, [c]) ? this.vectorWidth : 1;
    // a thread per channel vector, as many rows of them as fit 256 threads (one row when they do not)
    const vectors = c / vw, rows = Math.max(1, Math.floor(256 / vectors)), shared = rows * c * 16;
    if (vectors > 1024 || shared > GROUP_PARTIAL_SHARED_BYTES) throw new FiseditError(`groupNorm: ${c} channels are more than this backend's statistics kernel takes`);
    // the affine straight after the partial sums, nothing between: it loads all else before it waits
    // for them (ops.cu). 128 threads: 256 were slower (bench/results/2026-12-02-s35-run6.sh)
    const flags = update ? this.indices(update.rows).storage.ptr : 0;
    this.run(vw > 1 ? 'k_group_partial_v' : 'k_group_partial', 0, args, rows * vectors, n * listed, shared);
    this.run('k_group_affine', 0, [this.p(sums), update ? this.p(update.base) : 0, flags, pieces, segments,
      (x.size / n) / groups, eps, this.p(gamma), this.p(beta), off, this.p(scale), this.p(shift), c, groups], 128, n * groups);
    return { scale, shift, sums };
  }

  /** The segments of the flagged rows, on the device (made once per flags array: a plan's are fixed). */
  private readonly segmentLists = new WeakMap<Uint8Array, Map<number, T>>();
  private segmentList(rows: Uint8Array, pieces: number): T {
    let byPieces = this.segmentLists.get(rows);
    if (!byPieces) this.segmentLists.set(rows, (byPieces = new Map()));
    let t = byPieces.get(pieces);
    if (!t) {
      const list: number[] = [];
      rows.forEach((on, y) => { if (on) for (let k = 0; k < pieces; k++) list.push(y * pieces + k); });
      t = this.indices(Int32Array.from(list));
      byPieces.set(pieces, t);
    }
    return t;
  }

  layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps: number): Tensor {
    const c = x.channels;
    const out = this.empty(x.shape);
    const rows = x.size / c;
    const pointers = [this.p(x), this.p(gamma), this.p(beta), this.p(out)];
    const wide = this.vectorFits('k_layer_norm', pointers, [c]);
    const lanes = layerNormLanes(c, wide ? this.vectorWidth : 1), rowsPerBlock = (256 / 32) * (32 / lanes);
    const blocks = Math.ceil(rows / rowsPerBlock);
    // a block an SM or fewer (a sparse step's tokens): the build that loads gamma and beta with the
    // row, which the registers it takes would cost in occupancy over a dense map's waves of blocks
    const name = !wide ? 'k_layer_norm' : blocks <= this.driver.multiprocessors ? 'k_layer_norm_vw' : 'k_layer_norm_v';
    this.run(name, 0, [...pointers, c, eps, rows, lanes], 256, blocks);
    return out;
  }

  private unary(x: Tensor, mode: number): Tensor {
    const out = this.empty(x.shape);
    this.runVector('k_unary', x.size, [this.p(x), this.p(out), mode, x.size], []);
    return out;
  }

  silu(x: Tensor): Tensor { return this.unary(x, 0); }
  gelu(x: Tensor): Tensor { return this.unary(x, 1); }
  quickGelu(x: Tensor): Tensor { return this.unary(x, 2); }
  unitRange(x: Tensor): Tensor { return this.unary(x, 3); }

  geglu(x: Tensor): Tensor {
    const f = x.channels / 2;
    const out = this.empty([...x.shape.slice(0, -1), f]);
    this.runVector('k_geglu', out.size, [this.p(x), this.p(out), f, out.size], [f]);
    return out;
  }

  add(a: Tensor, b: Tensor, scale = 1): Tensor {
    if (!sameShape(a.shape, b.shape)) throw new Error(`add: shapes ${shapeString(a.shape)} and ${shapeString(b.shape)} differ`);
    const out = this.empty(a.shape);
    this.runVector('k_add', a.size, [this.p(a), this.p(b), this.p(out), scale, a.size], []);
    return out;
  }

  scale(x: Tensor, s: number): Tensor {
    const out = this.empty(x.shape);
    this.runVector('k_scale', x.size, [this.p(x), this.p(out), s, x.size], []);
    return out;
  }

  concatChannels(a: Tensor, b: Tensor, rows?: Uint8Array): Tensor {
    checkConcat(a, b);
    const ca = a.channels, cb = b.channels;
    const out = this.empty([...a.shape.slice(0, -1), ca + cb]);
    const { list, listed, h, w, elements } = this.listedRows('concatChannels', out, rows);
    this.runVector('k_concat', elements, [this.p(a), this.p(b), this.p(out), ca, cb, list, listed, h, w, elements], [ca, cb]);
    return out;
  }

  upsampleNearest2x(x: Tensor, rows?: Uint8Array): Tensor {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const out = this.empty([n, 2 * h, 2 * w, c]);
    const { list, listed, elements } = this.listedRows('upsampleNearest2x', out, rows);
    this.runVector('k_upsample2x', elements, [this.p(x), this.p(out), list, listed, h, w, c, elements], [c]);
    return out;
  }

  /**
   * The rows of a map op's output that `rows` flags (Backend.concatChannels): the plan's list on the
   * device, how many, the map's rows and width, and the elements to compute. Without flags every
   * element (the kernels then take each element's place as its own and ignore the rest).
   */
  private listedRows(op: string, out: Tensor, rows: Uint8Array | undefined) {
    checkRowFlags(op, out.shape, rows);
    if (!rows) return { list: 0, listed: 0, h: 0, w: 0, elements: out.size };
    const [n, h, w] = out.shape as [number, number, number];
    const list = this.segmentList(rows, 1); // a segment of one piece is a row
    return { list: list.storage.ptr, listed: list.size, h, w, elements: n * list.size * w * out.channels };
  }

  embedding(table: Tensor, ids: Int32Array): Tensor {
    const [v, c] = table.shape as [number, number];
    for (const id of ids) if (id < 0 || id >= v) throw new FiseditError(`embedding: token id ${id} outside the vocabulary of ${v}`);
    const out = this.empty([ids.length, c]);
    this.tidy(() => this.run('k_embedding', out.size, [this.p(table), this.p(this.ints(ids)), this.p(out), c, out.size]));
    return out;
  }

  splitChannels(x: Tensor, widths: readonly number[]): Tensor[] {
    const c = x.channels, rows = x.size / c;
    checkSplit(x, widths);
    const outs = widths.map((w) => this.empty([...x.shape.slice(0, -1), w]));
    const starts = widths.map((_, i) => widths.slice(0, i).reduce((a, w) => a + w, 0));
    // SPLIT_PIECES pieces a launch, blockIdx.y the piece: the SplitPieces struct as its pointers, then its offsets (unused ones 0)
    for (let from = 0; from < widths.length; from += SPLIT_PIECES) {
      const part = outs.slice(from, from + SPLIT_PIECES), first = starts[from]!;
      const bounds = [...starts.slice(from, from + SPLIT_PIECES), first + part.reduce((a, t) => a + t.channels, 0)];
      const args = [this.p(x), rows, c, ...Array.from({ length: SPLIT_PIECES }, (_, i) => (part[i] ? this.p(part[i]!) : 0)), ...Array.from({ length: SPLIT_PIECES + 1 }, (_, i) => bounds[i] ?? 0)];
      const wide = this.vectorFits('k_split_cols', args, [c, ...bounds]);
      const most = Math.max(...part.map((t) => t.size)) / (wide ? this.vectorWidth : 1);
      this.run(wide ? 'k_split_cols_v' : 'k_split_cols', most, args, 256, undefined, 0, part.length);
    }
    return outs;
  }

  channelAffine(x: Tensor, a: ChannelAffine, silu = false): Tensor {
    const out = this.empty(x.shape);
    this.runVector('k_channel_affine', x.size, [this.p(x), this.p(a.scale), this.p(a.shift), this.p(out), x.size / x.shape[0]!, x.channels, silu ? 1 : 0, x.size], [x.channels], { batch: VEC_BATCH });
    return out;
  }

  sliceBatch(x: Tensor, index: number): Tensor {
    // one item, copied by a kernel of ours straight from x (a replay re-points it if x is an input;
    // through readable() it was a copy of the whole of x, then a driver copy of the item)
    const per = x.size / x.shape[0]!;
    return this.copyFrom(this.p(x) + index * per * this.elementBytes, [1, ...x.shape.slice(1)]);
  }
}
