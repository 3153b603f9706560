// The parametrised building blocks shared by the text encoder, the U-Net and the VAE.
import type { Backend, Conv2dOptions } from '../backend/backend.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Params } from './params.js';

export class Linear {
  readonly ops: Backend;
  private readonly w: Tensor;
  private readonly b: Tensor | undefined;
  constructor(p: Params, readonly inFeatures: number, readonly outFeatures: number, bias = true) {
    this.ops = p.backend;
    this.w = p.tensor('weight', [outFeatures, inFeatures]);
    this.b = bias ? p.tensor('bias', [outFeatures]) : undefined;
  }
  forward(x: Tensor): Tensor {
    return this.ops.linear(x, this.w, this.b);
  }
}

export class Conv2d {
  readonly ops: Backend;
  private readonly w: Tensor;
  private readonly b: Tensor;
  constructor(p: Params, readonly inChannels: number, readonly outChannels: number, readonly kernel: number, private readonly opts: Conv2dOptions = { padding: (kernel - 1) >> 1 }) {
    this.ops = p.backend;
    this.w = p.convWeight('weight', [outChannels, inChannels, kernel, kernel]);
    this.b = p.tensor('bias', [outChannels]);
  }
  forward(x: Tensor): Tensor {
    return this.ops.conv2d(x, this.w, this.b, this.opts);
  }
}

export class GroupNorm {
  readonly ops: Backend;
  private readonly gamma: Tensor;
  private readonly beta: Tensor;
  constructor(p: Params, readonly groups: number, readonly channels: number, readonly eps: number) {
    this.ops = p.backend;
    this.gamma = p.tensor('weight', [channels]);
    this.beta = p.tensor('bias', [channels]);
  }
  forward(x: Tensor, silu = false): Tensor {
    return this.ops.groupNorm(x, this.groups, this.gamma, this.beta, this.eps, silu);
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
