// Which convolutions the cuda backend runs as im2col + GEMM rather than by cuDNN, where that does not
// depend on the device: in graphs, and for a sparse plan's one-position tiles. A module without
// native code, so that a plan made on the CPU (`fisedit plan --plan-of cuda`) follows the cuda
// backend's choices.
import type { Backend, TileRowsChoice } from '../backend.js';
import type { ConvolutionMode, TileConvolutionMode } from './options.js';

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

/** The plan choices of a cuda backend with the default modes, for a plan counted without one (UNetMacCounter's planOf). */
export const CUDA_DEFAULT_PLAN: Pick<Backend, 'tileRowsChoice'> = {
  tileRowsChoice: (rows, channels) => cudaTileRowsChoice(rows, channels, { convolution: 'auto', tileConvolution: 'library' }),
};
