// diffusers' Attention: q from the hidden states, k and v from the context (the hidden states
// themselves for self-attention, the text for cross-attention), multi-head attention, output
// projection. Upcasting only matters for half-precision backends, which always accumulate in fp32.
// A cross-attention's k and v depend on the text alone, so they are computed once per prompt
// (keysValues) instead of at every step: 32 GEMMs a Stable Diffusion 2 U-Net call.
import type { Tensor } from '../tensor/tensor.js';
import { Linear } from './layers.js';
import type { Params } from './params.js';
import type { StepContext } from './step-context.js';

/** A cross-attention's keys and values of the text [B, Lc, C]. */
export interface KeysValues {
  readonly k: Tensor;
  readonly v: Tensor;
}

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

  /** Keys and values of a context [B, Lc, Cc] (the text) for cross-attention. */
  keysValues(context: Tensor): KeysValues {
    // one call of the backend (linearMany) where the layers have no bias, as SD's (16 launches fewer a new prompt in SD 2)
    const [k, v] = Linear.forwardMany([this.toK, this.toV], context) as [Tensor, Tensor];
    return { k, v };
  }

  /**
   * Self-attention when no keys and values are given, else cross-attention with them (keysValues
   * of the text). x [B, L, C]; residual (shaped like x) is added to the output projection's result.
   */
  forward(ctx: StepContext, x: Tensor, text?: KeysValues, residual?: Tensor): Tensor {
    if (text) return this.toOut.forward(ctx.crossAttention(this.name, this.toQ.forward(x), text.k, text.v, this.heads), residual);
    // q, k and v of one input: one call of the backend (linearMany), which may batch them
    const [q, k, v] = Linear.forwardMany([this.toQ, this.toK, this.toV], x) as [Tensor, Tensor, Tensor];
    return this.toOut.forward(ctx.selfAttention(this.name, q, k, v, this.heads), residual);
  }
}

/** The text as every cross-attention of a model reads it: keys and values by attention name. */
export class TextKeysValues {
  constructor(private readonly byName: ReadonlyMap<string, KeysValues>) {}

  /** Each attention's keys and values of `context`, in the order given. */
  static of(attentions: readonly Attention[], context: Tensor): TextKeysValues {
    return new TextKeysValues(new Map(attentions.map((a) => [a.name, a.keysValues(context)])));
  }

  get(name: string): KeysValues {
    const kv = this.byName.get(name);
    if (!kv) throw new Error(`no keys and values of the text for ${name}`);
    return kv;
  }

  /** Every tensor, k then v of each attention in order (a replayable call's inputs). */
  tensors(): Tensor[] {
    return [...this.byName.values()].flatMap(({ k, v }) => [k, v]);
  }

  /** The same attentions over other tensors in tensors()' order (a replayable call's own copies). */
  withTensors(ts: readonly Tensor[]): TextKeysValues {
    return TextKeysValues.named([...this.byName.keys()], ts);
  }

  /** The attentions `names`, their keys and values from tensors in tensors()' order. */
  static named(names: readonly string[], ts: readonly Tensor[]): TextKeysValues {
    if (ts.length !== 2 * names.length) throw new Error(`${ts.length} tensors for the keys and values of ${names.length} attentions`);
    return new TextKeysValues(new Map(names.map((name, i) => [name, { k: ts[2 * i]!, v: ts[2 * i + 1]! }])));
  }
}
