// Winograd's F(2x2, 3x3) on the cuda backend, between our own GEMM kernels and the library calls:
// its transforms (kernels/winograd.cu), with the option that turns it off. The 16 products between
// them are cuBLASLt's, and which convolutions take it is cuda.ts's (winogradConvolves, by
// conv-paths.ts winogradShape).
import { Tensor } from '../../tensor/tensor.js';
import { CudaGemmKernels } from './gemm-kernels.js';
import { WINOGRAD_INPUT_BLOCK, WINOGRAD_INPUT_THREADS, WINOGRAD_KERNELS, WINOGRAD_PRODUCTS } from './kernels.js';
import type { ConvInput } from '../backend.js';
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

  /**
   * V = B^T d B [16, tiles, c] of the 4x4 patches of x [N, H, W, C] as a convolution reading it
   * through `input` sees it (H, W even; zero in the padding), tiles = N H W / 4: the norm's affine
   * and SiLU applied as the patches are read, each value once (kernels/winograd.cu k_wino_input).
   */
  protected winogradInput(x: Tensor, input: ConvInput | undefined): Tensor {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const tiles = (n * h * w) / 4, v = this.empty([WINOGRAD_PRODUCTS, tiles, c]), a = input?.affine;
    const { rows, cols, channels } = WINOGRAD_INPUT_BLOCK;
    const blocks = n * Math.ceil(h / 2 / rows) * Math.ceil(w / 2 / cols) * (c / channels);
    this.run('k_wino_input', blocks * WINOGRAD_INPUT_THREADS, [this.p(x), a ? this.p(a.scale) : 0, a ? this.p(a.shift) : 0, input?.silu ? 1 : 0, this.p(v), h, w, c, tiles], WINOGRAD_INPUT_THREADS, blocks);
    return v;
  }

  /** y [N, H, W, C] = A^T M A of the products m [16, tiles, C], + bias per channel, + residual (shaped like y). */
  protected winogradOutput(m: Tensor, b: Tensor | undefined, residual: Tensor | undefined, y: Tensor): void {
    const [, h, w, c] = y.shape as [number, number, number, number], tiles = m.shape[1]!;
    this.run('k_wino_output', (tiles * c) / 4, [this.p(m), b ? this.p(b) : 0, residual ? this.p(residual) : 0, this.p(y), h, w, c, tiles]); // 4 channels a thread
  }
}
