// diffusers' Attention: q from the hidden states, k and v from the context (the hidden states
// themselves for self-attention, the text for cross-attention), multi-head attention, output
// projection. Upcasting only matters for half-precision backends, which always accumulate in fp32.
import type { Tensor } from '../tensor/tensor.js';
import { Linear } from './layers.js';
import type { Params } from './params.js';
import type { StepContext } from './step-context.js';

export class Attention {
  readonly name: string;
  private readonly toQ: Linear;
  private readonly toK: Linear;
  private readonly toV: Linear;
  private readonly toOut: Linear;
  constructor(p: Params, queryDim: number, contextDim: number, readonly heads: number, qkvBias = false) {
    this.name = p.name;
    this.toQ = new Linear(p.at('to_q'), queryDim, queryDim, qkvBias);
    this.toK = new Linear(p.at('to_k'), contextDim, queryDim, qkvBias);
    this.toV = new Linear(p.at('to_v'), contextDim, queryDim, qkvBias);
    this.toOut = new Linear(p.at('to_out.0'), queryDim, queryDim);
  }

  /**
   * Self-attention when no context is given, else cross-attention to it. x [B, L, C]; context
   * [B, Lc, Cc]; residual (shaped like x) is added to the output projection's result.
   */
  forward(ctx: StepContext, x: Tensor, context?: Tensor, residual?: Tensor): Tensor {
    const q = this.toQ.forward(x);
    const src = context ?? x;
    const k = this.toK.forward(src), v = this.toV.forward(src);
    const o = context ? ctx.crossAttention(this.name, q, k, v, this.heads) : ctx.selfAttention(this.name, q, k, v, this.heads);
    return this.toOut.forward(o, residual);
  }
}
