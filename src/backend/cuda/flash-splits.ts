// How the warpgroup-MMA attention (kernels/attention-sm90.cu) spreads one launch over the GPU: how
// many blocks share the keys of each query block (each writes a partial result that
// k_flash_combine merges), and whether k_flash_wg64_pipe (two blocks an SM) or k_flash_wg64 (three)
// runs it. Splitting pays when it brings idle multiprocessors in, or evens out a last partial wave,
// and costs the partial results' traffic, the merge and each split's start (queries, first tile).
// The rule is fitted to bench:attention's sweep of a 768 px sparse step's shapes on the H200 at
// every split count, pipelined and not (BENCH_ATTENTION_SHAPES=sparse,
// bench/results/2026-12-02-s33-call2-attention-sparse.log, …-attention-sparse-s33-sweep.json.xz):
// - few query blocks (under an SM each): split until about two an SM, the pipelined kernel in one
//   wave (256 query rows over 9216 keys, 40 blocks: 29.4 us in six against 73.1 unsplit; 128 rows
//   over 2304 keys: 16.8 in four against 22.1); but not in two, which only moves half of the blocks'
//   work to other SMs and does not pay for the merge (384 rows over 2304 keys, 120 blocks: 22.0 us
//   unsplit against 25.5);
// - long key ranges (48 tiles and more: a 768 px map's 9216 tokens) and 0.75-3.75 query blocks an
//   SM: k_flash_wg64 over about 4.5 blocks an SM, 1.5 of its waves (640 / 1280 / 1920 / 2816 query
//   rows: 54.7 / 95.5 / 133.5 / 190.7 us against 61.2 / 104.1 / 142.1 / 207 unsplit or in one wave);
// - more query blocks than that: unsplit (3712 rows over 9216 keys: 229 us, 234 split in two).
import { WGMMA_MIN_TILES_PER_SPLIT, WGMMA_PIPE_BLOCKS_PER_SM } from './kernels.js';

/** Key tiles from which a range counts as long (splitting it among blocks of k_flash_wg64 pays). */
const LONG_KEY_TILES = 48;

export interface FlashLaunch {
  /** Blocks sharing each query block's keys (1: no partial results, no merge). */
  readonly splits: number;
  /** k_flash_wg64_pipe rather than k_flash_wg64. */
  readonly pipelined: boolean;
}

/**
 * The launch of `blocks` query blocks (of every batch item and head) over `tiles` key tiles on
 * `multiprocessors` SMs. `pipeline`: CudaOptions.wgmmaPipeline; `splits`: CudaOptions.flashSplits.
 */
export function flashLaunch(blocks: number, tiles: number, multiprocessors: number, pipeline: boolean | 'auto', splits: number | 'auto'): FlashLaunch {
  const oneWave = (s: number) => blocks * s <= WGMMA_PIPE_BLOCKS_PER_SM * multiprocessors;
  const launch = (s: number, pipelined = pipeline === 'auto' ? oneWave(s) : pipeline): FlashLaunch => ({ splits: s, pipelined });
  if (typeof splits === 'number') return launch(Math.min(splits, tiles));
  const mostSplits = Math.floor(tiles / WGMMA_MIN_TILES_PER_SPLIT);
  if (tiles >= LONG_KEY_TILES && blocks >= 0.75 * multiprocessors && blocks < 3.75 * multiprocessors) {
    return launch(Math.max(1, Math.min(Math.ceil((4.5 * multiprocessors) / blocks), mostSplits)), pipeline === 'auto' ? false : pipeline);
  }
  const fill = Math.min(Math.floor((WGMMA_PIPE_BLOCKS_PER_SM * multiprocessors) / blocks), mostSplits);
  return launch(fill >= 3 ? fill : 1);
}
