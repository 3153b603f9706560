// The cuda backend: the op set on an NVIDIA GPU, from NVRTC-compiled kernels (kernels/*.cu), cuBLAS,
// cuBLASLt and cuDNN; the device under it (memory, transfers, launches, graphs) is device.ts, the ops
// of our kernels alone pointwise-ops.ts (norms, activations, channel moves) and sparse-ops.ts (the
// sparse engine's gathers and writes), our GEMM kernels gemm-kernels.ts; here are the ops that call
// the libraries, and which path each layer takes. Storage is float32 (fp32 and tf32 precisions) or
// half (fp16, see precision.ts). Linear layers go to cuBLASLt (few rows: k_gemm_rows), convolutions
// to cuDNN (NHWC) or im2col + GEMM, 1x1 ones to linear; attention is flash attention in fp16 and GEMM +
// softmax + GEMM otherwise (and always for the probabilities the sparse engine records).
import { checkBlockWrite, checkLinear, convSizes, convInputOf, type ConvInput, checkProbsItem, checkRemapMap, checkProjection, gatherThenConvolve, gegluOfLinear, linearEach, projectedOnto, type AttentionOptions, type TileRowsChoice, type Backend, type ChannelAffine, type Conv2dOptions, type ProbsControl, type TileSet, type BlockWrite, type TileConvolution, type TileProjection } from '../backend.js';
import { Tensor, sameShape, shapeString } from '../../tensor/tensor.js';
import { Cublas, OP_N, OP_T } from './cublas.js';
import { CublasLt } from './cublaslt.js';
import { Cudnn, type ConvShape } from './cudnn.js';
import { type ConvolutionMode, type CudaOptions, type TileConvolutionMode } from './options.js';
import { cudaTileRowsChoice, fewRowsOfManyChannels, winogradTileBlocks } from './conv-paths.js';
import { CudaWinograd } from './winograd-ops.js';
import { GEMM_ROWS_X_ELEMENTS } from './gemm-rows.js';
import type { DeviceBuffer } from './memory.js';
import { CudaLatents } from './latents.js';
import { ATTENTION_KERNELS, FLASH_DIMS, FLASH_KERNELS, FLASH_QUERY_ROWS, FLASH_WIDE_MAX_DIM, GROUP_PARTIAL_SHARED_BYTES, POINTER_ARRAY_PRODUCTS, SOFTMAX_SHARED_BYTES, SOFTMAX_SHORT, SOFTMAX_VEC, WGMMA_KERNELS, WGMMA_KEY_TILE, WGMMA_QUERY_ROWS, WGMMA_SHARED_BYTES, flashSharedBytes, SHORT_KEYS, attendShortSharedBytes, TILE_CONV_KERNELS, TILE_CONV_COUNTERS, TILE_CONV_WG_KERNELS, TILE_CONV_WG_BUILDS, tileConvWgName, tileConvWgSharedBytes } from './kernels.js';
import { tileConvKernel } from './tile-conv.js';
import { flashLaunch } from './flash-splits.js';
import { FiseditError } from '../../io/errors.js';

export type { ConvolutionMode, CudaOptions } from './options.js';

/** Scratch memory cuBLASLt may use for its GEMM algorithms. */
const LT_WORKSPACE_BYTES = 32 * 2 ** 20;
/**
 * 'auto' convolutions run eagerly by im2col + GEMM while the im2col buffer stays under this. Measured
 * (H200, fp16): eager U-Net calls at 512 px 8.7 ms with im2col against 14-17 with cuDNN, at 1024 px
 * 30.6 against 26.1 (level-0 buffer 189 MB); an edit's decode phase at 768 px (VAE, 1.4 GB buffers,
 * then compositing on the host) 139-156 ms against 71-87; whole 20-step edit 0.49-0.57 against 0.36-0.38 s (bench/results/2026-11-30-edit-cuda-fp16-conv-*.json,
 * 2026-11-30-unet-cuda-fp16-wgmma-{pipelined,kb64,kb128-cudnn-eager}.json).
 */
const IM2COL_EAGER_MAX_BYTES = 128 * 2 ** 20;
/**
 * Rows from which linearGeglu runs k_gemm_geglu: from 1152 rows it was faster than cuBLASLt + k_geglu
 * or level (768 px feed-forwards: 18432 / 4608 / 1152 rows 78-80 / 61-68 / 51-52 us against 93 / 66 /
 * 56; 512 px: 8192 rows 36-37 against 44-45, 2048 rows level; 1024 px: 32768 rows level), at 1000
 * rows level (9.0-9.1 against 8.9-9.2), below slower (512 rows 34.6 against 28.5, a sparse step's 260
 * rows 11.7 against 8.0): bench/results/2026-12-03-s46-call{3,5}.log. With session 47's GELU (both
 * paths) the same line: 1000 rows 8.1 against 8.3-8.9, 2048 rows level, 512 rows 32.5 against 27.2,
 * 260 rows 10.7 against 7.7 (…-s47-call{2,3}.log).
 */
const GEMM_GEGLU_MIN_ROWS = 1024;
/** Scratch memory cuDNN's convolution algorithms may use. */
const CUDNN_WORKSPACE_BYTES = 64 * 2 ** 20;
export class CudaBackend extends CudaWinograd implements Backend {
  readonly name = 'cuda';
  readonly firstCallsCost = true;
  private readonly blas: Cublas;
  protected readonly lt: CublasLt;
  private readonly dnn: Cudnn;
  /** Whether the user waits on the calls being made (urgently): new GEMM and convolution families then borrow the same shapes' choice at another octave rather than time candidates. */
  private urgent = false;
  private readonly workspaces: DeviceBuffer[];
  readonly flash: boolean;
  readonly flashRowsPerWarp: 16 | 32 | 'auto';
  readonly wgmma: boolean;
  /** Whether the wgmma attention runs k_flash_wg64_pipe: always, never, or where a launch's blocks fit in one wave of it (CudaOptions.wgmmaPipeline). */
  private readonly wgmmaPipeline: boolean | 'auto';
  /** Key splits of the wgmma attention (CudaOptions.flashSplits). */
  private readonly flashSplitsOption: number | 'auto';
  readonly convolution: ConvolutionMode;
  readonly tileConvolution: TileConvolutionMode;
  /** k_tile_conv's split counters (TILE_CONV_COUNTERS ints, zero between launches). */
  private readonly tileConvCounters: DeviceBuffer | undefined;
  readonly latents: CudaLatents;

