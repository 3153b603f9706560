// cuBLAS (the classic API) for fp32 GEMMs in column-major terms. Device pointers pass as 64-bit
// integers; alpha and beta live on the host.
import koffi from 'koffi';
import { bindFunctions, checkCublas, loadLibrary } from './libs.js';

export const OP_N = 0;
export const OP_T = 1;

export class Cublas {
  private readonly f: Record<string, (...a: unknown[]) => number>;
  private readonly handle: unknown;
  private readonly one = new Float32Array([1]);
  private readonly zero = new Float32Array([0]);

  /** tf32: let cuBLAS use TF32 tensor cores for fp32 GEMMs (faster, ~1e-3 relative error). */
  constructor(tf32 = false) {
    const lib = loadLibrary('cuBLAS (libcublas)', ['libcublas.so.13', 'libcublas.so.12', 'libcublas.so']);
    const decl: Record<string, string> = {
      create: 'int cublasCreate_v2(_Out_ void **handle)',
      sgemm: 'int cublasSgemm_v2(void *h, int ta, int tb, int m, int n, int k, const float *alpha, uint64_t A, int lda, uint64_t B, int ldb, const float *beta, uint64_t C, int ldc)',
      mathMode: 'int cublasSetMathMode(void *h, int mode)',
      sgemmBatched: 'int cublasSgemmStridedBatched(void *h, int ta, int tb, int m, int n, int k, const float *alpha, uint64_t A, int lda, int64_t sA, uint64_t B, int ldb, int64_t sB, const float *beta, uint64_t C, int ldc, int64_t sC, int count)',
    };
    this.f = bindFunctions(lib, decl);
    const h = [null];
    checkCublas('cublasCreate', this.f.create!(h));
    this.handle = h[0];
    checkCublas('cublasSetMathMode', this.f.mathMode!(this.handle, tf32 ? 3 : 0)); // CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH
    void koffi;
  }


  /** C = op(A) op(B) (+ C when accumulate), column-major. */
  gemm(ta: number, tb: number, m: number, n: number, k: number, A: number, lda: number, B: number, ldb: number, C: number, ldc: number, accumulate = false): void {
    checkCublas('cublasSgemm', this.f.sgemm!(this.handle, ta, tb, m, n, k, this.one, A, lda, B, ldb, accumulate ? this.one : this.zero, C, ldc));
  }

  gemmStridedBatched(ta: number, tb: number, m: number, n: number, k: number, A: number, lda: number, sA: number, B: number, ldb: number, sB: number, C: number, ldc: number, sC: number, count: number): void {
    checkCublas('cublasSgemmStridedBatched', this.f.sgemmBatched!(this.handle, ta, tb, m, n, k, this.one, A, lda, sA, B, ldb, sB, this.zero, C, ldc, sC, count));
  }
}
