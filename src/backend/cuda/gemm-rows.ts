// Whether a linear layer runs on k_gemm_rows (kernels/gemm-rows-sm90.cu: few rows, its weights
// loaded while the kernel ahead runs) and how its blocks divide the product: GEMM_ROWS_COLS
// output channels by up to 8 slabs of 16 rows a block, K split among a cluster's blocks.
import { GEMM_ROWS_BLOCKS_PER_SM, GEMM_ROWS_BUILDS, GEMM_ROWS_COLS, GEMM_ROWS_SLABS, SHARED_BYTES_PER_SM, gemmRowsName, gemmRowsSharedBytes } from './kernels.js';

/** The most rows k_gemm_rows takes (a sparse step's active tokens; CudaOptions.rowsGemm may set fewer). */
export const GEMM_ROWS_MAX_ROWS = 1024;
/**
 * The most rows for which linear runs k_gemm_rows over K inputs unless CudaOptions.rowsGemm says
 * otherwise: K / GEMM_ROWS_K_PER_ROW, where it beat cuBLASLt on the H200 with a model's weights loaded
 * before its wait (bench:gemm-rows, each layer behind a LayerNorm of ours in graphs,
 * bench/results/2026-12-03-s55-call1.log): at K = 1280 up to 128 rows (76: 7.4 against 8.2 us, 128:
 * 9.5 against 10.0), at 640 up to 64 (5.8 against 6.2; 128 rows 7.4 against 6.3), at 320 up to 32
 * (session 54: 5.1 against 5.6; 64 rows 6.0 against 5.6).
 */
export const GEMM_ROWS_K_PER_ROW = 10;
export const gemmRowsDefaultRows = (k: number): number => Math.floor(k / GEMM_ROWS_K_PER_ROW);

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
 * on the GPU at once (one wave: each then loads its weights while the kernel ahead runs), the most
 * blocks among those (the least work each), each of as many slabs of rows as it takes (at most
 * GEMM_ROWS_SLABS). `only`: that split of K, or at most that many slabs a block, alone (bench:gemm-rows).
 */
export function gemmRowsLaunch(rows: number, n: number, k: number, sms: number, only: { splits?: number; slabs?: number } = {}): GemmRowsLaunch | string {
  if (rows < 1 || rows > GEMM_ROWS_MAX_ROWS) return `${rows} rows (1 to ${GEMM_ROWS_MAX_ROWS})`;
  if (n % GEMM_ROWS_COLS) return `${n} outputs (a multiple of ${GEMM_ROWS_COLS})`;
  const slabsAll = Math.ceil(rows / 16), rowBlocks = Math.ceil(slabsAll / Math.min(GEMM_ROWS_SLABS, only.slabs ?? GEMM_ROWS_SLABS)), slabs = Math.ceil(slabsAll / rowBlocks);
  let best: (GemmRowsLaunch & { waves: number }) | undefined;
  for (const b of GEMM_ROWS_BUILDS)
    for (const splits of b.splits) {
      if (32 * b.chunks * splits !== k || (only.splits !== undefined && splits !== only.splits)) continue;
      const sharedBytes = gemmRowsSharedBytes(slabs, b.chunks), perSm = Math.min(GEMM_ROWS_BLOCKS_PER_SM, Math.floor(SHARED_BYTES_PER_SM / (sharedBytes + 1024)));
      const grid = (n / GEMM_ROWS_COLS) * rowBlocks, waves = Math.ceil((grid * splits) / (perSm * sms));
      if (best && (waves > best.waves || (waves === best.waves && grid * splits <= best.grid * best.splits))) continue;
      best = { name: gemmRowsName(b.chunks, splits), grid, splits, slabs, sharedBytes, waves };
    }
  if (!best) return `${k} inputs (${[...new Set(GEMM_ROWS_BUILDS.flatMap((b) => b.splits.map((s) => 32 * b.chunks * s)))].sort((a, b) => a - b).join(', ')})`;
  const { waves, ...chosen } = best;
  return waves > 1 ? `${rows} x ${n} x ${k}: ${waves} waves of blocks (one at most: the later waves could not prefetch while the kernel ahead runs)` : chosen;
}
