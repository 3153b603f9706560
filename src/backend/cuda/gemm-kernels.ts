// Our own GEMM kernels on the cuda backend, between its pointwise ops and the library calls
// (cuda.ts): k_gemm_geglu (a transformer feed-forward's input layer with its GEGLU, from 1024 rows)
// and k_gemm_rows (a linear layer of few rows); each with the option that turns it off, the check
// that says why it cannot run a shape, and the launch. Which path a layer takes is cuda.ts's.
import { checkLinear } from '../backend.js';
import { shapeString, type Tensor } from '../../tensor/tensor.js';
import { FiseditError } from '../../io/errors.js';
import type { DeviceBuffer } from './memory.js';
import { checkCudaOptions, type CudaOptions } from './options.js';
import { CudaPointwiseOps } from './pointwise-ops.js';
import { gemmRowsDefaultRows, gemmRowsLaunch, type GemmRowsLaunch } from './gemm-rows.js';
import { GEMM_GEGLU_COLS, GEMM_GEGLU_KERNELS, GEMM_GEGLU_ROWS, GEMM_GEGLU_SHARED_BYTES, GEMM_GEGLU_THREADS, GEMM_ROWS_BUILDS, GEMM_ROWS_KERNELS, GEMM_ROWS_SLABS, GEMM_ROWS_WARPS, gemmRowsName, gemmRowsSharedBytes } from './kernels.js';

export abstract class CudaGemmKernels extends CudaPointwiseOps {
  /** Whether k_gemm_geglu can run here (fp16 storage on Hopper, CudaOptions.gegluKernel). */
  protected readonly gegluKernel: boolean;
  /** The most rows for which linear runs k_gemm_rows (CudaOptions.rowsGemm): a number, or 'by K' (gemmRowsDefaultRows); 0: it cannot run here (fp16 storage on Hopper only, or the option false). */
  protected readonly rowsGemmRows: number | 'by K';
  /** Tensor maps of the weights k_gemm_geglu and k_tile_conv_wgs have read, in device memory, by weight address and shape (a map holds only those). */
  private readonly weightMaps = new Map<string, DeviceBuffer>();

  /** Opens the GPU (checkCudaOptions first) and loads the modules of the kernels the options allow. */
  constructor(o: CudaOptions) {
    super(checkCudaOptions(o).device ?? 0, o.math ?? 'fp16');
    const hopperHalf = this.math === 'fp16' && this.driver.computeCapability[0] === 9;
    this.gegluKernel = hopperHalf && (o.gegluKernel ?? true);
    if (this.gegluKernel) {
      this.load('gemm-geglu-sm90', GEMM_GEGLU_KERNELS, ['-DFISEDIT_HALF'], 'sm_90a');
      this.driver.allowSharedMemory(this.fns.get('k_gemm_geglu'), 'k_gemm_geglu', GEMM_GEGLU_SHARED_BYTES);
    }
    this.rowsGemmRows = !hopperHalf || o.rowsGemm === false ? 0 : typeof o.rowsGemm === 'number' ? o.rowsGemm : 'by K';
    if (this.rowsGemmRows) {
      this.load('gemm-rows-sm90', GEMM_ROWS_KERNELS, ['-DFISEDIT_HALF']);
      for (const b of GEMM_ROWS_BUILDS)
        for (const s of b.splits) this.driver.allowSharedMemory(this.fns.get(gemmRowsName(b.chunks, s)), gemmRowsName(b.chunks, s), gemmRowsSharedBytes(GEMM_ROWS_SLABS, b.chunks));
    }
  }

  /** linear(x, w, b, residual) by k_gemm_rows whatever linear would choose (bench:gemm-rows, the GPU tests); `only` as gemmRowsLaunch's. Throws where it cannot run. */
  linearRowsKernel(x: Tensor, w: Tensor, b?: Tensor, residual?: Tensor, only?: { splits?: number; slabs?: number }): Tensor {
    checkLinear(x, w, b, residual);
    const rows = this.rowsGemmLaunch(x, w, b, residual, only);
    if (typeof rows === 'string') throw new FiseditError(`k_gemm_rows: ${rows}`);
    return this.runRowsGemm(rows, x, w, b, residual, this.empty([...x.shape.slice(0, -1), w.shape[0]!]));
  }

