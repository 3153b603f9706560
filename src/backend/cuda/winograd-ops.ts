// Winograd's convolution on the cuda backend, between our own GEMM kernels and the library calls:
// its transforms (kernels/winograd.cu) in its two forms, F(2x2, 3x3) and F(4x4, 3x3), with the option
// that chooses. The products between them are cuBLASLt's, and which convolutions take it is cuda.ts's
// (winogradConvolves, by conv-paths.ts winogradShape and winogradTile).
import { Tensor } from '../../tensor/tensor.js';
import { CudaGemmKernels } from './gemm-kernels.js';
import { WINOGRAD_FORMS, WINOGRAD_INPUT_BLOCK, WINOGRAD_KERNELS, type WinogradForm } from './kernels.js';
import { winogradTile } from './conv-paths.js';
import type { ConvInput, TileSet } from '../backend.js';
import type { CudaOptions } from './options.js';
import type { GemmStrides } from './cublaslt.js';

export abstract class CudaWinograd extends CudaGemmKernels {
  /** Whether 'auto' convolutions may take Winograd's convolution (CudaOptions.winograd; fp16 only). */
  readonly winograd: boolean;
  /** Whether maps that allow it take F(4x4, 3x3) (CudaOptions.winograd 'f4'). */
  protected readonly winogradF4: boolean;
  /** Each weight's transforms [products, co, ci], by its storage and the form's tile. */
  private readonly winogradWeightsOf = new WeakMap<object, Map<number, Tensor>>();

  constructor(o: CudaOptions) {
    super(o);
    this.winograd = this.math === 'fp16' && (o.convolution ?? 'auto') === 'auto' && (o.winograd ?? true) !== false;
    this.winogradF4 = this.winograd && o.winograd === 'f4';
    if (this.winograd) this.load('winograd', WINOGRAD_KERNELS, ['-DFISEDIT_HALF']);
  }

  /** The form of Winograd's convolution an h x w map takes (conv-paths.ts winogradTile). */
  protected winogradForm(h: number, w: number): WinogradForm {
    return WINOGRAD_FORMS[winogradTile(h, w, this.winogradF4)];
  }

  /**
   * The products of a convolution over n h x w maps, ci -> co channels, as one batch: its form, its
   * tiles (each product's rows), and the elements from one plane to the next of U [products, co, ci],
   * V [products, tiles, ci] and M [products, tiles, co], its cuBLASLt family `family` (a sparse step's
   * tiles: 'by octave', as many tiles as its mask makes).
   */
  protected winogradBatch(n: number, h: number, w: number, ci: number, co: number, family: GemmStrides['family'] = 'by shape'): { form: WinogradForm; tiles: number; batch: GemmStrides } {
    const form = this.winogradForm(h, w), tiles = (n * h * w) / form.tile ** 2;
    return { form, tiles, batch: { strides: [co * ci, tiles * ci, tiles * co], family } };
  }

  /** The weight's transform U = G g G^T [products, co, ci] of w [co, 3, 3, ci]: made once per form, on the main stream beside the recording (so no replay makes it again). */
  protected winogradWeights(w: Tensor, form: WinogradForm): Tensor {
    let byTile = this.winogradWeightsOf.get(w.storage as object);
    if (!byTile) this.winogradWeightsOf.set(w.storage as object, (byTile = new Map()));
    let u = byTile.get(form.tile);
    if (!u) {
      const [co, , , ci] = w.shape as [number, number, number, number];
      u = new Tensor([form.products, co, ci], this.pool.own(form.products * co * ci * this.elementBytes));
      this.run(`k_wino${form.tile}_weights`, co * ci, [this.p(w), this.p(u), co, ci], 256, undefined, 0, 1, undefined, this.driver.main);
      byTile.set(form.tile, u);
    }
    return u;
  }

  /**
   * V = B^T d B [products, tiles, c] of the patches of x [N, H, W, C] as a convolution reading it
   * through `input` sees it (H, W multiples of the tile; zero in the padding), tiles = N H W / tile^2:
   * the norm's affine and SiLU applied as the patches are read, each value once (kernels/winograd.cu).
   */
  protected winogradInput(x: Tensor, input: ConvInput | undefined, form: WinogradForm): Tensor {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const tiles = (n * h * w) / form.tile ** 2, v = this.empty([form.products, tiles, c]), a = input?.affine;
    const { rows, cols, channels } = WINOGRAD_INPUT_BLOCK; // a block's outputs: 2 rows x 2 cols positions, whatever the form
    const blocks = n * Math.ceil(h / 2 / rows) * Math.ceil(w / 2 / cols) * (c / channels);
    this.run(`k_wino${form.tile}_input`, blocks * form.inputThreads, [this.p(x), a ? this.p(a.scale) : 0, a ? this.p(a.shift) : 0, input?.silu ? 1 : 0, this.p(v), h, w, c, tiles], form.inputThreads, blocks);
    return v;
  }

  /**
   * V = B^T d B [16, tiles, c] of F(2x2, 3x3) over a sparse step's tiles as gatherTiles gathers them
   * from x [N, H, W, C] through `input`, read from x where they lie (k_wino2_input_tiles): each tile's
   * convolution without padding, bo = side - 2 (even) outputs a side, as winogradBatch(N * T, bo, bo)
   * numbers its 2x2 blocks of outputs.
   */
  protected winogradTilesInput(x: Tensor, tiles: TileSet, input: ConvInput | undefined): Tensor {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const blocks = tiles.origins.length / 2, half = (tiles.side - 2) / 2, count = n * blocks * half * half, a = input?.affine;
    const form = WINOGRAD_FORMS[2], v = this.empty([form.products, count, c]), { channels } = WINOGRAD_INPUT_BLOCK;
    const args = [this.p(x), this.p(this.indices(tiles.origins)), a ? this.p(a.scale) : 0, a ? this.p(a.shift) : 0, input?.silu ? 1 : 0, this.p(v), h, w, c, blocks, tiles.side, count];
    this.run('k_wino2_input_tiles', 0, args, (half * half * channels) / 4, n * blocks * (c / channels), tiles.side ** 2 * channels * 4);
    return v;
  }

  /** y [N, H, W, C] = A^T M A of the products m [products, tiles, C], + bias per channel, + residual (shaped like y). */
  protected winogradOutput(m: Tensor, b: Tensor | undefined, residual: Tensor | undefined, y: Tensor, form: WinogradForm): void {
    const [, h, w, c] = y.shape as [number, number, number, number], tiles = m.shape[1]!;
    this.run(`k_wino${form.tile}_output`, (tiles * c) / form.outputChannels, [this.p(m), b ? this.p(b) : 0, residual ? this.p(residual) : 0, this.p(y), h, w, c, tiles]);
  }

}
