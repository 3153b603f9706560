// Which kernel runs a fused tile convolution (CudaBackend.convTilesInto with tileConvolution
// 'fused', or 'rows' where it picks k_tile_conv_wgs) and how its blocks divide the product: rows
// (tile positions) x Cout over K = ks * ks * C.
import { SHARED_BYTES_PER_SM, TILE_CONV_COUNTERS, TILE_CONV_COLS, TILE_CONV_K, TILE_CONV_ROWS, TILE_CONV_THREADS, TILE_CONV_WG_BUILDS, TILE_CONV_WG_K, tileConvWgName, tileConvWgSharedBytes, tileConvWgThreads } from './kernels.js';

/** A tile convolution's launch: the kernel, its blocks (`tiles` of the product, K split `splits` ways into `perSplit` k-tiles) and their resources. */
export interface TileConvKernel {
  name: string;
  tiles: number;
  splits: number;
  perSplit: number;
  threads: number;
  sharedBytes: number;
  /** Whether the splits meet in global memory (a float buffer of splits x rows x Cout) rather than in a cluster. */
  partials: boolean;
  /** k_tile_conv_wgs: the weights as wgmma's M, the rows as N (what tileConvolution 'rows' runs), brought by the TMA (a tensor map in boxes of outputsPerBlock rows). */
  swapped: boolean;
  /** Output channels a block takes. */
  outputsPerBlock: number;
}

/**
 * The kernel for `rows` x C -> Cout over K = kdim on a GPU of `sms` multiprocessors. With Hopper's
 * kernels (`wgmma`) and channels that are multiples of 64, the k_tile_conv_wg build and split (a
 * cluster's blocks) of least estimated time (wgTime); otherwise k_tile_conv, its K split in enough
 * pieces for ~4 blocks a multiprocessor.
 */
export function tileConvKernel(rows: number, c: number, co: number, kdim: number, sms: number, wgmma: boolean): TileConvKernel {
  if (wgmma && c % 64 === 0 && co % 64 === 0) {
    let best: (TileConvKernel & { us: number }) | undefined;
    for (const b of TILE_CONV_WG_BUILDS)
      for (const splits of b.splits) {
        const tiles = Math.ceil(rows / b.rows) * Math.ceil(co / b.cols), perSplit = Math.ceil(kdim / TILE_CONV_WG_K / splits);
        const sharedBytes = tileConvWgSharedBytes(b.rows, b.cols), perSm = Math.floor(SHARED_BYTES_PER_SM / (sharedBytes + 1024));
        const us = wgTime(tiles * splits, perSm, sms, (b.rows + b.cols) * 128 * perSplit, splits);
        if (!best || us < best.us) best = { name: tileConvWgName(b, splits), tiles, splits, perSplit, threads: tileConvWgThreads(b), sharedBytes, partials: false, swapped: b.swapped, outputsPerBlock: b.cols, us };
      }
    const { us: _us, ...chosen } = best!;
    return chosen;
  }
  const tiles = Math.ceil(rows / TILE_CONV_ROWS) * Math.ceil(co / TILE_CONV_COLS), ktiles = Math.ceil(kdim / TILE_CONV_K);
  const perSplit = Math.ceil(ktiles / splitsOf(tiles, ktiles, sms));
  return { name: 'k_tile_conv', tiles, splits: Math.ceil(ktiles / perSplit), perSplit, threads: TILE_CONV_THREADS, sharedBytes: 0, partials: true, swapped: false, outputsPerBlock: TILE_CONV_COLS };
}

/**
 * How many splits of K k_tile_conv takes for `tiles` output tiles of `ktiles` k-tiles: enough blocks
 * for ~4 per multiprocessor, each split at least MIN_KTILES long (its partial product costs a write
 * and a read), one when the tiles fill the GPU already or they are too many to count.
 */
function splitsOf(tiles: number, ktiles: number, sms: number): number {
  if (tiles > TILE_CONV_COUNTERS) return 1;
  return Math.max(1, Math.min(Math.ceil((4 * sms) / tiles), Math.floor(ktiles / MIN_KTILES)));
}
/** k_tile_conv's shortest split of K (in k-tiles of TILE_CONV_K). */
const MIN_KTILES = 16;

/**
 * Estimated microseconds of a k_tile_conv_wg launch of `blocks` blocks, `perSm` of which fit a
 * multiprocessor, each loading `bytes` of operands from L2: the kernel is bound by how fast a
 * multiprocessor's blocks load (bench:tile-conv on the H200: ~33 bytes a ns a multiprocessor, about
 * 4.3 TB/s over all of them), so the time is the waves of blocks times what one multiprocessor loads
 * in a wave, plus each split's cost of adding the partial products through the cluster.
 */
function wgTime(blocks: number, perSm: number, sms: number, bytes: number, splits: number): number {
  const waves = Math.ceil(blocks / (perSm * sms)), sharing = Math.min(perSm, Math.ceil(blocks / sms));
  return waves * sharing * (bytes / SM_BYTES_PER_US) + (splits > 1 ? SPLIT_US * splits : 0);
}
const SM_BYTES_PER_US = 33_000, SPLIT_US = 0.3;
