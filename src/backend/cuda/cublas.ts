// cuBLAS (the classic API) for the batched GEMMs of attention, in column-major terms, through
// cublasGemmStridedBatchedEx: the storage type (fp32 or fp16) and the compute type (fp32, TF32 or
// fp32 accumulation of fp16 products) are chosen once by the backend's precision.
import { bindFunctions, checkCublas, loadLibrary } from './libs.js';
import { gemmTypes, type Precision } from './precision.js';

export const OP_N = 0;
export const OP_T = 1;

const GEMM_DEFAULT = -1;

export class Cublas {
  private readonly f: Record<string, (...a: unknown[]) => number>;
  private readonly handle: unknown;
  private readonly one = new Float32Array([1]);
  private readonly zero = new Float32Array([0]);
  private readonly dataType: number;
  private readonly computeType: number;

  constructor(precision: Precision, stream: unknown) {
    const lib = loadLibrary('cuBLAS (libcublas)', ['libcublas.so.13', 'libcublas.so.12', 'libcublas.so']);
    const decl: Record<string, string> = {
      create: 'int cublasCreate_v2(_Out_ void **handle)',
      setStream: 'int cublasSetStream_v2(void *h, void *stream)',
      gemmBatched: 'int cublasGemmStridedBatchedEx(void *h, int ta, int tb, int m, int n, int k, const float *alpha, uint64_t A, int Atype, int lda, int64_t sA, uint64_t B, int Btype, int ldb, int64_t sB, const float *beta, uint64_t C, int Ctype, int ldc, int64_t sC, int count, int computeType, int algo)',
    };
    this.f = bindFunctions(lib, decl);
    const h = [null];
    checkCublas('cublasCreate', this.f.create!(h));
    this.handle = h[0];
    this.useStream(stream);
    ({ dataType: this.dataType, computeType: this.computeType } = gemmTypes(precision));
  }

  /** Queues what follows on `stream`. */
  useStream(stream: unknown): void {
    checkCublas('cublasSetStream', this.f.setStream!(this.handle, stream));
  }

  /** C_i = op(A_i) op(B_i) for `count` matrices at fixed element strides, column-major. */
  gemmStridedBatched(ta: number, tb: number, m: number, n: number, k: number, A: number, lda: number, sA: number, B: number, ldb: number, sB: number, C: number, ldc: number, sC: number, count: number): void {
    const t = this.dataType;
    checkCublas('cublasGemmStridedBatchedEx', this.f.gemmBatched!(this.handle, ta, tb, m, n, k, this.one, A, t, lda, sA, B, t, ldb, sB, this.zero, C, t, ldc, sC, count, this.computeType, GEMM_DEFAULT));
  }
}