  /** Opens the GPU; every missing piece (driver, device, NVRTC, cuBLAS) is an error that names it. */
  constructor(o: CudaOptions = {}) {
    super(o);
    const half = this.math === 'fp16';
    this.flash = half && (o.flashAttention ?? true);
    this.flashRowsPerWarp = o.flashRowsPerWarp ?? 'auto';
    this.wgmma = this.flash && this.driver.computeCapability[0] === 9 && (o.wgmmaAttention ?? true);
    this.wgmmaPipeline = o.wgmmaPipeline ?? 'auto';
    this.flashSplitsOption = o.flashSplits ?? 'auto';
    if (typeof this.flashSplitsOption === 'number' && !(Number.isInteger(this.flashSplitsOption) && this.flashSplitsOption >= 1)) throw new FiseditError(`flashSplits must be 'auto' or an integer from 1, got ${o.flashSplits}`);
    this.convolution = o.convolution ?? 'auto';
    // the fused forms are fp16's, and 'rows' (k_tile_conv_wgs) Hopper's: elsewhere the libraries
    const tileConvolution = o.tileConvolution ?? 'library';
    this.tileConvolution = !half || (tileConvolution === 'rows' && this.driver.computeCapability[0] !== 9) ? 'library' : tileConvolution;
    this.driver.dependentLaunches = this.driver.computeCapability[0]! >= 9 && (o.dependentLaunches ?? true);
    this.latents = new CudaLatents({
      vector: (bytes) => {
        const b = this.pool.alloc(bytes);
        this.pool.persist(b);
        return b;
      },
      tensor: (shape) => this.empty(shape),
      ptr: (t) => this.p(t),
      run: (kernel, n, args, block) => this.run(kernel, n, args, block),
      mask: (m) => this.indices(m).storage.ptr,
      upload: (dst, src) => this.driver.upload(dst, src),
      download: (dst, src) => this.driver.download(dst, src),
    });
    this.blas = new Cublas(this.math, this.driver.stream);
    this.driver.followStream((s) => this.blas.useStream(s));
    // held by the backend: the pool releases a buffer when its object is collected
    this.workspaces = [this.pool.alloc(LT_WORKSPACE_BYTES), this.pool.alloc(CUDNN_WORKSPACE_BYTES)];
    const urgent = () => this.urgent;
    const gemmTrials = (o.gemmAlgorithms ?? 'timed') === 'timed' ? { driver: this.driver, hold: (ms: number) => this.hold(ms, this.driver.main), urgent } : undefined;
    this.lt = new CublasLt(this.math, this.driver.name, this.workspaces[0]!.ptr, LT_WORKSPACE_BYTES, () => this.driver.stream, this.hostCosts, gemmTrials);
    this.dnn = new Cudnn(this.math, this.driver, this.workspaces[1]!.ptr, CUDNN_WORKSPACE_BYTES, this.hostCosts,
      {
        epilogue: (stream, y, bias, residual, c, n) => this.convEpilogue(y, { bias, residual }, c, n, stream),
        hold: (stream, ms) => this.hold(ms, stream),
      }, urgent, o.cudnnEngines ?? 'timed');
    this.driver.allowSharedMemory(this.fns.get('k_softmax_rows'), 'k_softmax_rows', SOFTMAX_SHARED_BYTES);
    for (const k of ['k_group_partial', 'k_group_partial_v']) this.driver.allowSharedMemory(this.fns.get(k), k, GROUP_PARTIAL_SHARED_BYTES);
    if (half) {
      this.load('attention', ATTENTION_KERNELS, ['--use_fast_math']); // exp2 of the softmax as one instruction
      for (const k of FLASH_KERNELS) this.driver.allowSharedMemory(this.fns.get(k), k, flashSharedBytes(Number(k.split('_')[2])));
      for (const dp of FLASH_DIMS) this.driver.allowSharedMemory(this.fns.get(`k_attend_short_${dp}`), `k_attend_short_${dp}`, attendShortSharedBytes(dp));
    }
    if (this.tileConvolution !== 'library') {
      this.load('tile-conv', TILE_CONV_KERNELS, ['-DFISEDIT_HALF']);
      this.tileConvCounters = this.pool.alloc(TILE_CONV_COUNTERS * 4);
      this.driver.upload(this.tileConvCounters.ptr, new Int32Array(TILE_CONV_COUNTERS));
      if (this.driver.computeCapability[0] === 9) {
        this.load('tile-conv-sm90', TILE_CONV_WG_KERNELS, ['-DFISEDIT_HALF'], 'sm_90a');
        for (const b of TILE_CONV_WG_BUILDS)
          for (const s of b.splits) this.driver.allowSharedMemory(this.fns.get(tileConvWgName(b, s)), tileConvWgName(b, s), tileConvWgSharedBytes(b.rows, b.cols));
      }
    }
    if (this.wgmma) {
      this.load('attention-sm90', WGMMA_KERNELS, ['--use_fast_math'], 'sm_90a'); // wgmma needs the arch-specific target
      for (const k of ['k_flash_wg64', 'k_flash_wg64_pipe']) this.driver.allowSharedMemory(this.fns.get(k), k, WGMMA_SHARED_BYTES);
    }
  }

