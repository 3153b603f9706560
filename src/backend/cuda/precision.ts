// The cuda backend's precisions: what tensors are stored as and how GEMMs compute.
//   fp32: float32 storage, exact float32 GEMMs (the checking mode).
//   tf32: float32 storage, TF32 tensor-core GEMMs (~1e-3 relative error per product).
//   fp16: half storage and weights, fp16 tensor-core GEMMs with float32 accumulation, flash attention.
export type Precision = 'fp32' | 'tf32' | 'fp16';

/** The precisions, the default first. This module loads nothing of the GPU's. */
export const PRECISIONS: readonly Precision[] = ['fp16', 'tf32', 'fp32'];

const CUDA_R_32F = 0;
const CUDA_R_16F = 2;
const COMPUTE_32F = 68;
const COMPUTE_32F_FAST_TF32 = 77;

/** cudaDataType of stored matrices and cublasComputeType_t of a precision (scale type is always float). */
export function gemmTypes(p: Precision): { dataType: number; computeType: number; scaleType: number } {
  return {
    dataType: p === 'fp16' ? CUDA_R_16F : CUDA_R_32F,
    computeType: p === 'tf32' ? COMPUTE_32F_FAST_TF32 : COMPUTE_32F,
    scaleType: CUDA_R_32F,
  };
}

/** Bytes per stored element. */
export function storageBytes(p: Precision): number {
  return p === 'fp16' ? 2 : 4;
}
