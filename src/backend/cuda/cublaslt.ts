// cuBLASLt for GEMMs with a fused bias epilogue (y = op(A) op(B) + bias per output row), so the bias
// costs no separate pass over the output. Descriptors and layouts are made once per shape.
import { bindFunctions, checkCublas, loadLibrary } from './libs.js';

const CUDA_R_32F = 0;
const COMPUTE_32F = 68;
const COMPUTE_32F_FAST_TF32 = 77;
const DESC_TRANSA = 3;
const DESC_TRANSB = 4;
const DESC_EPILOGUE = 7;
const DESC_BIAS_POINTER = 8;
const EPILOGUE_BIAS = 4;

export class CublasLt {
  private readonly f: Record<string, (...a: unknown[]) => number>;
  private readonly handle: unknown;
  private readonly descs = new Map<string, unknown>();
  private readonly layouts = new Map<string, unknown>();
  private readonly one = new Float32Array([1]);
  private readonly zero = new Float32Array([0]);
  private readonly ptr = new BigUint64Array(1);

  constructor(private readonly tf32: boolean, private readonly workspace: number, private readonly workspaceBytes: number) {
    const lib = loadLibrary('cuBLASLt (libcublasLt)', ['libcublasLt.so.13', 'libcublasLt.so.12', 'libcublasLt.so']);
    const decl: Record<string, string> = {
      create: 'int cublasLtCreate(_Out_ void **handle)',
      descCreate: 'int cublasLtMatmulDescCreate(_Out_ void **desc, int computeType, int scaleType)',
      descSet: 'int cublasLtMatmulDescSetAttribute(void *desc, int attr, const void *buf, size_t size)',
      layoutCreate: 'int cublasLtMatrixLayoutCreate(_Out_ void **layout, int type, uint64_t rows, uint64_t cols, int64_t ld)',
      matmul: 'int cublasLtMatmul(void *h, void *desc, const void *alpha, uint64_t A, void *Adesc, uint64_t B, void *Bdesc, const void *beta, uint64_t C, void *Cdesc, uint64_t D, void *Ddesc, void *algo, uint64_t workspace, size_t workspaceBytes, void *stream)',
    };
    this.f = bindFunctions(lib, decl);
    const h = [null];
    checkCublas('cublasLtCreate', this.f.create!(h));
    this.handle = h[0];
  }


  private layout(rows: number, cols: number, ld: number): unknown {
    const key = `${rows},${cols},${ld}`;
    let l = this.layouts.get(key);
    if (!l) {
      const out = [null];
      checkCublas('cublasLtMatrixLayoutCreate', this.f.layoutCreate!(out, CUDA_R_32F, rows, cols, ld));
      this.layouts.set(key, (l = out[0]));
    }
    return l;
  }

  private desc(ta: number, tb: number): unknown {
    const key = `${ta},${tb}`;
    let d = this.descs.get(key);
    if (!d) {
      const out = [null];
      checkCublas('cublasLtMatmulDescCreate', this.f.descCreate!(out, this.tf32 ? COMPUTE_32F_FAST_TF32 : COMPUTE_32F, CUDA_R_32F));
      d = out[0];
      checkCublas('set TRANSA', this.f.descSet!(d, DESC_TRANSA, new Int32Array([ta]), 4));
      checkCublas('set TRANSB', this.f.descSet!(d, DESC_TRANSB, new Int32Array([tb]), 4));
      checkCublas('set EPILOGUE', this.f.descSet!(d, DESC_EPILOGUE, new Uint32Array([EPILOGUE_BIAS]), 4));
      this.descs.set(key, d);
    }
    return d;
  }

  /** D (m x n, column-major, ld ldc) = op(A) op(B) + bias[row]. */
  gemmBias(ta: number, tb: number, m: number, n: number, k: number, A: number, lda: number, B: number, ldb: number, D: number, ldc: number, bias: number): void {
    const d = this.desc(ta, tb);
    this.ptr[0] = BigInt(bias);
    checkCublas('set BIAS_POINTER', this.f.descSet!(d, DESC_BIAS_POINTER, this.ptr, 8));
    const aL = ta ? this.layout(k, m, lda) : this.layout(m, k, lda);
    const bL = tb ? this.layout(n, k, ldb) : this.layout(k, n, ldb);
    const dL = this.layout(m, n, ldc);
    checkCublas('cublasLtMatmul', this.f.matmul!(this.handle, d, this.one, A, aL, B, bL, this.zero, D, dL, D, dL, null, this.workspace, this.workspaceBytes, null));
  }
}
