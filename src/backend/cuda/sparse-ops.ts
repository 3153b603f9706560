// The sparse engine's gathers and in-place writes on the cuda backend: tiles and token rows taken
// from a map (through a norm's affine where asked), block outputs and rows written into a base in
// place with what they displaced returned, and the exchanges that cross an edit (swapEach).
import { checkBlockWrite, checkRowsSource, checkSwap, type ChannelAffine, type Swap, type TileSet } from '../backend.js';
import { sameShape, shapeString, type Tensor } from '../../tensor/tensor.js';
import { CudaDevice, putWords } from './device.js';
import { SWAP_WORDS } from './kernels.js';

export abstract class CudaSparseOps extends CudaDevice {
  gatherTiles(x: Tensor, tiles: TileSet, affine?: ChannelAffine, silu = false): Tensor {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const blocks = tiles.origins.length / 2;
    const out = this.empty([n * blocks, tiles.side, tiles.side, c]);
    this.runVector('k_gather_tiles', out.size, [this.p(x), this.p(this.indices(tiles.origins)), affine ? this.p(affine.scale) : 0, affine ? this.p(affine.shift) : 0, this.p(out), h, w, c, blocks, tiles.side, silu ? 1 : 0, out.size], [c]);
    return out;
  }

  overwriteBlocks(base: Tensor, src: Tensor, corners: Int32Array, active: Uint8Array, residual?: Tensor): Tensor {
    return this.writeBlocks(base, src, corners, active, residual);
  }

  /** overwriteBlocks, src first through a convolution's bias where given (per channel; rounded for storage before the residual, as a convolution's epilogue stores it). */
  protected writeBlocks(base: Tensor, src: Tensor, corners: Int32Array, active: Uint8Array, residual?: Tensor, bias?: Tensor): Tensor {
    const [, h, w, c] = base.shape as [number, number, number, number];
    checkBlockWrite(base, residual);
    if (bias && bias.size !== c) throw new Error(`overwriteBlocks: bias of ${bias.size} values for ${c} channels`);
    const held = this.result(src.shape);
    this.runVector('k_overwrite_blocks', src.size, [this.p(src), this.p(this.indices(corners)), this.p(this.indices(active)), residual ? this.p(residual) : 0, bias ? this.p(bias) : 0, this.p(base), this.p(held), h, w, c, corners.length / 2, src.shape[1]!, src.size], [c]);
    return held;
  }

  gatherRows(x: Tensor, idx: Int32Array): Tensor {
    return this.gatherRowsThrough(x, idx)[0];
  }

  gatherRowsAffine(x: Tensor, idx: Int32Array, affine: ChannelAffine): [Tensor, Tensor] {
    const [rows, affined] = this.gatherRowsThrough(x, idx, affine);
    return [rows, affined!];
  }

  /** The rows, and with an affine the rows through it too, in one launch. */
  private gatherRowsThrough(x: Tensor, idx: Int32Array, affine?: ChannelAffine): [Tensor, Tensor | undefined] {
    const [n, l, c] = x.shape as [number, number, number];
    const out = this.empty([n, idx.length, c]), affined = affine && this.empty(out.shape);
    const through = affine ? [this.p(affine.scale), this.p(affine.shift), this.p(affined!)] : [0, 0, 0];
    this.runVector('k_gather_rows', out.size, [this.p(x), this.p(this.indices(idx)), this.p(out), ...through, l, idx.length, c, out.size], [c]);
    return [out, affined];
  }

  overwriteRows(base: Tensor, src: Tensor, idx: Int32Array, sameRows = false): Tensor {
    return this.overwriteRowsOf([[base, src]], idx, sameRows)[0]!;
  }

  swapEach(swaps: readonly Swap[]): void {
    for (const s of swaps) checkSwap(s);
    // a table of SWAP_WORDS 64-bit words a swap (kernels/sparse.cu k_swap_each), as 32-bit halves
    const table = new Uint32Array(swaps.length * SWAP_WORDS * 2), vw = this.vectorWidth;
    let most = 0;
    swaps.forEach(({ base, rows, at }, i) => {
      const c = base.channels, whole = this.wholeVectors([this.p(base), this.p(rows)], [c]);
      const place = 'rows' in at ? [this.p(this.indices(at.rows)), 0, rows.size, c, base.shape[1]!, at.rows.length, 0, 0]
        : [this.p(this.indices(at.corners)), this.p(this.indices(at.active)), rows.size, c, base.shape[1]!, base.shape[2]!, at.corners.length / 2, rows.shape[1]!];
      putWords(table, i * SWAP_WORDS, [this.p(base), this.p(rows), ...place, whole ? 1 : 0]);
      most = Math.max(most, whole ? rows.size / vw : rows.size);
    });
    // a row of blocks a swap: at most MAX_GRID_Y swaps a launch
    for (let from = 0; most && from < swaps.length; from += MAX_GRID_Y) {
      const part = table.subarray(2 * from * SWAP_WORDS, 2 * Math.min(swaps.length, from + MAX_GRID_Y) * SWAP_WORDS);
      this.runOverTable('k_swap_each', part, [], Math.min(Math.ceil(most / 256), SWAP_BLOCKS), part.length / (2 * SWAP_WORDS));
    }
  }

  overwriteRowsPair(a: readonly [Tensor, Tensor], b: readonly [Tensor, Tensor], idx: Int32Array): [Tensor, Tensor] {
    if (!sameShape(a[0].shape, b[0].shape)) throw new Error(`overwriteRowsPair: bases ${shapeString(a[0].shape)} and ${shapeString(b[0].shape)} differ`);
    const [x, y] = this.overwriteRowsOf([a, b], idx, false);
    return [x!, y!];
  }

  /** overwriteRows of one or two (base, src) pairs shaped alike, in one launch (the second pair on blockIdx.y 1). */
  private overwriteRowsOf(pairs: readonly (readonly [Tensor, Tensor])[], idx: Int32Array, sameRows: boolean): Tensor[] {
    for (const [base, src] of pairs) checkRowsSource(base, src, idx, sameRows);
    const [n, l, c] = pairs[0]![0].shape as [number, number, number];
    const held = pairs.map(() => this.result([n, idx.length, c])), count = n * idx.length * c;
    if (count === 0) return held;
    const second = pairs[1] ? [this.p(pairs[1][1]), this.p(pairs[1][0]), this.p(held[1]!)] : [0, 0, 0];
    const args = [this.p(pairs[0]![1]), this.p(this.indices(idx)), this.p(pairs[0]![0]), this.p(held[0]!), ...second, l, idx.length, c, sameRows ? 1 : 0, count];
    const wide = this.vectorFits('k_overwrite_rows', args, [count, c]);
    this.run(wide ? 'k_overwrite_rows_v' : 'k_overwrite_rows', wide ? count / this.vectorWidth : count, args, 256, undefined, 0, pairs.length);
    return held;
  }
}

/** Swaps one k_swap_each launch takes at most (its grid's y dimension), and the blocks it gives each. */
const MAX_GRID_Y = 65535, SWAP_BLOCKS = 64;
