// How the warpgroup-MMA attention (kernels/attention-sm90.cu) spreads one launch over the GPU: how
// many blocks share the keys of a query block (each writes a partial result that k_flash_combine
// merges), which query blocks are split (all, or those after the launch's full waves), and whether
// k_flash_wg64_pipe (two blocks an SM) or k_flash_wg64 (three) runs it. Splitting pays where it
// brings idle multiprocessors in or evens out a part-full last wave, and costs the partial results'
// traffic, the merge and each split's start (its queries, its first tile).
// Fitted to bench:attention's sweep of a 768 px sparse step's shapes on the H200 at every split
// count, pipelined and not (BENCH_ATTENTION_SHAPES=sparse,
// bench/results/2026-12-02-s33-call2-attention-sparse.log, …-attention-sparse-s33-sweep.json.xz):
// - fewer query blocks than one wave of k_flash_wg64 and long key ranges (48 tiles and more: a 768 px
//   map's 9216 tokens) from 0.75 blocks an SM: k_flash_wg64 over about 4.5 blocks an SM, all split
//   (640 / 1280 / 1920 query rows: 55.8 / 97.7 / 135.2 us against 61.2 / 104.1 / 142.1 unsplit or in
//   one wave of the pipelined kernel);
// - fewer still: split until about two an SM, the pipelined kernel in one wave (256 query rows over
//   9216 keys, 40 blocks: 29.4 us in six against 73.1 unsplit; 128 rows over 2304 keys: 16.8 in four
//   against 22.1); but not in two, which only moves half of the blocks' work to other SMs and does
//   not pay for the merge (384 rows over 2304 keys, 120 blocks: 22.0 us unsplit against 25.5);
// - a wave and more: the full waves whole, and the blocks of a last wave at most half full split
//   where a count of waves of tiles (tailCost) says that saves 5% or more (2816 / 3712 query rows over
//   9216 keys, 440 / 580 blocks for 396 places: 158.3 / 219.2 us against 207 / 229 unsplit and 194.3
//   / 233.8 all split; 16384 tokens at 1024 px 1691 against 1725). Fuller last waves stay whole: a
//   dense call's 9216 and 4096 tokens (1440 and 640 blocks) were 3-17% slower with theirs split
//   (554.4 / 124.8 us against 535.7 / 107.1; U-Net 11.28-11.57 / 5.23-5.33 ms against 11.21-11.41 /
//   5.06-5.14), each split block's start, partials and merge costing more than tailCost counts
//   (bench/results/2026-12-02-s33-call5-*).
import { WGMMA_BLOCKS_PER_SM, WGMMA_MIN_TILES_PER_SPLIT, WGMMA_PIPE_BLOCKS_PER_SM } from './kernels.js';

/** Key tiles from which a range counts as long (splitting it among blocks of k_flash_wg64 pays). */
const LONG_KEY_TILES = 48;
/** tailCost's price of a block's start, and of the merge, in key tiles. */
const START_TILES = 1, MERGE_TILES = 3;
/** The least share of a launch's time a split tail must save. */
const MIN_TAIL_GAIN = 0.05;

export interface FlashLaunch {
  /** Blocks sharing each split query block's keys (1: no partial results, no merge). */
  readonly splits: number;
  /** Query blocks, from the first, that one block each takes whole (the rest are split). */
  readonly whole: number;
  /** k_flash_wg64_pipe rather than k_flash_wg64. */
  readonly pipelined: boolean;
}

/**
 * The launch of `items` query blocks (of every batch item and head) over `tiles` key tiles on
 * `multiprocessors` SMs. `pipeline`: CudaOptions.wgmmaPipeline; `splits`: CudaOptions.flashSplits (a
 * number splits every query block).
 */
export function flashLaunch(items: number, tiles: number, multiprocessors: number, pipeline: boolean | 'auto', splits: number | 'auto'): FlashLaunch {
  const oneWave = (s: number) => items * s <= WGMMA_PIPE_BLOCKS_PER_SM * multiprocessors;
  const launch = (s: number, pipelined = pipeline === 'auto' ? oneWave(s) : pipeline): FlashLaunch => ({ splits: s, whole: s === 1 ? items : 0, pipelined });
  if (typeof splits === 'number') return launch(Math.min(splits, tiles));
  const mostSplits = Math.floor(tiles / WGMMA_MIN_TILES_PER_SPLIT);
  const slots = (pipeline === true ? WGMMA_PIPE_BLOCKS_PER_SM : WGMMA_BLOCKS_PER_SM) * multiprocessors;
  if (items >= slots) return splitTail(items, tiles, slots, mostSplits, pipeline === true);
  if (tiles >= LONG_KEY_TILES && items >= 0.75 * multiprocessors) {
    return launch(Math.max(1, Math.min(Math.ceil((4.5 * multiprocessors) / items), mostSplits)), pipeline === 'auto' ? false : pipeline);
  }
  const fill = Math.min(Math.floor((WGMMA_PIPE_BLOCKS_PER_SM * multiprocessors) / items), mostSplits);
  return launch(fill >= 3 ? fill : 1);
}

/** A launch of a wave and more: its full waves whole, and a last wave's blocks, if at most half of it, split where tailCost gains. */
function splitTail(items: number, tiles: number, slots: number, mostSplits: number, pipelined: boolean): FlashLaunch {
  const full = Math.floor(items / slots) * slots, tail = items - full;
  const unsplit = tailCost(items, tiles, slots, 1);
  let best: FlashLaunch = { splits: 1, whole: items, pipelined };
  let bestCost = unsplit * (1 - MIN_TAIL_GAIN);
  for (let s = 2; tail > 0 && tail <= slots / 2 && s <= mostSplits; s++) {
    const cost = (full / slots) * (tiles + START_TILES) + tailCost(tail, tiles, slots, s) + MERGE_TILES;
    if (cost < bestCost) [best, bestCost] = [{ splits: s, whole: full, pipelined }, cost];
  }
  return best;
}

/** Waves of `blocks` query blocks split `s` ways, each wave as long as a block's tiles and start. */
function tailCost(blocks: number, tiles: number, slots: number, s: number): number {
  return Math.ceil((blocks * s) / slots) * (Math.ceil(tiles / s) + START_TILES);
}
