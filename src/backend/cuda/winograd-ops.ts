// Winograd's convolution on the cuda backend, between our own GEMM kernels and the library calls:
// which convolutions take it (a map's in graphs: conv-paths.ts winogradShape and winogradTile; a sparse
// step's tiles: winogradTilesShape), its transforms (kernels/winograd.cu) in its two forms, F(2x2, 3x3)
// and F(4x4, 3x3), with the option that chooses, and the products between them as one cuBLASLt batch.
// cuda.ts's conv2d and conv2dTiles ask winogradConvolves and winogradTilesConvolves first.
import { Tensor } from '../../tensor/tensor.js';
import { CudaGemmKernels } from './gemm-kernels.js';
import { WINOGRAD_FORMS, WINOGRAD_INPUT_BLOCK, WINOGRAD_KERNELS, type WinogradForm } from './kernels.js';
import { winogradShape, winogradTile, winogradTilesShape, winogradTilesSlice } from './conv-paths.js';
import type { ConvInput, TileSet } from '../backend.js';
import type { CudaOptions } from './options.js';
import { OP_N, OP_T } from './cublas.js';
import type { CublasLt, GemmStrides } from './cublaslt.js';

/** The products of a Winograd convolution as one batch (CudaWinograd.winogradBatch). */
interface WinogradBatch {
  form: WinogradForm;
  tiles: number;
  batch: GemmStrides;
}

export abstract class CudaWinograd extends CudaGemmKernels {
  /** Whether 'auto' convolutions may take Winograd's convolution (CudaOptions.winograd; fp16 only). */
  readonly winograd: boolean;
  /** Whether maps that allow it take F(4x4, 3x3) (CudaOptions.winograd 'f4'). */
  protected readonly winogradF4: boolean;
  /** Each weight's transforms [products, co, ci], by its storage and the form's tile. */
  private readonly winogradWeightsOf = new WeakMap<object, Map<number, Tensor>>();
  /** cuBLASLt, which runs the products (the backend's). */
  protected abstract readonly lt: CublasLt;

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
  protected winogradBatch(n: number, h: number, w: number, ci: number, co: number, family: GemmStrides['family'] = 'by shape'): WinogradBatch {
    const form = this.winogradForm(h, w), tiles = (n * h * w) / form.tile ** 2;
    return { form, tiles, batch: { strides: [co * ci, tiles * ci, tiles * co], family } };
  }

  /**
   * Whether conv2d takes Winograd's convolution (winogradConv): 'auto' convolutions in fp16 being
   * recorded into a graph (eagerly, its launches and batched GEMM cost more host time than they save:
   * an edit's VAE decode took 24-32 ms with it against 21-24, session 59 call 4) of a
   * shape conv-paths.ts's winogradShape takes, with a weight declared a parameter (its transform is
   * made once and kept: no op may write it after), where cuBLASLt has an algorithm for the batch.
   */
  protected winogradConvolves(w: Tensor, n: number, h: number, wd: number, ci: number, co: number, kh: number, kw: number, s: number, pads: readonly number[]): boolean {
    return this.winograd && this.capturing && winogradShape(h, wd, ci, co, kh, kw, s, pads) && this.isParameter(w) && this.winogradBatchable(this.winogradBatch(n, h, wd, ci, co), ci, co);
  }

  /**
   * Whether a tile convolution (conv2dTiles, Backend.convTilesInto) takes Winograd's F(2x2, 3x3) over
   * its tiles (winogradTilesConv): as winogradConvolves, in fp16 graphs, where conv-paths.ts's
   * winogradTilesShape takes its shape.
   */
  protected winogradTilesConvolves(w: Tensor, n: number, blocks: number, bo: number, ci: number, co: number, k: number, stride: number): boolean {
    return this.winograd && this.capturing && blocks > 0 && winogradTilesShape(bo, ci, co, k, stride) && this.isParameter(w) && this.winogradBatchable(this.winogradBatch(n * blocks, bo, bo, ci, co, 'by octave'), ci, co);
  }

  /** Whether cuBLASLt has an algorithm for the products of Winograd's convolution (winogradBatch), ci -> co channels. */
  private winogradBatchable({ form, tiles, batch }: WinogradBatch, ci: number, co: number): boolean {
    return this.lt.batchable(OP_T, OP_N, co, tiles, ci, ci, ci, co, form.products, batch);
  }

