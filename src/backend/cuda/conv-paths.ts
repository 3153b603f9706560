// Which convolutions the cuda backend runs as im2col + GEMM rather than by cuDNN, where that does not
// depend on the device: in graphs, and for a sparse plan's one-position tiles. A module without
// native code, so that a plan made on the CPU (`fisedit plan --plan-of cuda`) follows the cuda
// backend's choices.
import type { PlanChoices, TileRowsChoice } from '../backend.js';
import type { ConvolutionMode, TileConvolutionMode } from './options.js';
import { WINOGRAD_INPUT_BLOCK } from './kernels.js';

/**
 * Convolutions of at most this many output positions and at least this many input channels go to
 * im2col + GEMM in graphs too ('auto'), where cuBLASLt's kernels beat cuDNN's implicit GEMM
 * (few output rows against a long K). A FISEdit step's tiles at the two lowest resolutions and the
 * 12 x 12 maps are such (bench/results/2026-11-30-conv-paths.json: 1280 channels, 64 rows 32 -> 16 us;
 * 2560 -> 1280, 384 rows 86 -> 62 us; at 320 channels cuDNN stays ~2 us ahead, above ~400 rows it
 * is ahead at every width).
 */
const GEMM_CONV_MAX_ROWS = 400, GEMM_CONV_MIN_CHANNELS = 640;

/** Few output rows over many input channels: im2col + GEMM in graphs too, and one-position tiles ahead of any block size. */
export function fewRowsOfManyChannels(rows: number, channels: number): boolean {
  return rows <= GEMM_CONV_MAX_ROWS && channels >= GEMM_CONV_MIN_CHANNELS;
}

/**
 * Winograd's F(2x2, 3x3) from maps of this many positions and this many channels each way (12 x 12 x
 * 320 and up: every level of a 768 px U-Net, and a 512 px one's from 16 x 16). At 12 x 12 x 1280 the
 * transformed weights (16/9 of the weight, read for few rows) are most of its cost, and it is level with
 * the direct path alone (bench:winograd, with bias and residual: 27.9 against 30.0 us,
 * bench/results/2026-12-04-winograd-s61c2.json); in a U-Net call it also takes the norm's affine pass
 * off those convolutions: 768 px 9.75 / 9.99 ms against 10.05 / 10.21 with 24 x 24 as the floor
 * (bench/results/2026-12-04-s61-call1.log), for ~0.8 GiB more device memory (eleven 1280 -> 1280 and
 * three 2560 -> 1280 at 12 x 12).
 */
export const WINOGRAD_MIN_POSITIONS = 12 * 12, WINOGRAD_MIN_CHANNELS = 320;

/**
 * F(4x4, 3x3) (CudaOptions.winograd 'f4') from maps of this many positions: 36 planes per 16 outputs
 * where F(2x2, 3x3) has 64, so fewer products and less transform traffic, but transformed weights 4x
 * the weight (F(2x2, 3x3): 16/9). Where a map has few positions and many channels (a 768 px U-Net's
 * 24 x 24 x 1280: 118 MB of U a convolution against 52, for 6.6 MB of V against 11.8) the weights'
 * trip costs more than the planes save; from 48 x 48 (640 channels: U 29.5 MB, V 13 MB against 13
 * and 23.6) the planes' saving is the larger.
 */
export const WINOGRAD4_MIN_POSITIONS = 48 * 48;

/** The output tile of Winograd's convolution over an h x w map that winogradShape takes: 4 (F(4x4, 3x3)) where `f4` and the map allows, else 2. */
export function winogradTile(h: number, w: number, f4: boolean): 2 | 4 {
  return f4 && h % 4 === 0 && w % 4 === 0 && h * w >= WINOGRAD4_MIN_POSITIONS ? 4 : 2;
}

/**
 * Whether a convolution's shape takes Winograd's convolution (the cuda backend's winogradConv, in fp16
 * graphs; F(2x2, 3x3), or F(4x4, 3x3) where winogradTile says): 3x3, stride 1, padding 1 all round,
 * a map of even sides of at least WINOGRAD_MIN_POSITIONS,
 * WINOGRAD_MIN_CHANNELS channels or more each way, output channels in multiples of 8 (the transformed
 * planes 16-byte aligned, for the vector builds and cuBLASLt's batch) and input channels in slices of
 * k_wino2_input's block (WINOGRAD_INPUT_BLOCK.channels).
 */
export function winogradShape(h: number, w: number, ci: number, co: number, kh: number, kw: number, stride: number, pads: readonly number[]): boolean {
  return kh === 3 && kw === 3 && stride === 1 && pads.every((p) => p === 1) && h % 2 === 0 && w % 2 === 0 && h * w >= WINOGRAD_MIN_POSITIONS && winogradChannels(ci, co);
}