  get description(): string {
    const pipelined = this.wgmmaPipeline === 'auto' ? ', pipelined for one wave' : this.wgmmaPipeline ? ', pipelined' : '';
    const storage = this.math === 'fp16' ? 'fp16 storage' + (this.flash ? `, flash attention${this.wgmma ? ` (wgmma at head dim 64${pipelined})` : ''}` : '') : 'fp32 storage';
    return `${this.driver.name} (${this.driver.computeCapability.join('.')}), ${this.math} GEMMs, ${storage}, ${{ cudnn: 'cuDNN', gemm: 'im2col + GEMM', auto: 'cuDNN in graphs and for large, im2col + GEMM for small eager' }[this.convolution]} convolutions${this.winograd ? ` (Winograd F(2x2, 3x3)${this.winogradF4 ? ', F(4x4, 3x3) from 48 x 48,' : ''} for the larger 3x3 ones and a sparse step's blocks)` : ''}${this.dnn.engineMode === 'off' ? '' : ` (cuDNN engines: ${this.dnn.engineMode})`}${this.lt.timed ? ', GEMM algorithms timed' : ''}${this.gegluKernel ? ', feed-forward GEGLU kernel' : ''}${this.rowsGemmRows ? `, few-row GEMM kernel (to ${this.rowsGemmRows === 'by K' ? `${GEMM_ROWS_X_ELEMENTS} / K` : this.rowsGemmRows} rows)` : ''}${{ fused: ', fused tile convolutions', rows: ', fused tile convolutions of few rows', library: '' }[this.tileConvolution]}${this.driver.dependentLaunches ? ', dependent launches' : ''}`;
  }

  urgently<T>(f: () => T): T {
    const was = this.urgent;
    this.urgent = true;
    try {
      return f();
    } finally {
      this.urgent = was;
    }
  }

  linear(x: Tensor, w: Tensor, b?: Tensor, residual?: Tensor): Tensor {
    checkLinear(x, w, b, residual);
    const [n, k] = w.shape as [number, number];
    const m = x.size / k;
    const y = this.empty([...x.shape.slice(0, -1), n]);
    if (m === 0) return y;
    const rows = m <= this.rowsGemmMost(k) ? this.rowsGemmLaunch(x, w, b, residual) : undefined;
    if (rows && typeof rows !== 'string') return this.runRowsGemm(rows, x, w, b, residual, y);
    return this.libraryGemm(x, w, b, residual, y);
  }

  /** linear(x, w, b, residual) by cuBLASLt whatever linear would choose (bench:gemm-rows). */
  linearLibrary(x: Tensor, w: Tensor, b?: Tensor, residual?: Tensor): Tensor {
    checkLinear(x, w, b, residual);
    const y = this.empty([...x.shape.slice(0, -1), w.shape[0]!]);
    return x.size === 0 ? y : this.libraryGemm(x, w, b, residual, y);
  }

  private libraryGemm(x: Tensor, w: Tensor, b: Tensor | undefined, residual: Tensor | undefined, y: Tensor): Tensor {
    const [n, k] = w.shape as [number, number];
    const m = x.size / k;
    // row-major Y[m,n] = X[m,k] W[n,k]^T  <=>  column-major Y^T = W X^T; bias and residual in the epilogue
    this.timed('gemm linear/conv', () => this.lt.gemm(OP_T, OP_N, n, m, k, this.readable(w), k, this.readable(x), k, this.p(y), n, b ? this.readable(b) : 0, residual ? this.readable(residual) : 0), () => `${m}x${n}x${k}`);
    return y;
  }

  /**
   * geglu(linear(x, w, b)): from GEMM_GEGLU_MIN_ROWS rows on Hopper in fp16 one kernel, k_gemm_geglu,
   * which keeps the layer's 2F-wide product on chip (the library path writes it and k_geglu reads it
   * back), rounded as that path rounds; else the two ops.
   */
  linearGeglu(x: Tensor, w: Tensor, b?: Tensor): Tensor {
    const rows = x.size / w.shape[1]!;
    if (!b || rows < GEMM_GEGLU_MIN_ROWS || this.gegluKernelRefuses(w)) return gegluOfLinear(this, x, w, b);
    return this.runGegluKernel(x, w, b);
  }

  /**
   * Up to POINTER_ARRAY_PRODUCTS projections of x as one cuBLASLt call in pointer-array batch mode
   * (each output a tensor of its own): a self-attention's q, k and v at 768 px took 22.2 against 31.1
   * us as three GEMMs (18432 rows), 5.0 against 12.4 at a sparse step's 76 rows of 1280 channels, the
   * same bits (bench/results/2026-12-01-gemm-qkv.json). linear() of each where cuBLASLt has no
   * algorithm for the batch.
   */
  linearMany(x: Tensor, ws: readonly Tensor[]): Tensor[] {
    const [n, k] = ws[0]!.shape as [number, number];
    const m = x.size / k;
    if (ws.length < 2 || ws.length > POINTER_ARRAY_PRODUCTS || m === 0 || x.channels !== k || !ws.every((w) => sameShape(w.shape, [n, k])) || !this.lt.batchable(OP_T, OP_N, n, m, k, k, k, n, ws.length)) return linearEach(this, x, ws);
    const ys = ws.map(() => this.empty([...x.shape.slice(0, -1), n]));
    const column = (ts: readonly Tensor[]) => Array.from({ length: POINTER_ARRAY_PRODUCTS }, (_, i) => (ts[i] ? this.p(ts[i]!) : 0));
    const at = this.pointerArrays([...column(ws), ...column(ws.map(() => x)), ...column(ys)]), slot = 8 * POINTER_ARRAY_PRODUCTS;
    this.timed('gemm projections', () => this.lt.gemmPointerArrays(OP_T, OP_N, n, m, k, at, k, at + slot, k, at + 2 * slot, n, ws.length), () => `${ws.length} x ${m}x${n}x${k}`);
    return ys;
  }

  /**
   * The device address of a batched GEMM's pointer arrays (k_pointer_arrays' layout, 3 x
   * POINTER_ARRAY_PRODUCTS addresses). While a replayable call is recorded they stay what they are for
   * the graph's life unless one points into an input (which a replay moves): then they are uploaded
   * once and held by the graph, with no kernel of ours at each replay (16 a U-Net call or a sparse
   * step). Otherwise a kernel of ours writes them, in stream order (a replay re-points it).
   */
  private pointerArrays(pointers: readonly number[]): number {
    if (this.capturing && !pointers.some((a) => this.replays.pointsIntoInput(a))) return this.pointerTable(pointers);
    const arrays = this.empty([pointers.length], 8);
    this.run('k_pointer_arrays', 0, [this.p(arrays), ...pointers], 32, 1);
    return this.p(arrays);
  }

  /**
   * Device addresses that no replay moves (none into the recorded call's inputs), as a table in
   * memory of the graph's own, uploaded once while the call is recorded.
   */
  private pointerTable(pointers: readonly number[]): number {
    if (!this.capturing) throw new Error('cuda backend: pointerTable outside a recording');
    const words = BigUint64Array.from(pointers, (a) => BigInt(a));
    const t = new Tensor([pointers.length], this.pool.own(words.byteLength));
    this.driver.uploadNow(t.storage.ptr, words);
    this.replays.hold(t);
    return t.storage.ptr;
  }

  conv2d(x: Tensor, w: Tensor, b: Tensor | undefined, opts: Conv2dOptions = {}, residual?: Tensor, input?: ConvInput): Tensor {
    const { n, h, w: wd, ci, co, kh, kw, stride: s, pads, ho, wo } = convSizes(x.shape, w.shape, opts, b?.size, residual?.size);
    if (this.winogradConvolves(w, n, h, wd, ci, co, kh, kw, s, pads)) return this.winogradConv(x, w, b, { n, h, w: wd, ci, co }, residual, input);
    const [pt, pb, pl, pr] = pads;
    const rows = n * ho * wo, kdim = kh * kw * ci;
    const flatW = new Tensor([co, kdim], w.storage);
    const flatResidual = residual && this.reshape(residual, [rows, co]);
    const path = this.convolutionPath(rows, kdim, ci, kh, kw, s, [pt, pb, pl, pr]);
    // the input's affine (+SiLU) goes into the im2col matrix as it is gathered; the libraries read x through a pass of its own
    if (path !== 'im2col') x = convInputOf(this, x, input);
    if (path === 'linear') return this.reshape(this.linear(this.reshape(x, [rows, ci]), flatW, b, flatResidual), [n, ho, wo, co]);
    if (path === 'library') return this.convolveByLibrary(x, w, b, { n, h, w: wd, ci, co, kh, kw, ho, wo, stride: s, padH: pt, padW: pl }, residual).y;
    return this.tidy(() => {
      const col = this.empty([rows, kdim]);
      const through = input?.affine ? [this.p(input.affine.scale), this.p(input.affine.shift)] : [0, 0];
      const args = [this.p(x), ...through, this.p(col), h, wd, ci, kh, kw, s, pt, pl, ho, wo, input?.silu ? 1 : 0];
      const vw = this.vectorFits('k_im2col', args, [ci]) ? this.vectorWidth : 1;
      this.run(vw > 1 ? 'k_im2col_v' : 'k_im2col', 0, args, ci / vw >= 128 ? 128 : 32, rows * kh * kw);
      return this.reshape(this.linear(col, flatW, b, flatResidual), [n, ho, wo, co]);
    });
  }

  /**
   * cuDNN's convolution of x (of `shape`) into a new tensor y, with what its engine left out of the
   * epilogue (bias, residual) added by our kernel after it; with `deferBias` a bias left out is not
   * added but returned (the caller's next kernel adds it: k_overwrite_blocks).
   */
  private convolveByLibrary(x: Tensor, w: Tensor, b: Tensor | undefined, shape: ConvShape, residual?: Tensor, deferBias = false): { y: Tensor; biasLeft?: Tensor } {
    const { n, h, w: wd, ci, co, kh, kw, ho, wo, stride } = shape;
    const y = this.empty([n, ho, wo, co]);
    if (!y.size) return { y };
    const io = { x: this.readable(x), w: this.readable(w), y: this.p(y), bias: b ? this.readable(b) : 0, residual: residual ? this.readable(residual) : 0 };
    const epilogue = { bias: !!b, residual: !!residual };
    const left = this.timed('cudnn conv', () => this.dnn.forward(shape, io), () => `${kh}x${kw}/${stride} ${h}x${wd}x${ci}->${co} ${this.dnn.describe(shape, epilogue)}${residual ? ' +residual' : ''}`);
    const biasLeft = deferBias && left.bias ? b : undefined;
    const add = { bias: biasLeft ? 0 : left.bias, residual: left.residual };
    if (add.bias || add.residual) this.convEpilogue(io.y, add, co, y.size); // what the engine did not add
    return { y, biasLeft };
  }

  /**
   * y += bias per channel + residual (0 pointers absent), in place, on the driver's stream or (a timing
   * trial's) the one given: `elements` of y.
   */
  private convEpilogue(y: number, add: { bias: number; residual: number }, channels: number, elements: number, stream?: unknown): void {
    this.runVector('k_conv_epilogue', elements, [y, add.bias, add.residual, channels, elements], [channels], { stream });
  }

  /**
   * How conv2d runs a convolution of `rows` output positions over `ci` channels (kdim per row), kernel
   * kh x kw, stride s, paddings [top, bottom, left, right]: a 1x1 one as a linear layer, else by cuDNN
   * or by im2col + GEMM (convolvesByGemm). cuDNN pads symmetrically: the asymmetric case (the VAE
   * encoder's downsampling) is always im2col + GEMM.
   */
  private convolutionPath(rows: number, kdim: number, ci: number, kh: number, kw: number, s: number, [pt, pb, pl, pr]: readonly number[]): 'linear' | 'library' | 'im2col' {
    if (kh === 1 && kw === 1 && s === 1 && pt! + pb! + pl! + pr! === 0) return 'linear';
    return !this.convolvesByGemm(rows, kdim, ci) && pt === pb && pl === pr ? 'library' : 'im2col';
  }

  /** Whether a convolution of `rows` output positions over `ci` channels (kdim per row) runs as im2col + GEMM here, not by cuDNN. */
  private convolvesByGemm(rows: number, kdim: number, ci: number): boolean {
    if (this.convolution !== 'auto') return this.convolution === 'gemm';
    return fewRowsOfManyChannels(rows, ci) || !(this.capturing || this.profiler !== undefined || rows * kdim * this.elementBytes > IM2COL_EAGER_MAX_BYTES);
  }

  /** One-position tiles into im2col rows (tilesByGemm) as conv-paths.ts says for this backend's modes. */
  tileRowsChoice(rows: number, channels: number): TileRowsChoice {
    return cudaTileRowsChoice(rows, channels, this);
  }

  /** Winograd's block sides over tiles (conv-paths.ts winogradTileBlocks) where this backend runs it (fp16, 'auto' convolutions, tiles by the library path: not tileConvolution 'fused'; in graphs, as a sparse edit's steps run): a plan weighs them by outputs. */
  tileBlocksByOutputs(ci: number, co: number, k: number, stride: number): readonly number[] | undefined {
    return this.winograd && this.tileConvolution !== 'fused' ? winogradTileBlocks(ci, co, k, stride) : undefined;
  }

  /** Whether a tile convolution (blocks of bo x bo outputs, `rows` in all) gathers into im2col rows for a GEMM, not tiles for cuDNN. */
  private tilesByGemm(rows: number, kdim: number, c: number, bo: number): boolean {
    return (bo === 1 && this.tileRowsChoice(rows, c) !== 'tiles') || this.convolvesByGemm(rows, kdim, c);
  }

  /** A tile convolution's sizes (a block's outputs bo x bo, rows of the product, kdim), after checking that w fits the tiles. */
  private tileConvShape(x: Tensor, tiles: TileSet, w: Tensor, stride: number) {
    const [n, h, wd, c] = x.shape as [number, number, number, number];
    const [co, kh, kw, wci] = w.shape as [number, number, number, number];
    const blocks = tiles.origins.length / 2, bo = Math.floor((tiles.side - kh) / stride) + 1;
    if (wci !== c || kh !== kw || bo < 1) throw new Error(`conv2dTiles: weight ${shapeString(w.shape)} for tiles of ${tiles.side} x ${tiles.side} x ${c}`);
    return { n, h, wd, c, co, k: kh, blocks, bo, rows: n * blocks * bo * bo, kdim: kh * kw * c };
  }

  conv2dTiles(x: Tensor, tiles: TileSet, affine: ChannelAffine | undefined, silu: boolean, w: Tensor, b: Tensor | undefined, stride: number, projection?: TileProjection): Tensor {
    const { n, h, wd, c, co, k, blocks, bo, rows, kdim } = this.tileConvShape(x, tiles, w, stride);
    if (this.winogradTilesConvolves(w, n, blocks, bo, c, co, k, stride)) {
      const y = this.winogradTilesConv(x, tiles, { affine, silu }, w, b, { n, blocks, bo });
      return projection ? projectedOnto(this, x, y, projection) : y;
    }
    if (!this.tilesByGemm(rows, kdim, c, bo)) return gatherThenConvolve(this, x, tiles, affine, silu, w, b, stride, projection);
    if (projection) checkProjection(projection, x, blocks, bo, co);
    const cp = projection ? projection.x.channels : 0;
    // gathered straight into the im2col matrix: one kernel, no tiles in memory; a projection's input
    // rows by the same launch (a block more a row), its GEMM adding the convolution's as its residual
    return this.tidy(() => {
      const col = this.empty([rows, kdim]), projected = projection && this.empty([rows, cp]);
      const args = [this.p(x), this.p(this.indices(tiles.origins)), affine ? this.p(affine.scale) : 0, affine ? this.p(affine.shift) : 0, this.p(col), h, wd, c, blocks, k, stride, bo, silu ? 1 : 0,
        projection ? this.p(projection.x) : 0, projection ? this.p(this.indices(projection.tiles.origins)) : 0, projected ? this.p(projected) : 0, cp];
      const vw = this.vectorFits('k_gather_im2col', args, [c, cp]) ? this.vectorWidth : 1;
      if (rows) this.run(vw > 1 ? 'k_gather_im2col_v' : 'k_gather_im2col', 0, args, Math.max(c, cp) / vw >= 128 ? 128 : 32, rows * (k * k + (projection ? 1 : 0)));
      const y = this.linear(col, new Tensor([co, kdim], w.storage), b);
      const sum = projection ? this.linear(projected!, new Tensor([co, cp], projection.w.storage), projection.b, y) : y;
      return this.reshape(sum, [n * blocks, bo, bo, co]);
    });
  }

  attentionProbs(q: Tensor, k: Tensor, heads: number, control?: ProbsControl): Tensor {
    if (control) checkProbsItem(control.item, q.shape[0]!, control, 'attentionProbs');
    return this.probs(q, k, heads, false, control);
  }

  /**
   * The other batch items by attention() (flash attention in fp16: no score matrix), only `item`
   * through explicit probabilities: a controlled dense step of an edit computed both items' before
   * (bench/results/2026-11-30-edit-cuda-fp16-copies.log: 32 QK and 32 PV GEMMs, 16 softmaxes a step).
   */
  attentionWithProbs(q: Tensor, k: Tensor, v: Tensor, heads: number, item: number, control?: ProbsControl): [Tensor, Tensor] {
    checkKeysValues(k, v);
    checkProbsItem(item, q.shape[0]!, control);
    const out = this.empty(q.shape);
    let probs = this.attendShortInto(q, k, v, out, heads, item, { control });
    if (!probs) {
      probs = this.probs(q, k, heads, false, control, item);
      this.probsTimesV(probs, v, out, item);
    }
    for (let b = 0; b < q.shape[0]!; b++) if (b !== item) this.attendInto(q, k, v, out, heads, false, b);
    return [out, probs];
  }

  /**
   * Batch item `item` of attention over few keys (a text's) into out, and its probabilities ([1, H,
   * Lq, Lk]) under cross-attention control where given, by one kernel (k_attend_short_<DP>: the QK
   * GEMM, the softmax with the control and the PV GEMM it replaces took 0.79 ms of a controlled 768 px
   * step, bench/results/2026-12-01-s25-final-edit.log, with 32 copies of K and V for the libraries);
   * `causal` (a text encoder's self-attention, Lq = Lk): no probabilities kept (null). Undefined where
   * it does not apply (no flash kernels, more keys than SHORT_KEYS, head dims not a multiple of 8,
   * unaligned operands).
   */
  private attendShortInto(q: Tensor, k: Tensor, v: Tensor, out: Tensor, heads: number, item: number, o: { control?: ProbsControl; causal?: boolean }): Tensor | null | undefined {
    const { control, causal = false } = o;
    const [, lq, width] = q.shape as [number, number, number];
    const lk = k.shape[1]!, d = width / heads, e = this.elementBytes;
    const dp = this.flashDim(d);
    if (dp === undefined || lk > SHORT_KEYS) return undefined;
    if (control) checkRemapMap(lk, control.map);
    const at = (t: Tensor, rows: number) => this.p(t) + item * rows * width * e;
    const operands = [at(q, lq), at(k, lk), at(v, lk), at(out, lq), control ? this.p(control.source) : 0, control ? this.p(control.map) : 0];
    if (!this.wholeVectors(operands, [width])) return undefined; // K and V by 16-byte copies
    const probs = causal ? null : this.empty([1, heads, lq, lk]);
    const [qAt, kAt, vAt, outAt, sourceAt, mapAt] = operands as [number, number, number, number, number, number];
    const args = [qAt, kAt, vAt, outAt, probs ? this.p(probs) : 0, sourceAt, mapAt, lq, lk, control ? control.source.shape[3]! : 0, width, d, 1 / Math.sqrt(d), causal ? 1 : 0];
    if (lq && lk) this.run(`k_attend_short_${dp}`, 0, args, 128, Math.ceil(lq / FLASH_QUERY_ROWS), attendShortSharedBytes(dp), heads, () => `${heads} ${lq}x${lk}${control ? ' controlled' : ''}${causal ? ' causal' : ''}`);
    return probs;
  }

  /**
   * attentionProbs, causal or not (attention's GEMM path), of every batch item or only of `item`
   * ([1, H, Lq, Lk]); cross-attention control in the softmax's pass where rows are short.
   */
  private probs(q: Tensor, k: Tensor, heads: number, causal: boolean, control?: ProbsControl, item?: number): Tensor {
    const e = this.elementBytes;
    const [batch, lq, width] = q.shape as [number, number, number];
    const lk = k.shape[1]!;
    if (width % heads) throw new Error(`attention: width ${width} does not split into ${heads} heads`);
    const d = width / heads;
    if (control) checkRemapMap(lk, control.map);
    const items = item === undefined ? [...Array(batch).keys()] : [item];
    const controlled = control ? items.indexOf(control.item) : -1; // the controlled item's place in s (callers checked it is there: checkProbsItem)
    const s = this.empty([items.length, heads, lq, lk]);
    if (lq === 0 || lk === 0) return s;
    const kAt = this.readable(k), qAt = this.readable(q);
    items.forEach((b, i) =>
      // per head: S^T (col-major lk x lq) = K_h (op T of col-major d x lk, ld width) * Q_h^T
      this.timed('gemm attention QK', () => this.blas.gemmStridedBatched(OP_T, OP_N, lk, lq, d, kAt + b * lk * width * e, width, d, qAt + b * lq * width * e, width, d,
        this.p(s) + i * heads * lq * lk * e, lk, lq * lk, heads)));
    const rows = items.length * heads * lq, perItem = heads * lq;
    const controlArgs = control ? [this.p(control.source), this.p(control.map), perItem, control.source.shape[3]!, controlled] : [0, 0, perItem, 0, 0];
    if (lk <= 32 * SOFTMAX_SHORT) {
      this.run('k_softmax_short', 0, [this.p(s), rows, lq, lk, 1 / Math.sqrt(d), causal ? 1 : 0, ...controlArgs], 256, Math.ceil(rows / 8)); // a warp per row
      return s;
    }
    if (!causal && lk % 4 === 0 && lk <= 4 * SOFTMAX_VEC * 256) {
      // the row in registers: one read, one write
      this.run('k_softmax_rows_vec', 0, [this.p(s), lk, 1 / Math.sqrt(d)], 256, rows);
    } else {
      const cached = lk * 4 <= SOFTMAX_SHARED_BYTES ? lk : 0;
      this.run('k_softmax_rows', 0, [this.p(s), lq, lk, 1 / Math.sqrt(d), causal ? 1 : 0, cached], 256, rows, cached * 4);
    }
    if (control) this.run('k_remap_probs', perItem * lk, [this.p(s), this.p(control.source), this.p(control.map), perItem, lk, control.source.shape[3]!, controlled, perItem * lk]);
    return s;
  }

  applyProbs(probs: Tensor, v: Tensor): Tensor {
    const [batch, , lq] = probs.shape as [number, number, number, number];
    const out = this.empty([batch, lq, v.channels]);
    this.probsTimesV(probs, v, out);
    return out;
  }

  /** probs times v into out: every batch item, or probs of one item (batch 1) into item `item` of v and out. */
  private probsTimesV(probs: Tensor, v: Tensor, out: Tensor, item?: number): void {
    const [batch, heads, lq, lk] = probs.shape as [number, number, number, number];
    const width = v.channels, d = width / heads;
    if (lq === 0) return;
    const e = this.elementBytes;
    const vAt = this.readable(v), pAt = this.readable(probs);
    for (let i = 0; i < batch; i++) {
      const b = item ?? i;
      // O_h^T (col-major d x lq, ld width) = V_h^T (col-major d x lk, ld width) * P^T (col-major lk x lq)
      this.timed('gemm attention PV', () => this.blas.gemmStridedBatched(OP_N, OP_N, d, lq, lk, vAt + b * lk * width * e, width, d, pAt + i * heads * lq * lk * e, lk, lq * lk,
        this.p(out) + b * lq * width * e, width, d, heads));
    }
  }

  attention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions): Tensor {
    checkKeysValues(k, v);
    const out = this.empty(q.shape);
    this.attendInto(q, k, v, out, opts.heads, opts.causal ?? false);
    return out;
  }

