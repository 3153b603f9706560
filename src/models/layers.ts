// The parametrised building blocks shared by the text encoder, the U-Net and the VAE.
import type { Backend, BlockWrite, ChannelAffine, Conv2dOptions, ConvInput, GroupNormStats, GroupSumsUpdate, TileProjection, TileSet } from '../backend/backend.js';
import type { Tensor } from '../tensor/tensor.js';
import { Params } from './params.js';

export class Linear {
  readonly ops: Backend;
  readonly name: string;
  private readonly w: Tensor;
  private readonly b: Tensor | undefined;
  constructor(p: Params, readonly inFeatures: number, readonly outFeatures: number, bias = true) {
    this.ops = p.backend;
    this.name = p.name;
    this.w = p.tensor('weight', [outFeatures, inFeatures]);
    this.b = bias ? p.tensor('bias', [outFeatures]) : undefined;
  }
  /** x W^T + b (+ residual: the block's residual sum, fused where the backend can). */
  forward(x: Tensor, residual?: Tensor): Tensor {
    return this.ops.linear(x, this.w, this.b, residual);
  }

  /** geglu(forward(x)): a GEGLU feed-forward's input layer and its activation, in one call of the backend (linearGeglu). */
  forwardGeglu(x: Tensor): Tensor {
    return this.ops.linearGeglu(x, this.w, this.b);
  }

  /** Each layer's forward(x): one call of the backend (linearMany) when none has a bias and their weights are alike. */
  static forwardMany(layers: readonly Linear[], x: Tensor): Tensor[] {
    const first = layers[0]!;
    const alike = layers.every((l) => !l.b && l.inFeatures === first.inFeatures && l.outFeatures === first.outFeatures);
    return alike ? first.ops.linearMany(x, layers.map((l) => l.w)) : layers.map((l) => l.forward(x));
  }
}

/**
 * Linear layers of one input stacked into one: a weight [sum of their outputs, in] and a bias, so that
 * forward(x) computes every layer's x W^T + b in one GEMM and splits the result into each layer's
 * output, by name. (A U-Net's resnets project the time embedding so: SD 2's 22 projections of 2 rows
 * were a GEMM each, ~6 us apiece on the H200, bound by latency, not by their weights' bytes.)
 */
export class StackedLinear {
  readonly ops: Backend;
  /** The layers' module names ("down_blocks.0.resnets.0.time_emb_proj"), in the weight's order. */
  readonly names: readonly string[];
  private readonly w: Tensor;
  private readonly b: Tensor;
  constructor(parts: readonly Params[], readonly inFeatures: number, readonly outFeatures: readonly number[]) {
    this.ops = parts[0]!.backend;
    this.names = parts.map((p) => p.name);
    this.w = Params.stacked(parts, 'weight', outFeatures.map((o) => [o, inFeatures]));
    this.b = Params.stacked(parts, 'bias', outFeatures.map((o) => [o]));
  }

  /** Each layer's output for x [..., in], by name. */
  forward(x: Tensor): Map<string, Tensor> {
    const ys = this.ops.splitChannels(this.ops.linear(x, this.w, this.b), this.outFeatures);
    return new Map(this.names.map((n, i) => [n, ys[i]!]));
  }
}

export class Conv2d {
  readonly ops: Backend;
  readonly name: string;
  private readonly w: Tensor;
  private readonly b: Tensor;
  constructor(p: Params, readonly inChannels: number, readonly outChannels: number, readonly kernel: number, readonly opts: Conv2dOptions = { padding: (kernel - 1) >> 1 }) {
    this.ops = p.backend;
    this.name = p.name;
    this.w = p.convWeight('weight', [outChannels, inChannels, kernel, kernel]);
    this.b = p.tensor('bias', [outChannels]);
  }
  /** conv(x) + bias (+ residual); x read through `input` when given (a norm's affine, SiLU: Backend.conv2d). */
  forward(x: Tensor, residual?: Tensor, input?: ConvInput): Tensor {
    return this.ops.conv2d(x, this.w, this.b, this.opts, residual, input);
  }

  /**
   * The sparse engine's form of the layer: the convolution over tiles of x that hold their padding
   * (gathered through a norm's affine (+SiLU) when given), its block outputs written into a copy of
   * base where `write` says (Backend.convTilesInto). With `projection`, that 1x1 layer's output for
   * its own input at the same outputs is added (a resnet's shortcut; Backend TileProjection).
   */
  forwardTilesInto(base: Tensor, x: Tensor, tiles: TileSet, affine: ChannelAffine | undefined, silu: boolean, write: BlockWrite, projection?: { conv: Conv2d; x: Tensor }): Tensor {
    // the blocks' outputs: what tiles of this side give under this kernel and stride
    const blockSide = (tiles.side - this.kernel) / this.stride + 1;
    const p = projection && projection.conv.asProjection(projection.x, write.corners, blockSide);
    return this.ops.convTilesInto(base, x, { tiles, affine, silu, w: this.w, b: this.b, stride: this.stride, projection: p }, write);
  }

  /** This layer of x over blocks of side `blockSide` at `corners` (Backend TileProjection, which checks that it is 1x1). */
  private asProjection(x: Tensor, corners: Int32Array, blockSide: number): TileProjection {
    if (this.stride !== 1 || this.padding.some((p) => p)) throw new Error(`${this.name}: a convolution of stride ${this.stride}, padding ${this.padding.join(',')} is not a projection`);
    return { x, tiles: { origins: corners, side: blockSide }, w: this.w, b: this.b };
  }

  get stride(): number {
    return this.opts.stride ?? 1;
  }

  /** Padding as [top, bottom, left, right]. */
  get padding(): readonly [number, number, number, number] {
    const p = this.opts.padding ?? 0;
    return typeof p === 'number' ? [p, p, p, p] : p;
  }
}

export class GroupNorm {
  readonly ops: Backend;
  readonly name: string;
  private readonly gamma: Tensor;
  private readonly beta: Tensor;
  constructor(p: Params, readonly groups: number, readonly channels: number, readonly eps: number) {
    this.ops = p.backend;
    this.name = p.name;
    this.gamma = p.tensor('weight', [channels]);
    this.beta = p.tensor('bias', [channels]);
  }
  /**
   * GroupNorm (+SiLU) as the per-channel affine of its statistics, so that a step that records the
   * affine for FISEdit gets the same bits as a plain step. (A convolution after a norm reads x through
   * affine() instead, ConvInput: the same values, computed as it gathers its input.)
   */
  forward(x: Tensor, silu = false): Tensor {
    return this.ops.channelAffine(x, this.affine(x), silu);
  }

  /**
   * The per (batch item, channel) scale and shift this norm applies to x (statistics of x), with the
   * sums they came from; with `update`, summing only the rows where x differs from the map whose
   * sums `update.base` holds (FISEdit's exact statistics at sparse cost). With `offset` [N, C], the
   * norm of x + offset, applied to x (Backend.groupNormAffine).
   */
  affine(x: Tensor, update?: GroupSumsUpdate, offset?: Tensor): GroupNormStats {
    return this.ops.groupNormAffine(x, this.groups, this.gamma, this.beta, this.eps, update, offset);
  }

}

export class LayerNorm {
  readonly ops: Backend;
  private readonly gamma: Tensor;
  private readonly beta: Tensor;
  constructor(p: Params, readonly channels: number, readonly eps: number) {
    this.ops = p.backend;
    this.gamma = p.tensor('weight', [channels]);
    this.beta = p.tensor('bias', [channels]);
  }
  forward(x: Tensor): Tensor {
    return this.ops.layerNorm(x, this.gamma, this.beta, this.eps);
  }
}