/** The channels Winograd's kernels take (winogradShape). */
function winogradChannels(ci: number, co: number): boolean {
  return Math.min(ci, co) >= WINOGRAD_MIN_CHANNELS && ci % WINOGRAD_INPUT_BLOCK.channels === 0 && co % 8 === 0;
}

/**
 * A sparse step's tile convolutions (blocks of bo x bo outputs) from this block side take F(2x2, 3x3)
 * over their tiles (winograd-ops.ts winogradTilesConv); up to WINOGRAD_TILES_MAX_BLOCK, APSC's largest
 * (k_wino2_input_tiles: a block of (bo/2)^2 x 8 threads at most, 512, and the tile's (bo + 2)^2 x 32
 * floats of shared memory, 41 KiB). Blocks of 2 x 2 would be one 2x2 block of outputs a thread block.
 */
export const WINOGRAD_TILES_MIN_BLOCK = 4, WINOGRAD_TILES_MAX_BLOCK = 16;

/**
 * The channels a block of k_wino2_input_tiles takes over a tile of bo x bo outputs and c channels:
 * slices of WINOGRAD_INPUT_BLOCK.channels, as many as give the block ~WINOGRAD_TILES_THREADS threads
 * ((bo/2)^2 x 2x2 blocks of outputs, a thread each per 4 channels) and divide c: 256 channels at bo =
 * 4, 64 at bo = 8, 32 from bo = 12.
 */
export function winogradTilesSlice(bo: number, c: number): number {
  const step = WINOGRAD_INPUT_BLOCK.channels, perSlice = ((bo / 2) ** 2 * step) / 4;
  let slices = Math.max(1, Math.floor(WINOGRAD_TILES_THREADS / perSlice));
  while ((c / step) % slices) slices--;
  return slices * step;
}
/** The threads k_wino2_input_tiles's blocks aim at (winogradTilesSlice). */
const WINOGRAD_TILES_THREADS = 256;

/** Whether a tile convolution (k x k, stride, blocks of bo x bo outputs) takes Winograd's F(2x2, 3x3) over its tiles: 3x3, stride 1, bo even within the bounds above, channels as winogradShape's. */
export function winogradTilesShape(bo: number, ci: number, co: number, k: number, stride: number): boolean {
  return k === 3 && stride === 1 && bo % 2 === 0 && bo >= WINOGRAD_TILES_MIN_BLOCK && bo <= WINOGRAD_TILES_MAX_BLOCK && winogradChannels(ci, co);
}

/** How the cuda backend convolves a sparse plan's tiles: its CudaOptions.convolution and .tileConvolution. */
export interface TileConvolutionModes {
  convolution: ConvolutionMode;
  tileConvolution: TileConvolutionMode;
}

/**
 * Backend.tileRowsChoice on the cuda backend: one-position tiles of >= GEMM_CONV_MIN_CHANNELS
 * channels go into im2col rows, recorded or eager, up to GEMM_CONV_MAX_ROWS ahead of any block size;
 * beyond, ahead of the dense convolution only (cuDNN over APSC's blocks won at 48 x 48 x 640, 670
 * rows against blocks of 4 computing 832 outputs, while rows beat the dense maps at 24 x 24 and
 * 48 x 48: bench/results/2026-12-02-s31-run4*). The fused tile convolution always takes tiles; 'rows'
 * plans as 'library' does (its kernel takes the rows).
 */
export function cudaTileRowsChoice(rows: number, channels: number, modes: TileConvolutionModes): TileRowsChoice {
  if (modes.tileConvolution === 'fused' || modes.convolution === 'cudnn') return 'tiles';
  if (modes.convolution === 'gemm') return 'rows';
  return fewRowsOfManyChannels(rows, channels) ? 'rows' : channels >= GEMM_CONV_MIN_CHANNELS ? 'rows over dense' : 'tiles';
}

/** The block sides whose k x k, stride-s tiles Winograd's F(2x2, 3x3) takes (winogradTilesShape), ci -> co channels: Backend.tileBlocksByOutputs where Winograd runs. */
export function winogradTileBlocks(ci: number, co: number, k: number, stride: number): readonly number[] | undefined {
  const sides = Array.from({ length: WINOGRAD_TILES_MAX_BLOCK }, (_, i) => i + 1).filter((bo) => winogradTilesShape(bo, ci, co, k, stride));
  return sides.length ? sides : undefined;
}

/** The plan choices of a cuda backend with the default modes (fp16: Winograd over tiles), for a plan counted without one (UNetMacCounter's planOf). */
export const CUDA_DEFAULT_PLAN: PlanChoices = {
  tileRowsChoice: (rows, channels) => cudaTileRowsChoice(rows, channels, { convolution: 'auto', tileConvolution: 'library' }),
  tileBlocksByOutputs: winogradTileBlocks,
};