  /** The head dim (rounded up to 16) of our flash kernels for head dim d, if they take it (fp16, d a multiple of 8, up to 160). */
  private flashDim(d: number): number | undefined {
    return this.flash && d % 8 === 0 ? FLASH_DIMS.find((x) => x >= d) : undefined;
  }

  /** attention() into out: every batch item, or only item `item` (q, k, v and out read and written there). */
  private attendInto(q: Tensor, k: Tensor, v: Tensor, out: Tensor, heads: number, causal: boolean, item?: number): void {
    const [all, lq, width] = q.shape as [number, number, number];
    const lk = k.shape[1]!, d = width / heads, e = this.elementBytes;
    const dp = this.flashDim(d);
    if (causal || dp === undefined) {
      // causal over few keys (a text encoder's 77 tokens): a kernel per item, where the explicit
      // probabilities took two GEMMs an item and a softmax (the encoder's profile, two prompts: 2.10 ->
      // 1.78 ms, 305 -> 236 launches; bench/results/2026-12-04-s65-call1.log)
      const items = item === undefined ? [...Array(all).keys()] : [item];
      if (causal && lq === lk && items.every((b) => this.attendShortInto(q, k, v, out, heads, b, { causal: true }) !== undefined)) return;
      this.tidy(() => this.probsTimesV(this.probs(q, k, heads, causal, undefined, item), v, out, item));
      return;
    }
    if (!lq || !lk) return;
    // no score matrix in memory: fp16 tensor cores, online softmax in registers
    const batch = item === undefined ? all : 1, b = item ?? 0;
    const at = (t: Tensor, rows: number) => this.p(t) + b * rows * width * e;
    const args = [at(q, lq), at(k, lk), at(v, lk), at(out, lq), lq, lk, width, d, heads, 1 / Math.sqrt(d)];
    const detail = () => `${batch}x${heads} ${lq}x${lk}`;
    if (this.wgmma && d === 64 && this.vectorFits('k_flash_wg64', args, [width])) {
      this.flashWgmma(args, batch, lq, lk, width, heads, detail);
      return;
    }
    const wideBlocks = Math.ceil(lq / (2 * FLASH_QUERY_ROWS)) * batch * heads; // 2 resident per SM at MT = 2
    const wide = this.flashRowsPerWarp === 32 || (this.flashRowsPerWarp === 'auto' && wideBlocks >= 4 * this.driver.multiprocessors);
    const mt = wide && dp <= FLASH_WIDE_MAX_DIM ? 2 : 1;
    this.run(`k_flash_${dp}_${mt}`, 0, args, 128, Math.ceil(lq / (FLASH_QUERY_ROWS * mt)), flashSharedBytes(dp), batch * heads, detail);
  }

