// diffusers' Attention: q from the hidden states, k and v from the context (the hidden states
// themselves for self-attention, the text for cross-attention), multi-head attention, output
// projection. Upcasting only matters for half-precision backends, which always accumulate in fp32.
import type { Tensor } from '../tensor/tensor.js';
import { Linear } from './layers.js';
import type { Params } from './params.js';

export class Attention {
  private readonly toQ: Linear;
  private readonly toK: Linear;
  private readonly toV: Linear;
  private readonly toOut: Linear;
  constructor(p: Params, queryDim: number, contextDim: number, readonly heads: number, qkvBias = false) {
    this.toQ = new Linear(p.at('to_q'), queryDim, queryDim, qkvBias);
    this.toK = new Linear(p.at('to_k'), contextDim, queryDim, qkvBias);
    this.toV = new Linear(p.at('to_v'), contextDim, queryDim, qkvBias);
    this.toOut = new Linear(p.at('to_out.0'), queryDim, queryDim);
  }

  /** x [B, L, C]; context [B, Lc, Cc] (defaults to x). */
  forward(x: Tensor, context: Tensor = x): Tensor {
    const ops = this.toQ.ops;
    const o = ops.attention(this.toQ.forward(x), this.toK.forward(context), this.toV.forward(context), { heads: this.heads });
    return this.toOut.forward(o);
  }
}
