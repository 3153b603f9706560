// Winograd's F(2x2, 3x3) on the cuda backend, between our own GEMM kernels and the library calls:
// its transforms (kernels/winograd.cu), with the option that turns it off. The 16 products between
// them are cuBLASLt's, and which convolutions take it is cuda.ts's (winogradConvolves, by
// conv-paths.ts winogradShape).
import { Tensor } from '../../tensor/tensor.js';
import { CudaGemmKernels } from './gemm-kernels.js';
import { WINOGRAD_KERNELS, WINOGRAD_PRODUCTS } from './kernels.js';
import type { CudaOptions } from './options.js';

export abstract class CudaWinograd extends CudaGemmKernels {
  /** Whether 'auto' convolutions may take Winograd's F(2x2, 3x3) (CudaOptions.winograd; fp16 only). */
  readonly winograd: boolean;
  /** Each weight's transform [16, co, ci], by its storage (winogradWeights). */
  private readonly winogradWeightsOf = new WeakMap<object, Tensor>();

  constructor(o: CudaOptions) {
    super(o);
    this.winograd = this.math === 'fp16' && (o.convolution ?? 'auto') === 'auto' && (o.winograd ?? true);
    if (this.winograd) this.load('winograd', WINOGRAD_KERNELS, ['-DFISEDIT_HALF']);
  }

  /** The weight's transform U = G g G^T [16, co, ci] of w [co, 3, 3, ci]: made once, on the main stream beside the recording (so no replay makes it again). */
  protected winogradWeights(w: Tensor): Tensor {
    let u = this.winogradWeightsOf.get(w.storage as object);
    if (!u) {
      const [co, , , ci] = w.shape as [number, number, number, number];
      u = new Tensor([WINOGRAD_PRODUCTS, co, ci], this.pool.own(WINOGRAD_PRODUCTS * co * ci * this.elementBytes));
      this.run('k_wino_weights', co * ci, [this.p(w), this.p(u), co, ci], 256, undefined, 0, 1, undefined, this.driver.main);
      this.winogradWeightsOf.set(w.storage as object, u);
    }
    return u;
  }

  /** V = B^T d B [16, tiles, c] of the 4x4 patches of x [N, H, W, C] (H, W even; zero in the padding), tiles = N H W / 4. */
  protected winogradInput(x: Tensor): Tensor {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const tiles = (n * h * w) / 4, v = this.empty([WINOGRAD_PRODUCTS, tiles, c]);
    // 4 channels a thread (k_wino_input_v4): the 16-byte build held 128 floats of patch, one block an SM
    this.run('k_wino_input_v4', (tiles * c) / 4, [this.p(x), this.p(v), h, w, c, tiles]);
    return v;
  }

  /** y [N, H, W, C] = A^T M A of the products m [16, tiles, C], + bias per channel, + residual (shaped like y). */
  protected winogradOutput(m: Tensor, b: Tensor | undefined, residual: Tensor | undefined, y: Tensor): void {
    const [, h, w, c] = y.shape as [number, number, number, number], tiles = m.shape[1]!;
    this.runVector('k_wino_output', tiles * c, [this.p(m), b ? this.p(b) : 0, residual ? this.p(residual) : 0, this.p(y), h, w, c, tiles], [c]);
  }
}