  /**
   * k_flash_wg64 or k_flash_wg64_pipe over `args`; where its query blocks would leave SMs idle or a
   * last wave part-full (a sparse step's active rows over all keys), the keys are split among more
   * blocks and k_flash_combine merges the partial results (flash-splits.ts says when).
   */
  private flashWgmma(args: number[], batch: number, lq: number, lk: number, width: number, heads: number, detail: () => string): void {
    const items = Math.ceil(lq / WGMMA_QUERY_ROWS) * batch * heads;
    const { splits, pipelined, whole } = flashLaunch(items, Math.ceil(lk / WGMMA_KEY_TILE), this.driver.multiprocessors, this.wgmmaPipeline, this.flashSplitsOption);
    const kernel = pipelined ? 'k_flash_wg64_pipe' : 'k_flash_wg64', blocks = whole + (items - whole) * splits;
    if (whole === items) {
      this.run(kernel, 0, [...args, 1, whole, batch, 0, 0], 128, blocks, WGMMA_SHARED_BYTES, 1, detail);
      return;
    }
    this.tidy(() => {
      const rows = batch * lq;
      const partO = this.empty([splits * rows * width], 4), partLse = this.empty([splits * rows * heads], 4);
      this.run(kernel, 0, [...args, splits, whole, batch, partO.storage.ptr, partLse.storage.ptr], 128, blocks, WGMMA_SHARED_BYTES, 1, () => `${detail()} split ${splits}${whole ? ` after ${whole}` : ''}`);
      this.run('k_flash_combine', (items - whole) * WGMMA_QUERY_ROWS * 64, [partO.storage.ptr, partLse.storage.ptr, args[3]!, lq, rows, heads, width, splits, whole, items - whole]);
    });
  }

