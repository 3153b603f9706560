// What a CudaBackend can be asked for (CudaOptions): precision, and the switches between the ways
// it runs attention, convolutions and launches, each with what measured the default.
import { FiseditError } from '../../io/errors.js';
import { PRECISIONS, type Precision } from './precision.js';
import { GEMM_ROWS_MAX_ROWS } from './gemm-rows.js';

/** CudaOptions.cudnnEngines' values. */
export const CUDNN_ENGINE_MODES = ['timed', 'heuristic', 'off'] as const;
export type CudnnEngineMode = (typeof CUDNN_ENGINE_MODES)[number];

/** CudaOptions.convolution's values. */
export const CONVOLUTION_MODES = ['auto', 'cudnn', 'gemm'] as const;
export type ConvolutionMode = (typeof CONVOLUTION_MODES)[number];

export interface CudaOptions {
  device?: number;
  /** 'fp16' (default), 'tf32' or 'fp32' (the exact checking mode); see precision.ts. */
  math?: Precision;
  /** fp16 only: attention by the flash-attention kernel (default) or by GEMM + softmax + GEMM. */
  flashAttention?: boolean;
  /**
   * Query rows per warp of flash attention (32 only up to head dim 64). 'auto' (default): 32 when
   * that still gives every multiprocessor two waves of blocks, else 16. Measured on the H200
   * (bench/results/2026-11-30-unet-cuda-flash-rows.json): 32 rows took attention from 18.3 to 15.9 ms
   * per 1024 px call and 6.2 to 5.7 at 768, and was slower at 512 (too few blocks for 132 SMs).
   */
  flashRowsPerWarp?: 16 | 32 | 'auto';
  /** fp16 on Hopper (sm_90): attention with head dim 64 (SD 2) by the warpgroup-MMA kernel (default true). */
  wgmmaAttention?: boolean;
  /**
   * The warpgroup-MMA attention with the next key tile's scores queued while this tile's softmax runs
   * (k_flash_wg64_pipe, FlashAttention-3's intra-warpgroup pipelining; two blocks an SM instead of
   * three; the same bits as k_flash_wg64). 'auto' (default): where a launch's blocks fit in one wave
   * of it (two an SM) and flash-splits.ts does not split long key ranges among k_flash_wg64's
   * blocks instead, as a sparse step's few active rows over all keys do: there it hides the
   * softmax behind the MMAs, 1-4% off a 768 px sparse step at 4-30% of the map; where the blocks
   * fill several waves (a dense call's self-attention), k_flash_wg64's third block an SM hides more,
   * and the pipelined kernel was 11% slower (bench/results/2026-12-01-s28-*).
   */
  wgmmaPipeline?: boolean | 'auto';
  /**
   * How many blocks share the keys of each query block of the warpgroup-MMA attention (each a
   * partial result that k_flash_combine merges): a number from 1, every query block split so (for
   * benches and A/Bs), or 'auto' (default): as flash-splits.ts says, which took a 768 px sparse
   * step's level-1 self-attentions from 61 / 104 / 207 us to 57 / 98 / 158 at 640 / 1280 / 2816
   * active rows, and ~30% sparse steps from 7.42-7.51 ms to 7.39-7.43 (session 33: session 32's rule
   * against it in bench/results/2026-12-02-s33-call3-*, the last wave's split in …-s33-call6-*).
   */
  flashSplits?: number | 'auto';
  /**
   * Convolutions other than 1x1: by cuDNN, by im2col + cuBLASLt GEMM, or 'auto' (default): cuDNN in
   * graphs and, eagerly, where the im2col buffer would pass cuda.ts's IM2COL_EAGER_MAX_BYTES. cuDNN's kernels
   * are faster and need no buffer, but each call costs ~0.2 ms of host time, which a graph pays once
   * and an eager call every time. cuDNN pads symmetrically: asymmetric padding (the VAE encoder's
   * downsampling) is always im2col.
   */
  convolution?: ConvolutionMode;
  /**
   * fp16, 'auto' convolutions recorded into graphs: 3x3 ones of stride 1 and padding 1 of the shapes
   * conv-paths.ts winogradShape takes, by Winograd's F(2x2, 3x3) (default true; winograd-ops.ts winogradConv):
   * 16 multiplications a 2x2 block of outputs against 36, the norm's affine and SiLU read by its input
   * transform, bias and residual added by its output transform. Rounding differs from the direct
   * convolution's (the transformed operands are stored in half), within the fp16 bounds. 'f4': maps
   * from 48 x 48 (conv-paths.ts winogradTile) by F(4x4, 3x3) instead, 36 multiplications a 4x4 block
   * against 144 and fewer transformed planes, at ~4x F(2x2, 3x3)'s fp16 error in one convolution
   * (2.4e-3 of the output's RMS against 6.1e-4 by simulation, …-s60-winograd-f4-error.log). Through
   * the U-Net (bench:winograd-error, H200) a 768 px call lies 3.3e-3 of its RMS from an fp32 direct
   * call against fp16's own 2.4e-3, and ~0.5 ms faster (9.0 against 9.5 ms; session 62): opt-in.
   */
  winograd?: boolean | 'f4';
  /**
   * sm_90 and later: record each kernel of ours into graphs as a programmatic dependent of the kernel
   * before it (default true), so its launch overlaps the end of that kernel (kernels/launch.cuh).
   */
  dependentLaunches?: boolean;
  /**
   * A sparse step's convolution layer over its tiles (convTilesInto): as the gather into an im2col
   * matrix, a cuBLASLt GEMM and the in-place write, cuDNN where the rows are many ('library', default), or
   * (fp16) as the gathered tiles and one kernel that multiplies and writes ('fused': k_tile_conv_wg* on
   * Hopper, k_tile_conv elsewhere). On the H200 the fused form was faster in 9 of bench:tile-conv's 30
   * shapes, mostly 64-256 rows of 320-960 channels, and 1.03-1.93x slower in the others (1280
   * channels, 2048 rows: 208-210 against 108-110 us), bound by how fast its blocks load from L2
   * (bench/results/2026-12-01-tile-conv-s21-wg-model.json); sparse steps took 4.0 / 4.8-5.0 /
   * 5.3-5.7 / 6.6 / 8.3-8.4 / 8.6 ms with it against 4.0-4.1 / 4.5 / 5.3-5.6 / 6.3 / 7.4 / 8.4-8.5
   * (…-s21-fused-vs-library.log).
   * Kept as the base for a faster one (see kernels/tile-conv-sm90.cu). 'rows' (fp16 on Hopper): the
   * library path but for a plan's one-position tiles (rows) of few enough rows for k_tile_conv_wgs,
   * the weights as wgmma's M, brought by the TMA. Slower than the library path on the H200 (session
   * 51: 18.6 against 15.3-16.7 us at 40 rows of 1280 -> 1280, 24.9-25.1 against 16.4-17.2 at 76;
   * sparse steps no shorter at ~5%, longer at 30%), bound by latency with 4 warps an SM
   * (bench/results/2026-12-03-s51-call{1,3}.log).
   */
  tileConvolution?: TileConvolutionMode;
  /**
   * fp16 cuDNN convolutions: 'timed' (default): each family of shapes runs what measured fastest on
   * this machine, the legacy call, an engine configuration of the backend API plus our epilogue, or
   * (a map's convolution) a runtime-compiled configuration with bias and residual fused, its plan kept
   * on disk (cudnn.ts, conv-tuning.ts); 'heuristic': the backend API's first configuration, no trials; 'off':
   * the legacy API's implicit-precomputed GEMM with bias and residual fused.
   */
  cudnnEngines?: CudnnEngineMode;
  /**
   * fp16 cuBLASLt GEMMs: 'timed' (default): each family of shapes of 2^28 multiply-adds or more
   * (cublaslt.ts) runs the fastest of the heuristic's first eight algorithms, timed on this machine at
   * its first use and remembered on disk (cublaslt-choices.json in fisedit's home, or
   * FISEDIT_CUBLASLT_CHOICES); 'heuristic': its first. On the H200, 512 px U-Net calls 5.08-5.23 ms
   * against 5.19-5.35, 768 px within the spread, sparse steps unchanged; 0.5-0.7 s of trials once per
   * machine (bench/results/2026-12-01-s22-gemm-min-ab.log).
   */
  gemmAlgorithms?: 'timed' | 'heuristic';
  /**
   * fp16 on Hopper: a transformer feed-forward's input layer and its GEGLU (linearGeglu) by one kernel
   * of ours, k_gemm_geglu, where they have 1024 rows or more (default true), or always by cuBLASLt +
   * k_geglu (the same rounding). On the H200 the kernel took 768 px feed-forwards from 93 / 66 / 56 to
   * 78-80 / 61-68 / 51-52 us and U-Net calls from 5.02 to 4.90-4.99 ms at 512 px, from 11.32-11.44 to
   * 11.15-11.39 at 768 (bench/results/2026-12-03-s46-call{3,5}.log).
   */
  gegluKernel?: boolean;
  /**
   * fp16 on Hopper: linear layers of few rows (a sparse step's active tokens, a time embedding) by a
   * kernel of ours, k_gemm_rows, which loads a model's weights while the kernel ahead of it runs:
   * true (default) while its input is at most 128 Ki values (gemm-rows.ts gemmRowsDefaultRows: 102
   * rows of 1280, 204 of 640, 409 of 320), about where it beat cuBLASLt, a number up to that many whatever K (1 to
   * GEMM_ROWS_MAX_ROWS, for benches), false never (always cuBLASLt). On the H200, whole edits' later
   * sparse steps with the default took 3.13-3.16 / 4.44-4.51 / 6.07-6.17 ms at 4.2 / 13.6 / 30.1% and
   * 2.38-2.56 at the tiniest edits, against 3.15-3.21 / 4.48-4.54 / 6.12-6.20 / 2.40-2.65 with
   * session 54's kernel to 32 rows (bench/results/2026-12-03-s55-call3.log); session 54's blocks up
   * to 1024 rows had been 0.1-0.2 ms slower (…-s54-call3.log).
   */
  rowsGemm?: boolean | number;
}

