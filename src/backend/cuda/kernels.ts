// The kernels of kernels/*.cu as the host launches them: names, parameter kinds, and the block
// shapes and shared memory their sources assume (each constant names the .cu define it mirrors).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArgKind } from './driver.js';

/** Pieces one k_split_cols launch writes (its SplitPieces struct, passed as that many pointers and one more offset). */
export const SPLIT_PIECES = 24;
/** Kernels of kernels/ops.cu and their parameter kinds. */
const SCALAR_KERNELS: Record<string, ArgKind[]> = {
  k_embedding: ['ptr', 'ptr', 'ptr', 'u64', 'u64'],
  k_group_affine: ['ptr', 'ptr', 'ptr', 'i32', 'i32', 'u64', 'f32', 'ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'i32', 'i32'],
  k_softmax_rows: ['ptr', 'i32', 'i32', 'f32', 'i32', 'i32'],
  k_softmax_rows_vec: ['ptr', 'i32', 'f32'],
  k_softmax_short: ['ptr', 'u64', 'i32', 'i32', 'f32', 'i32', 'ptr', 'ptr', 'u64', 'i32', 'i32'],
  k_remap_probs: ['ptr', 'ptr', 'ptr', 'u64', 'i32', 'i32', 'i32', 'u64'],
  k_from_f32: ['ptr', 'ptr', 'u64'],
  k_to_f32: ['ptr', 'ptr', 'u64'],
  k_to_host_keeping: ['ptr', 'ptr', 'ptr', 'ptr', 'i32', 'u64'],
  k_copy_many: ['ptr', 'i32', 'u64'],
  k_lat_sample: ['ptr', 'ptr', 'f32', 'i32', 'u64'],
  k_lat_guide: ['ptr', 'ptr', 'f32', 'i32', 'u64'],
  k_hold: ['u64'],
  k_pointer_arrays: Array<ArgKind>(10).fill('ptr'),
};
/** Products one k_pointer_arrays call describes (A, B and D pointers of each): linearMany's most in one GEMM. */
export const POINTER_ARRAY_PRODUCTS = 3;
/** Kernels built twice (ops.cu VECTOR_KERNEL): k_x an element per thread, k_x_v 16 bytes per thread. */
const VECTOR_KERNELS: Record<string, ArgKind[]> = {
  k_im2col: ['ptr', 'ptr', 'ptr', 'ptr', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'],
  k_copy: ['ptr', 'ptr', 'u64'],
  k_add: ['ptr', 'ptr', 'ptr', 'f32', 'u64'],
  k_scale: ['ptr', 'ptr', 'f32', 'u64'],
  k_unary: ['ptr', 'ptr', 'i32', 'u64'],
  k_geglu: ['ptr', 'ptr', 'u64', 'u64'],
  k_conv_epilogue: ['ptr', 'ptr', 'ptr', 'u64', 'u64'],
  k_concat: ['ptr', 'ptr', 'ptr', 'i32', 'i32', 'ptr', 'i32', 'i32', 'i32', 'u64'],
  k_split_cols: ['ptr', 'u64', 'u64', ...Array<ArgKind>(SPLIT_PIECES).fill('ptr'), ...Array<ArgKind>(SPLIT_PIECES + 1).fill('u64')],
  k_upsample2x: ['ptr', 'ptr', 'ptr', 'i32', 'i32', 'i32', 'i32', 'u64'],
  k_group_partial: ['ptr', 'ptr', 'ptr', 'ptr', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'],
  k_channel_affine: ['ptr', 'ptr', 'ptr', 'ptr', 'u64', 'i32', 'i32', 'u64'],
  k_layer_norm: ['ptr', 'ptr', 'ptr', 'ptr', 'i32', 'f32', 'i32', 'i32'],
};
/** Kernels of kernels/sparse.cu, all built twice like VECTOR_KERNELS. */
const SPARSE_VECTOR_KERNELS: Record<string, ArgKind[]> = {
  k_gather_tiles: ['ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'u64'],
  k_gather_im2col: ['ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'ptr', 'ptr', 'ptr', 'i32'],
  k_overwrite_blocks: ['ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'i32', 'i32', 'i32', 'i32', 'i32', 'u64'],
  k_gather_rows: ['ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'u64', 'i32', 'i32', 'u64'],
  k_overwrite_rows: ['ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'u64', 'i32', 'i32', 'i32', 'u64'],
};
/** A VECTOR_KERNEL table with both builds (k_x and k_x_v). */
const bothBuilds = (kernels: Record<string, ArgKind[]>): Record<string, ArgKind[]> => ({
  ...kernels,
  ...Object.fromEntries(Object.entries(kernels).map(([k, kinds]) => [`${k}_v`, kinds])),
});
/** Kernels of kernels/latents.cu (float32 vectors: compiled once, whatever the storage type). */
export const LATENT_KERNELS: Record<string, ArgKind[]> = {
  k_lat_combine: ['ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'f32', 'f32', 'f32', 'f32', 'i32', 'u64'],
  k_lat_clamp: ['ptr', 'ptr', 'f32', 'u64'],
  k_lat_where: ['ptr', 'ptr', 'ptr', 'ptr', 'i32', 'u64'],
  k_lat_abs_diff: ['ptr', 'ptr', 'ptr', 'i32', 'u64'],
  k_mask_range: ['ptr', 'ptr', 'u64'],
  k_mask_accumulate: ['ptr', 'ptr', 'ptr', 'i32', 'u64'],
  k_mask_levels: ['ptr', 'ptr', 'u64'],
  k_mask_counts: ['ptr', 'ptr', 'u64'],
  k_mask_open: ['ptr', 'ptr', 'ptr', 'ptr', 'i32', 'i32'],
};
/**
 * Third builds of VECTOR_KERNELS: k_channel_affine_vb takes VEC_BATCH vectors a thread (CudaDevice.runVector's
 * `batch`); k_layer_norm_vw loads a row's gamma and beta with it (over few rows: CudaPointwiseOps.layerNorm).
 */
const THIRD_BUILDS: Record<string, ArgKind[]> = { k_channel_affine_vb: VECTOR_KERNELS.k_channel_affine!, k_layer_norm_vw: VECTOR_KERNELS.k_layer_norm! };
export const OPS_KERNELS: Record<string, ArgKind[]> = { ...SCALAR_KERNELS, ...bothBuilds(VECTOR_KERNELS), ...THIRD_BUILDS };
export const SPARSE_KERNELS: Record<string, ArgKind[]> = { ...bothBuilds(SPARSE_VECTOR_KERNELS), k_swap_each: ['ptr'] };
const WINOGRAD_INPUT_ARGS: ArgKind[] = ['ptr', 'ptr', 'ptr', 'i32', 'ptr', 'i32', 'i32', 'i32', 'i32'];
const WINOGRAD_OUTPUT_ARGS: ArgKind[] = ['ptr', 'ptr', 'ptr', 'ptr', 'i32', 'i32', 'i32', 'i32'];
/** Kernels of kernels/winograd.cu (fp16 only): F(2x2, 3x3)'s and F(4x4, 3x3)'s (k_wino4_*). */
export const WINOGRAD_KERNELS: Record<string, ArgKind[]> = {
  k_wino2_output: WINOGRAD_OUTPUT_ARGS, k_wino2_input: WINOGRAD_INPUT_ARGS, k_wino2_weights: ['ptr', 'ptr', 'i32', 'i32'],
  k_wino2_input_tiles: ['ptr', 'ptr', 'ptr', 'ptr', 'i32', 'ptr', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'],
  k_wino4_output: WINOGRAD_OUTPUT_ARGS, k_wino4_input: WINOGRAD_INPUT_ARGS, k_wino4_weights: ['ptr', 'ptr', 'i32', 'i32'],
};
/**
 * A block of the input transforms: the 2x2 tile rows and columns and the input channels it takes
 * (kernels/winograd.cu WI_*; KERNEL_DEFINES), its outputs 2 rows x 2 cols positions; k_wino4_input's
 * blocks cover the same positions as half as many 4x4 tiles each way.
 */
export const WINOGRAD_INPUT_BLOCK = { rows: 4, cols: 8, channels: 32 } as const;
/** One form of Winograd's convolution F(tile x tile, 3x3): its products (planes of V, U and M) and its kernels' threads (kernels/winograd.cu k_wino<tile>_input, _output, _weights). */
export interface WinogradForm {
  tile: 2 | 4;
  products: number;
  /** k_wino<tile>_input's threads a block. */
  inputThreads: number;
  /** Output channels a thread of k_wino<tile>_output takes. */
  outputChannels: number;
}
const WI = WINOGRAD_INPUT_BLOCK;
/** F(2x2, 3x3): a thread per (tile, 4 channels) in both transforms. F(4x4, 3x3): per (tile, 2 channels), its 36 planes of 4 were 144 values a thread. */
export const WINOGRAD_FORMS: Record<2 | 4, WinogradForm> = {
  2: { tile: 2, products: 16, inputThreads: (WI.rows * WI.cols * WI.channels) / 4, outputChannels: 4 },
  4: { tile: 4, products: 36, inputThreads: ((WI.rows / 2) * (WI.cols / 2) * WI.channels) / 2, outputChannels: 2 },
};
/** 64-bit words a swap takes in k_swap_each's table (kernels/sparse.cu says which). */
export const SWAP_WORDS = 11;
/** Vectors a thread of a kernel's _vb build takes (ops.cu's VEC_BATCH; KERNEL_DEFINES). */
export const VEC_BATCH = 4;
/** Bytes a thread of a k_x_v kernel moves at once. */
export const VECTOR_BYTES = 16;
/** Shared memory k_group_partial may use: its block's per-channel sums (GroupNorm up to ~12k channels). */
export const GROUP_PARTIAL_SHARED_BYTES = 200 * 1024;
/** 16-byte loads each thread of k_copy_many keeps in flight (ops.cu's COPY_UNROLL; KERNEL_DEFINES). */
export const COPY_UNROLL = 8;
/** Bytes each block of k_copy_many copies at a time (ops.cu COPY_CHUNK: 256 threads of COPY_UNROLL 16-byte loads). */
export const COPY_CHUNK = 256 * 16 * COPY_UNROLL;
/** 256-thread blocks a multiprocessor holds at once (2048 threads): k_copy_many's grid for copies on the device, a wave of a streaming kernel. */
export const BLOCKS_PER_SM = 8;
/** Vectors of its row each lane of k_layer_norm keeps in registers (ops.cu LN_KEPT; KERNEL_DEFINES). */
export const LN_KEPT = 5;
/** Lanes k_layer_norm gives a row of c channels, `width` to a vector: the fewest (a power of two, at most 32) whose LN_KEPT vectors hold it. */
export function layerNormLanes(c: number, width: number): number {
  let lanes = 1;
  while (lanes < 32 && lanes * LN_KEPT * width < c) lanes *= 2;
  return lanes;
}
/** Softmax rows up to this many bytes are held in shared memory (Hopper allows 227 KiB per block). */
export const SOFTMAX_SHARED_BYTES = 200 * 1024;
/** Values each lane of k_softmax_short keeps in registers: rows up to 32 times this go a warp per row (kernels/ops.cu SOFTMAX_SHORT; KERNEL_DEFINES). */
export const SOFTMAX_SHORT = 8;
/** float4 values each thread of k_softmax_rows_vec keeps in registers (kernels/ops.cu SOFTMAX_VEC; KERNEL_DEFINES). */
export const SOFTMAX_VEC = 16;

export const KERNEL_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'src', 'backend', 'cuda', 'kernels');
/** Head dimensions (rounded up to 16) with a flash-attention kernel in kernels/attention.cu (k_flash_<DP>_<MT>). */
export const FLASH_DIMS = [16, 32, 48, 64, 80, 96, 128, 160];
/** Up to this head dimension a warp can take 32 query rows (MT = 2) within its registers. */
export const FLASH_WIDE_MAX_DIM = 64;
const FLASH_ARGS: ArgKind[] = ['ptr', 'ptr', 'ptr', 'ptr', 'i32', 'i32', 'i32', 'i32', 'i32', 'f32'];
export const FLASH_KERNELS = [...FLASH_DIMS.map((dp) => `k_flash_${dp}_1`), ...FLASH_DIMS.filter((dp) => dp <= FLASH_WIDE_MAX_DIM).map((dp) => `k_flash_${dp}_2`)];
/** Keys k_attend_short_<DP> takes at most (one tile: a text's 77 tokens; kernels/attention.cu SHORT_KEYS, a multiple of 16; KERNEL_DEFINES). */
export const SHORT_KEYS = 80;
/** Shared memory of a k_attend_short_<DP> block: K and V of padded rows, and the control's columns. */
export const attendShortSharedBytes = (dp: number) => 2 * SHORT_KEYS * (dp + 8) * 2 + SHORT_KEYS * 4;
const ATTEND_SHORT_ARGS: ArgKind[] = ['ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'i32', 'i32', 'i32', 'i32', 'i32', 'f32', 'i32'];
export const ATTENTION_KERNELS: Record<string, ArgKind[]> = Object.fromEntries([
  ...FLASH_KERNELS.map((k) => [k, FLASH_ARGS]),
  ...FLASH_DIMS.map((dp) => [`k_attend_short_${dp}`, ATTEND_SHORT_ARGS]),
]);
/** kernels/attention-sm90.cu: head dim 64 on Hopper's warpgroup MMA; 64 query rows a block, two stages of K and V tiles of 128 rows (+1 KiB for alignment); k_flash_wg64_pipe the same with the next tile's scores queued ahead (CudaOptions.wgmmaPipeline). */
export const WGMMA_KERNELS: Record<string, ArgKind[]> = {
  k_flash_wg64: [...FLASH_ARGS, 'i32', 'i32', 'i32', 'ptr', 'ptr'],
  k_flash_wg64_pipe: [...FLASH_ARGS, 'i32', 'i32', 'i32', 'ptr', 'ptr'],
  k_flash_combine: ['ptr', 'ptr', 'ptr', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'],
};
export const WGMMA_QUERY_ROWS = 64;
/** Keys per tile of k_flash_wg64 (attention-sm90.cu WG_KB; KERNEL_DEFINES). */
export const WGMMA_KEY_TILE = 128;
/** Key tiles a split of k_flash_wg64 takes at least (each split pays for loading its queries and first tile). */
export const WGMMA_MIN_TILES_PER_SPLIT = 4;
/** Blocks of k_flash_wg64_pipe an SM holds (attention-sm90.cu's __launch_bounds__: 255 registers a thread). */
export const WGMMA_PIPE_BLOCKS_PER_SM = 2;
/** Blocks of k_flash_wg64 an SM holds (its __launch_bounds__). */
export const WGMMA_BLOCKS_PER_SM = 3;
export const WGMMA_SHARED_BYTES = 2 * 2 * 128 * 128 + 1024;
/** kernels/tile-conv.cu (fp16 storage only). */
export const TILE_CONV_KERNELS: Record<string, ArgKind[]> = {
  k_tile_conv: [...Array<ArgKind>(10).fill('ptr'), ...Array<ArgKind>(11).fill('i32'), 'ptr'], // tile-write.cuh TILE_CONV_ARGS; the last: k_tile_conv_wgs's weight map
};
/** k_tile_conv's tile of the product (tile-conv.cu TM x TN), its k-tile (TK) and threads a block. */
export const TILE_CONV_ROWS = 64, TILE_CONV_COLS = 64, TILE_CONV_K = 32, TILE_CONV_THREADS = 128;
/**
 * kernels/tile-conv-sm90.cu (fp16 storage, Hopper): k_tile_conv's work on warpgroup MMA,
 * k_tile_conv_wg<rows>x<cols>_<splits>: 64 or 128 rows (one or two warpgroups) by 64 or 128 output
 * channels a block, K split among a cluster of `splits` blocks (1, 2, 4 or 8; up to 4 for 128 rows),
 * k-tiles of 64 channels of one tap (C and Cout multiples of 64). `swapped`: k_tile_conv_wgs, the
 * weights as wgmma's M (a warpgroup per 64 output channels, brought by the TMA) and 40 or 80 rows as
 * its N, for few rows.
 */
export const TILE_CONV_WG_BUILDS = [
  { rows: 64, cols: 64, splits: [1, 2, 4, 8], swapped: false },
  { rows: 64, cols: 128, splits: [1, 2, 4, 8], swapped: false },
  { rows: 128, cols: 64, splits: [1, 2, 4], swapped: false },
  { rows: 128, cols: 128, splits: [1, 2, 4], swapped: false },
  { rows: 40, cols: 64, splits: [4, 6, 8], swapped: true }, // 6: 20 x 6 blocks, one an SM, at 1280 output channels
  { rows: 40, cols: 128, splits: [4, 8], swapped: true },
  { rows: 80, cols: 64, splits: [4, 6, 8], swapped: true },
  { rows: 80, cols: 128, splits: [4, 8], swapped: true },
] as const;
export type TileConvWgBuild = (typeof TILE_CONV_WG_BUILDS)[number];
export const tileConvWgName = (b: Pick<TileConvWgBuild, 'rows' | 'cols' | 'swapped'>, splits: number) => `k_tile_conv_wg${b.swapped ? 's' : ''}${b.rows}x${b.cols}_${splits}`;
/** Threads of a build's block: a warpgroup per 64 rows, or (swapped) per 64 output channels. */
export const tileConvWgThreads = (b: Pick<TileConvWgBuild, 'rows' | 'cols' | 'swapped'>) => 2 * (b.swapped ? b.cols : b.rows);
export const TILE_CONV_WG_KERNELS: Record<string, ArgKind[]> = Object.fromEntries(
  TILE_CONV_WG_BUILDS.flatMap((b) => b.splits.map((s) => [tileConvWgName(b, s), TILE_CONV_KERNELS.k_tile_conv!])),
);
export const TILE_CONV_WG_K = 64;
/** Shared-memory stages of A and B tiles (tile-conv-sm90.cu WG_STAGES). */
export const TILE_CONV_WG_STAGES = 6;
/** Shared memory of a k_tile_conv_wg<rows>x<cols> block: its stages of A and B rows of 128 bytes, a barrier a stage (k_tile_conv_wgs's TMA), +1 KiB for alignment. */
export const tileConvWgSharedBytes = (rows: number, cols: number) => TILE_CONV_WG_STAGES * ((rows + cols) * 128 + 8) + 1024;
/** Per-tile counters k_tile_conv's splits of K meet at (each launch leaves them zero): tiles a split launch may have at most. */
export const TILE_CONV_COUNTERS = 4096;
/**
 * kernels/gemm-geglu-sm90.cu (fp16 storage, Hopper): a feed-forward's input layer with its GEGLU,
 * (x, the weight's tensor map in device memory, bias, out, m, f, k): tiles of
 * GEMM_GEGLU_ROWS rows by GEMM_GEGLU_COLS outputs (two consumer warpgroups and a producer one:
 * GEMM_GEGLU_THREADS), GEMM_GEGLU_STAGES k-tiles of 64 in flight, a block per SM.
 */
export const GEMM_GEGLU_KERNELS: Record<string, ArgKind[]> = { k_gemm_geglu: ['ptr', 'ptr', 'ptr', 'ptr', 'i32', 'i32', 'i32'] };
export const GEMM_GEGLU_ROWS = 128, GEMM_GEGLU_COLS = 128, GEMM_GEGLU_STAGES = 3, GEMM_GEGLU_THREADS = 384;
/** k_gemm_geglu's shared memory: its stages (x rows, value and gate weight rows of 128 bytes), the consumers' staged h and g, the stages' two mbarriers, 1 KiB for alignment. */
export const GEMM_GEGLU_SHARED_BYTES = GEMM_GEGLU_STAGES * (GEMM_GEGLU_ROWS + 2 * GEMM_GEGLU_COLS) * 128 + GEMM_GEGLU_ROWS * 2 * GEMM_GEGLU_COLS * 2 + 16 * GEMM_GEGLU_STAGES + 1024;
/** Shared memory of a Hopper multiprocessor (228 KiB; each block reserves 1 KiB of it). */
export const SHARED_BYTES_PER_SM = 228 * 1024;
/**
 * kernels/gemm-rows-sm90.cu (fp16 storage, Hopper): a linear layer of few rows (x, w, bias, residual,
 * y, m, n, k, slabs, early: 1 where w may be read before the kernel waits), k_gemm_rows<CH>_<S>: blocks of GEMM_ROWS_WARPS warps taking GEMM_ROWS_COLS output channels of
 * up to GEMM_ROWS_SLABS slabs of 16 rows over a split of K of 32 CH channels, the S splits a cluster's
 * blocks (gemm-rows.ts picks the build).
 */
export const GEMM_ROWS_WARPS = 8, GEMM_ROWS_COLS = 8 * GEMM_ROWS_WARPS, GEMM_ROWS_SLABS = 8;
/** Floats a row of k_gemm_rows's partial product takes in shared memory: 8 past a multiple of 32, so that a warp's float2 stores of 8 rows take two wavefronts, not eight. */
export const GEMM_ROWS_PART_PITCH = GEMM_ROWS_COLS + 8;
/** Blocks of k_gemm_rows a multiprocessor holds by its registers (its __launch_bounds__). */
export const GEMM_ROWS_BLOCKS_PER_SM = 2;
export const GEMM_ROWS_BUILDS: readonly { chunks: number; splits: readonly number[] }[] = [
  // no 8-way splits: slower than 4 at 76 x 1280 x 1280 (9.0 against 8.2 us behind a LayerNorm) and 768 x 320 x 1280 (16.3
  // against 11.3; bench/results/2026-12-03-s54-call3.log); 20 chunks (K = 5120) spilled with 128 registers a thread
  { chunks: 5, splits: [1, 2, 4] },
  { chunks: 10, splits: [1, 2, 4] },
];
export const gemmRowsName = (chunks: number, splits: number) => `k_gemm_rows${chunks}_${splits}`;
export const GEMM_ROWS_KERNELS: Record<string, ArgKind[]> = Object.fromEntries(
  GEMM_ROWS_BUILDS.flatMap((b) => b.splits.map((s) => [gemmRowsName(b.chunks, s), ['ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'i32', 'i32', 'i32', 'i32', 'i32'] as ArgKind[]])),
);
/** Shared memory of a k_gemm_rows<chunks>_<S> block of `slabs` slabs: its rows of x (32 chunks halves, padded to 64 bytes past a multiple of 128: the kernel's STRIDE), then its partial product in floats. */
export const gemmRowsSharedBytes = (slabs: number, chunks: number) => 16 * slabs * (64 * chunks + ((64 * chunks) % 128 === 64 ? 0 : 64)) + 16 * slabs * GEMM_ROWS_PART_PITCH * 4;
export const KERNELS: Record<string, ArgKind[]> = { ...OPS_KERNELS, ...SPARSE_KERNELS, ...WINOGRAD_KERNELS, ...LATENT_KERNELS, ...ATTENTION_KERNELS, ...WGMMA_KERNELS, ...TILE_CONV_KERNELS, ...TILE_CONV_WG_KERNELS, ...GEMM_GEGLU_KERNELS, ...GEMM_ROWS_KERNELS };
/** Flash attention's key tile (kernels/attention.cu KB; KERNEL_DEFINES). */
const FLASH_KEY_TILE = 64;
/** Query rows of a flash-attention block per m-tile (MT) of its warps: 4 warps of 16 rows. */
export const FLASH_QUERY_ROWS = 64;
/** Shared memory of one flash-attention block: two stages of a K and a V tile of padded rows. */
export const flashSharedBytes = (dp: number) => 2 * 2 * FLASH_KEY_TILE * (dp + 8) * 2;

/**
 * Values our kernel sources take from here at compilation (-DNAME=value), by module: the one source of
 * numbers the host and a kernel share (test/kernel-sources.test.ts checks no .cu defines them itself).
 */
export const KERNEL_DEFINES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  sparse: { SWAP_WORDS },
  winograd: { WI_ROWS: WINOGRAD_INPUT_BLOCK.rows, WI_COLS: WINOGRAD_INPUT_BLOCK.cols, WI_CHANNELS: WINOGRAD_INPUT_BLOCK.channels },
  ops: { VEC_BATCH, COPY_UNROLL, SOFTMAX_SHORT, SOFTMAX_VEC, LN_KEPT, SPLIT_PIECES },
  attention: { KB: FLASH_KEY_TILE, SHORT_KEYS },
  'attention-sm90': { WG_KB: WGMMA_KEY_TILE },
  'tile-conv': { TM: TILE_CONV_ROWS, TN: TILE_CONV_COLS, TK: TILE_CONV_K, THREADS: TILE_CONV_THREADS },
  'tile-conv-sm90': { WG_STAGES: TILE_CONV_WG_STAGES },
  'gemm-geglu-sm90': { GG_ROWS: GEMM_GEGLU_ROWS, GG_COLS: GEMM_GEGLU_COLS, GG_STAGES: GEMM_GEGLU_STAGES },
  'gemm-rows-sm90': { GR_WARPS: GEMM_ROWS_WARPS, GR_COLS: GEMM_ROWS_COLS, GR_SLABS: GEMM_ROWS_SLABS, GR_PART_PITCH: GEMM_ROWS_PART_PITCH },
};

/** A module's -D options (KERNEL_DEFINES). */
export function kernelDefines(module: string): string[] {
  return Object.entries(KERNEL_DEFINES[module] ?? {}).map(([k, v]) => `-D${k}=${v}`);
}