  convTilesInto(base: Tensor, x: Tensor, conv: TileConvolution, write: BlockWrite): Tensor {
    // a projection goes with the library path's GEMM (conv2dTiles), which the fused kernels have no room for
    if (this.tileConvolution === 'library' || conv.projection) return this.convolveTilesThenWrite(base, x, conv, write);
    const { n, c, co, k, blocks, bo, rows, kdim } = this.tileConvShape(x, conv.tiles, conv.w, conv.stride);
    const aligned = [conv.w, base, write.residual].every((t) => !t || this.p(t) % 16 === 0);
    if (c % 8 || co % 8 || !aligned) return this.convolveTilesThenWrite(base, x, conv, write); // k_tile_conv's 16-byte loads
    const kernel = tileConvKernel(rows, c, co, kdim, this.driver.multiprocessors, this.fns.has(tileConvWgName(TILE_CONV_WG_BUILDS[0], 1)));
    // 'rows': only a plan's rows (one-position tiles) that the weights-as-M kernel takes
    if (this.tileConvolution === 'rows' && !(bo === 1 && kernel.swapped)) return this.convolveTilesThenWrite(base, x, conv, write);
    // k_tile_conv_wgs's tensor map holds the weights' address, which a replay would not re-point (never an input in the U-Net)
    if (kernel.swapped && this.replays.isInput(conv.w)) return this.convolveTilesThenWrite(base, x, conv, write);
    const [, oh, ow, bc] = base.shape as [number, number, number, number];
    if (bc !== co || base.shape[0] !== n) throw new Error(`convTilesInto: base ${shapeString(base.shape)} for ${n} items of ${co} channels`);
    checkBlockWrite(base, write.residual);
    const displaced = this.result([n * blocks, bo, bo, co]);
    if (rows === 0) return displaced;
    return this.tidy(() => {
      // the tiles first, through the affine once per value (the kernel reads each ks * ks times, once per block of output channels)
      const gathered = this.gatherTiles(x, conv.tiles, conv.affine, conv.silu);
      const { tiles, splits, perSplit } = kernel;
      const partial = splits > 1 && kernel.partials ? this.p(this.empty([splits * rows * co], 4)) : 0;
      this.run(kernel.name, 0, [this.p(gathered), this.p(conv.w), conv.b ? this.p(conv.b) : 0, this.p(this.indices(write.corners)), this.p(this.indices(write.active)),
        write.residual ? this.p(write.residual) : 0, this.p(base), this.p(displaced), partial, this.tileConvCounters!.ptr,
        c, blocks, conv.tiles.side, k, conv.stride, bo, oh, ow, co, rows, perSplit, kernel.swapped ? this.weightMap(conv.w, co, kdim, kernel.outputsPerBlock) : 0], kernel.threads, tiles, kernel.sharedBytes, splits,
        () => `${k}x${k}/${conv.stride} ${rows}x${co}x${kdim} split ${splits}`);
      return displaced;
    });
  }

