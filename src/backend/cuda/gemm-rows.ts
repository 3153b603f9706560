// Whether a linear layer runs on k_gemm_rows (kernels/gemm-rows-sm90.cu: few rows, its weights
// loaded while the kernel ahead runs) and how its blocks divide the product: GEMM_ROWS_COLS
// output channels by up to 8 slabs of 16 rows a block, K split among a cluster's blocks.
import { GEMM_ROWS_BLOCKS_PER_SM, GEMM_ROWS_BUILDS, GEMM_ROWS_COLS, GEMM_ROWS_SLABS, SHARED_BYTES_PER_SM, gemmRowsName, gemmRowsSharedBytes } from './kernels.js';

/** The most rows k_gemm_rows takes (a sparse step's active tokens; CudaOptions.rowsGemm may set fewer). */
export const GEMM_ROWS_MAX_ROWS = 1024;
/**
 * The most rows for which linear runs k_gemm_rows over K inputs unless CudaOptions.rowsGemm says
 * otherwise: while x, what it loads after its wait, is at most GEMM_ROWS_X_ELEMENTS values (256 KiB),
 * about where it stopped beating cuBLASLt on the H200 with a model's weights loaded before its wait
 * and its blocks as many as a wave holds (bench:gemm-rows, each layer behind a LayerNorm of ours in
 * graphs, bench/results/2026-12-03-s55-call3.log): at K = 1280 76 / 100 rows 7.6 / 8.9 against 8.3 /
 * 10.0 us; at 640 128 / 200 rows 5.6 / 6.6 against 6.5 / 6.6 (252 rows 6.9 against 6.6, …-s55-call2.log);
 * at 320 256 / 400 rows 5.1 / 5.2 against 5.9 / 6.1, 768 rows 6.6 both.
 */
export const GEMM_ROWS_X_ELEMENTS = 128 * 1024;
export const gemmRowsDefaultRows = (k: number): number => Math.floor(GEMM_ROWS_X_ELEMENTS / k);

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
 * of K (32 channels a chunk, `chunks` a block, `splits` blocks) is exactly k, its blocks all on the GPU
 * at once (one wave: each then loads its weights while the kernel ahead runs), as many as a wave holds
 * (the least for each to load after its wait: blocks of 8 slabs of rows had lost to cuBLASLt where
 * blocks of 1-2 won, bench/results/2026-12-03-s55-call2.log), of the fewest splits among those (a
 * cluster's sum the shorter: 128 x 640 x 640 in 160 blocks 5.6 us split 2 ways, 5.9 split 4).
 * `only`: that split of K, or at most that many slabs a block, alone (bench:gemm-rows).
 */
export function gemmRowsLaunch(rows: number, n: number, k: number, sms: number, only: { splits?: number; slabs?: number } = {}): GemmRowsLaunch | string {
  if (rows < 1 || rows > GEMM_ROWS_MAX_ROWS) return `${rows} rows (1 to ${GEMM_ROWS_MAX_ROWS})`;
  if (n % GEMM_ROWS_COLS) return `${n} outputs (a multiple of ${GEMM_ROWS_COLS})`;
  const slabsAll = Math.ceil(rows / 16), most = Math.min(GEMM_ROWS_SLABS, only.slabs ?? GEMM_ROWS_SLABS);
  const builds = GEMM_ROWS_BUILDS.flatMap((b) => b.splits.filter((s) => 32 * b.chunks * s === k && (only.splits === undefined || s === only.splits)).map((splits) => ({ chunks: b.chunks, splits })));
  if (!builds.length) return `${k} inputs (${[...new Set(GEMM_ROWS_BUILDS.flatMap((b) => b.splits.map((s) => 32 * b.chunks * s)))].sort((a, b) => a - b).join(', ')})`;
  let best: GemmRowsLaunch | undefined, fewestWaves = Infinity;
  for (const { chunks, splits } of builds)
    for (let rowBlocks = Math.ceil(slabsAll / most); rowBlocks <= slabsAll; rowBlocks++) {
      const slabs = Math.ceil(slabsAll / rowBlocks);
      if (rowBlocks > 1 && Math.ceil(slabsAll / (rowBlocks - 1)) === slabs) continue; // the same blocks' rows with a block fewer
      const sharedBytes = gemmRowsSharedBytes(slabs, chunks), perSm = Math.min(GEMM_ROWS_BLOCKS_PER_SM, Math.floor(SHARED_BYTES_PER_SM / (sharedBytes + 1024)));
      const grid = (n / GEMM_ROWS_COLS) * rowBlocks, waves = Math.ceil((grid * splits) / (perSm * sms));
      fewestWaves = Math.min(fewestWaves, waves);
      if (waves > 1) continue;
      const more = !best || grid * splits > best.grid * best.splits || (grid * splits === best.grid * best.splits && splits < best.splits);
      if (more) best = { name: gemmRowsName(chunks, splits), grid, splits, slabs, sharedBytes };
    }
  return best ?? `${rows} x ${n} x ${k}: ${fewestWaves} waves of blocks (one at most: the later waves could not load their weights while the kernel ahead runs)`;
}