  /**
   * conv2d by Winograd's convolution while a graph is recorded: the input's patches transformed
   * (winogradInput), the products as one cuBLASLt batch of [tiles, ci] x [ci, co] GEMMs against the
   * weight's transform, the outputs transformed back with bias and residual. F(2x2, 3x3): 16
   * multiplications a 2x2 block of outputs where the direct convolution takes 36; F(4x4, 3x3): 36 a
   * 4x4 block where it takes 144. The transforms' traffic is what it pays for them.
   */
  protected winogradConv(x: Tensor, w: Tensor, b: Tensor | undefined, { n, h, w: wd, ci, co }: { n: number; h: number; w: number; ci: number; co: number }, residual?: Tensor, input?: ConvInput): Tensor {
    const y = this.empty([n, h, wd, co]), plan = this.winogradBatch(n, h, wd, ci, co);
    this.tidy(() => this.winogradOutput(this.winogradProducts(w, plan, (form) => this.winogradInput(x, input, form)), b, residual, y, plan.form));
    return y;
  }

  /**
   * Winograd's convolution over tiles (conv2dTiles' outputs [N * T, bo, bo, co], T = `blocks`, the
   * caller's tileConvShape): F(2x2, 3x3) as winogradConv over N * T maps of bo x bo, their patches
   * read from x where the tiles lie (winogradTilesInput: no gathered tiles in memory). Maps so small
   * always take F(2x2, 3x3) (winogradTile's F(4x4, 3x3) starts at 48 x 48).
   */
  protected winogradTilesConv(x: Tensor, tiles: TileSet, input: ConvInput, w: Tensor, b: Tensor | undefined, { n, blocks, bo }: { n: number; blocks: number; bo: number }): Tensor {
    const [co, , , ci] = w.shape as [number, number, number, number];
    const y = this.empty([n * blocks, bo, bo, co]), plan = this.winogradBatch(n * blocks, bo, bo, ci, co, 'by octave');
    this.tidy(() => this.winogradOutput(this.winogradProducts(w, plan, (form) => this.winogradTilesInput(x, tiles, input, form)), b, undefined, y, plan.form));
    return y;
  }

  /** M = U V [products, tiles, co]: V by `input`, the products as one cuBLASLt batch of [tiles, ci] x [ci, co] GEMMs against the weight's transform U. */
  private winogradProducts(w: Tensor, { form, tiles, batch }: WinogradBatch, input: (form: WinogradForm) => Tensor): Tensor {
    const [co, , , ci] = w.shape as [number, number, number, number];
    const u = this.winogradWeights(w, form), v = input(form), m = this.empty([form.products, tiles, co]);
    // the planes of U, V and M are equally spaced: a strided batch, whose algorithm is timed (a pointer-array batch's is the heuristic's first)
    this.timed('gemm winograd', () => this.lt.gemmStridedBatch(OP_T, OP_N, co, tiles, ci, this.p(u), ci, this.p(v), ci, this.p(m), co, form.products, batch), () => `${form.products} x ${tiles}x${co}x${ci}`);
    return m;
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
   * numbers its 2x2 blocks of outputs (`form`: that batch's, F(2x2, 3x3) at such sizes).
   */
  protected winogradTilesInput(x: Tensor, tiles: TileSet, input: ConvInput | undefined, form: WinogradForm): Tensor {
    if (form.tile !== 2) throw new Error(`k_wino2_input_tiles transforms F(2x2, 3x3)'s patches, not F(${form.tile}x${form.tile}, 3x3)'s`);
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const blocks = tiles.origins.length / 2, half = (tiles.side - 2) / 2, count = n * blocks * half * half, a = input?.affine;
    const v = this.empty([form.products, count, c]), slice = winogradTilesSlice(tiles.side - 2, c);
    const args = [this.p(x), this.p(this.indices(tiles.origins)), a ? this.p(a.scale) : 0, a ? this.p(a.shift) : 0, input?.silu ? 1 : 0, this.p(v), h, w, c, blocks, tiles.side, count];
    this.run('k_wino2_input_tiles', 0, args, (half * half * slice) / 4, n * blocks * (c / slice), tiles.side ** 2 * slice * 4);
    return v;
  }

  /** y [N, H, W, C] = A^T M A of the products m [products, tiles, C], + bias per channel, + residual (shaped like y). */
  protected winogradOutput(m: Tensor, b: Tensor | undefined, residual: Tensor | undefined, y: Tensor, form: WinogradForm): void {
    const [, h, w, c] = y.shape as [number, number, number, number], tiles = m.shape[1]!;
    this.run(`k_wino${form.tile}_output`, (tiles * c) / form.outputChannels, [this.p(m), b ? this.p(b) : 0, residual ? this.p(residual) : 0, this.p(y), h, w, c, tiles]);
  }
}
