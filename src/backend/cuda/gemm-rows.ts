// Whether a linear layer runs on k_gemm_rows (kernels/gemm-rows-sm90.cu: few rows, its weights
// brought into L2 while the kernel ahead runs) and how its blocks divide the product: GEMM_ROWS_COLS
// output channels by up to 8 slabs of 16 rows a block, K split among a cluster's blocks.
import { GEMM_ROWS_BLOCKS_PER_SM, GEMM_ROWS_BUILDS, GEMM_ROWS_COLS, GEMM_ROWS_SLABS, SHARED_BYTES_PER_SM, gemmRowsName, gemmRowsSharedBytes } from './kernels.js';

/** The most rows k_gemm_rows takes (a sparse step's active tokens; CudaOptions.rowsGemm may set fewer). */
export const GEMM_ROWS_MAX_ROWS = 1024;
/**
 * The most rows for which linear runs k_gemm_rows unless CudaOptions.rowsGemm says otherwise. On the
 * H200, behind a LayerNorm of ours in graphs (bench:gemm-rows), the kernel took 5.5-6.3 against
 * cuBLASLt's 7.9-8.0 us at 8-32 rows of 1280 -> 1280, 4.7-5.2 against 6.1 at 16-32 of 640, 5.1
 * against 5.6 at 32 of 320, and was slower from 64 rows of 320 and 128 of 640 (6.2 / 7.6 against
 * 5.6 / 6.3); whole edits' later sparse steps with it up to 32 rows 2.42-2.65 against 2.61-2.79 ms at
 * the tiniest masks, level at 4-30% (bench/results/2026-12-03-s54-call{3,4}.log).
 */
export const GEMM_ROWS_DEFAULT_ROWS = 32;

/** A k_gemm_rows launch: the build, its blocks (grid x: column blocks by row blocks; y: the splits of K) and each block's slabs and shared memory. */
export interface GemmRowsLaunch {
  name: string;
  grid: number;
  splits: number;
  slabs: number;
  sharedBytes: number;
}

/**
 * The launch for rows x k -> n on `sms` multiprocessors, or why there is none: a build whose split
 * of K (32 channels a chunk, `chunks` a block, `splits` blocks) is exactly k and whose blocks fit
 * on the GPU at once (one wave: each then brings its weights into L2 while the kernel ahead runs),
 * the most blocks among those (the least work each). `onlySplits`: that split of K alone (bench:gemm-rows).
 */
export function gemmRowsLaunch(rows: number, n: number, k: number, sms: number, onlySplits?: number): GemmRowsLaunch | string {
  if (rows < 1 || rows > GEMM_ROWS_MAX_ROWS) return `${rows} rows (1 to ${GEMM_ROWS_MAX_ROWS})`;
  if (n % GEMM_ROWS_COLS) return `${n} outputs (a multiple of ${GEMM_ROWS_COLS})`;
  const slabsAll = Math.ceil(rows / 16), rowBlocks = Math.ceil(slabsAll / GEMM_ROWS_SLABS), slabs = Math.ceil(slabsAll / rowBlocks);
  let best: (GemmRowsLaunch & { waves: number }) | undefined;
  for (const b of GEMM_ROWS_BUILDS)
    for (const splits of b.splits) {
      if (32 * b.chunks * splits !== k || (onlySplits !== undefined && splits !== onlySplits)) continue;
      const sharedBytes = gemmRowsSharedBytes(slabs, b.chunks), perSm = Math.min(GEMM_ROWS_BLOCKS_PER_SM, Math.floor(SHARED_BYTES_PER_SM / (sharedBytes + 1024)));
      const grid = (n / GEMM_ROWS_COLS) * rowBlocks, waves = Math.ceil((grid * splits) / (perSm * sms));
      if (best && (waves > best.waves || (waves === best.waves && grid * splits <= best.grid * best.splits))) continue;
      best = { name: gemmRowsName(b.chunks, splits), grid, splits, slabs, sharedBytes, waves };
    }
  if (!best) return `${k} inputs (${[...new Set(GEMM_ROWS_BUILDS.flatMap((b) => b.splits.map((s) => 32 * b.chunks * s)))].sort((a, b) => a - b).join(', ')})`;
  const { waves, ...chosen } = best;
  return waves > 1 ? `${rows} x ${n} x ${k}: ${waves} waves of blocks (one at most: the later waves could not prefetch while the kernel ahead runs)` : chosen;
}