  /** convTilesInto by the libraries (convolveThenOverwrite's steps): the tiles convolved, then written (with the bias where the library left it out). */
  private convolveTilesThenWrite(base: Tensor, x: Tensor, conv: TileConvolution, write: BlockWrite): Tensor {
    return this.tidy(() => {
      const { y, biasLeft } = this.tilesConvolvedByLibrary(x, conv);
      return this.writeBlocks(base, y, write.corners, write.active, write.residual, biasLeft);
    });
  }

  /**
   * A tile convolution by the tiles' GEMM (the bias in cuBLASLt's epilogue) or by cuDNN's convolution
   * of the gathered tiles (conv2d's path for them), whose engine may leave the bias out for the block
   * write to add (the same bits as our epilogue kernel between them: a launch fewer, up to 19 a 768 px
   * sparse step).
   */
  private tilesConvolvedByLibrary(x: Tensor, conv: TileConvolution): { y: Tensor; biasLeft?: Tensor } {
    const { n, c, co, k, blocks, bo, rows, kdim } = this.tileConvShape(x, conv.tiles, conv.w, conv.stride);
    const linear = k === 1 && conv.stride === 1; // conv2d's 1x1 path
    if (linear || this.tilesByGemm(rows, kdim, c, bo) || this.winogradTilesConvolves(conv.w, n, blocks, bo, c, co, k, conv.stride)) return { y: this.conv2dTiles(x, conv.tiles, conv.affine, conv.silu, conv.w, conv.b, conv.stride, conv.projection) };
    const tiles = this.gatherTiles(x, conv.tiles, conv.affine, conv.silu), side = conv.tiles.side;
    const shape = { n: n * blocks, h: side, w: side, ci: c, co, kh: k, kw: k, ho: bo, wo: bo, stride: conv.stride, padH: 0, padW: 0 };
    const { y, biasLeft } = this.convolveByLibrary(tiles, conv.w, conv.b, shape, undefined, true);
    return { y: conv.projection ? projectedOnto(this, x, y, conv.projection) : y, biasLeft };
  }
}

/** Keys and values of an attention are shaped alike. */
function checkKeysValues(k: Tensor, v: Tensor): void {
  if (!sameShape(k.shape, v.shape)) throw new Error(`attention(k, v): shapes ${shapeString(k.shape)} and ${shapeString(v.shape)} differ`);
}