  /** k_gemm_rows's launch for linear(x, w, b, residual), or why it cannot run it. */
  protected rowsGemmLaunch(x: Tensor, w: Tensor, b?: Tensor, residual?: Tensor, only?: { splits?: number; slabs?: number }): GemmRowsLaunch | string {
    if (!this.rowsGemmRows) return 'off here (fp16 storage on Hopper only, CudaOptions.rowsGemm)';
    const [n, k] = w.shape as [number, number];
    if (!this.wholeVectors([x, w, b, residual].map((t) => (t ? this.p(t) : 0)), [])) return 'an operand not 16-byte aligned';
    return gemmRowsLaunch(x.size / k, n, k, this.driver.multiprocessors, only);
  }

  /** The most rows for which linear runs k_gemm_rows over k inputs (0: none). */
  protected rowsGemmMost(k: number): number {
    return typeof this.rowsGemmRows === 'number' ? this.rowsGemmRows : gemmRowsDefaultRows(k);
  }

  /** The launch of k_gemm_rows into y, once rowsGemmLaunch has found one. */
  protected runRowsGemm(l: GemmRowsLaunch, x: Tensor, w: Tensor, b: Tensor | undefined, residual: Tensor | undefined, y: Tensor): Tensor {
    const [n, k] = w.shape as [number, number];
    const m = x.size / k;
    const early = this.settledParameter(w) ? 1 : 0; // the weights into registers while the kernel ahead runs, else into L2
    this.run(l.name, 0, [this.p(x), this.p(w), b ? this.p(b) : 0, residual ? this.p(residual) : 0, this.p(y), m, n, k, l.slabs, early], 32 * GEMM_ROWS_WARPS, l.grid, l.sharedBytes, l.splits, () => `${m}x${n}x${k}`);
    return y;
  }

  /**
   * geglu(linear(x, w, b)) by k_gemm_geglu whatever the rows (linearGeglu's path from
   * GEMM_GEGLU_MIN_ROWS; bench:gemm-geglu times it at every row count). Throws where it cannot run.
   */
  linearGegluKernel(x: Tensor, w: Tensor, b: Tensor): Tensor {
    const refusal = this.gegluKernelRefuses(w);
    if (refusal) throw new FiseditError(`k_gemm_geglu: ${refusal}`);
    return this.runGegluKernel(x, w, b);
  }

  /** Why k_gemm_geglu cannot compute geglu(linear(x, w, ...)), or undefined where it can. */
  protected gegluKernelRefuses(w: Tensor): string | undefined {
    const [n, k] = w.shape as [number, number];
    if (!this.gegluKernel) return 'off here (fp16 storage on Hopper only, CudaOptions.gegluKernel)';
    if ((n / 2) % GEMM_GEGLU_COLS || k % 64) return `weight ${shapeString(w.shape)}: outputs a multiple of ${2 * GEMM_GEGLU_COLS} and inputs of 64 only`;
    // a weight that is a replay's input would move under its tensor map (never so in the U-Net)
    if (this.replays.isInput(w)) return 'the weight is an input of the call being recorded';
    return undefined;
  }

  /** The launch of k_gemm_geglu, once gegluKernelRefuses has found nothing against it. */
  protected runGegluKernel(x: Tensor, w: Tensor, b: Tensor): Tensor {
    checkLinear(x, w, b, undefined, 'k_gemm_geglu');
    const [n, k] = w.shape as [number, number];
    const f = n / 2, m = x.size / k;
    const y = this.empty([...x.shape.slice(0, -1), f]);
    const grid = Math.min(Math.ceil(m / GEMM_GEGLU_ROWS) * (f / GEMM_GEGLU_COLS), this.driver.multiprocessors); // a block per SM at most: each loops over tiles
    this.run('k_gemm_geglu', 0, [this.p(x), this.weightMap(w, n, k, GEMM_GEGLU_COLS), this.p(b), this.p(y), m, f, k], GEMM_GEGLU_THREADS, grid, GEMM_GEGLU_SHARED_BYTES, 1, () => `${m}x${n}x${k}`);
    return y;
  }

  /**
   * The device address of a tensor map of weight w as a [rows, cols] matrix in boxes of `boxRows` rows
   * by 64 (k_gemm_geglu's, k_tile_conv_wgs's), made and uploaded at its first use (legal while a graph
   * is recorded: the buffer is new) and kept: it describes the address and shape alone, so it stays
   * right for whatever weight is there later.
   */
  protected weightMap(w: Tensor, rows: number, cols: number, boxRows: number): number {
    const key = `${this.p(w)}:${rows}:${cols}:${boxRows}`;
    let map = this.weightMaps.get(key);
    if (!map) {
      map = this.pool.own(128);
      this.driver.uploadNow(map.ptr, this.driver.tensorMapHalf(this.p(w), rows, cols, boxRows));
      this.weightMaps.set(key, map);
    }
    return map.ptr;
  }
}