/** CudaOptions.tileConvolution's values. */
export const TILE_CONVOLUTION_MODES = ['library', 'fused', 'rows'] as const;
export type TileConvolutionMode = (typeof TILE_CONVOLUTION_MODES)[number];

/** The values each of CudaOptions' modes takes (checkCudaOptions). */
const MODES: { [K in keyof CudaOptions]?: readonly NonNullable<CudaOptions[K]>[] } = {
  math: PRECISIONS,
  flashRowsPerWarp: [16, 32, 'auto'],
  wgmmaPipeline: [true, false, 'auto'],
  convolution: CONVOLUTION_MODES,
  tileConvolution: TILE_CONVOLUTION_MODES,
  cudnnEngines: CUDNN_ENGINE_MODES,
  gemmAlgorithms: ['timed', 'heuristic'],
  winograd: [true, false, 'f4'],
};

/**
 * Refuses a mode outside its values, naming the option and what it takes: from JavaScript (or a
 * typo'd bench variable) an unknown value would otherwise pick a path silently ('fuzed' ran fused).
 * Returns the options (CudaBackend checks them before it touches the GPU).
 */
export function checkCudaOptions(o: CudaOptions): CudaOptions {
  for (const [name, values] of Object.entries(MODES) as [keyof CudaOptions, readonly unknown[]][]) {
    const v = o[name];
    if (v !== undefined && !values.includes(v)) throw new FiseditError(`CudaOptions.${name}: ${JSON.stringify(v)} is not one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
  }
  const rows = o.rowsGemm;
  if (rows !== undefined && typeof rows !== 'boolean' && !(Number.isInteger(rows) && rows >= 1 && rows <= GEMM_ROWS_MAX_ROWS))
    throw new FiseditError(`CudaOptions.rowsGemm: ${JSON.stringify(rows)} is not true, false or a number of rows from 1 to ${GEMM_ROWS_MAX_ROWS}`);
  return o;
}
