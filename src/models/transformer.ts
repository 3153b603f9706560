// Transformer2DModel as Stable Diffusion uses it: GroupNorm, proj_in (1x1 conv or linear: the
// same map over channels), BasicTransformerBlocks over the H*W tokens, proj_out, residual.
import type { Tensor } from '../tensor/tensor.js';
import { Attention, type TextKeysValues } from './attention.js';
import { GroupNorm, LayerNorm, Linear } from './layers.js';
import type { Params } from './params.js';
import type { StepContext } from './step-context.js';

export interface TransformerOptions {
  channels: number;
  heads: number;
  contextDim: number;
  groups: number;
  layers: number;
}

/** Self-attention, cross-attention to the text, GEGLU feed-forward; each pre-normed, each residual. */
class BasicTransformerBlock {
  private readonly norm1: LayerNorm;
  private readonly attn1: Attention;
  private readonly norm2: LayerNorm;
  readonly attn2: Attention;
  private readonly norm3: LayerNorm;
  private readonly ffIn: Linear;
  private readonly ffOut: Linear;

  constructor(p: Params, dim: number, heads: number, contextDim: number) {
    this.norm1 = new LayerNorm(p.at('norm1'), dim, 1e-5);
    this.attn1 = new Attention(p.at('attn1'), dim, dim, heads);
    this.norm2 = new LayerNorm(p.at('norm2'), dim, 1e-5);
    this.attn2 = new Attention(p.at('attn2'), dim, contextDim, heads);
    this.norm3 = new LayerNorm(p.at('norm3'), dim, 1e-5);
    this.ffIn = new Linear(p.at('ff.net.0.proj'), dim, dim * 8); // GEGLU: 4*dim hidden, doubled for the gate
    this.ffOut = new Linear(p.at('ff.net.2'), dim * 4, dim);
  }

  forward(ctx: StepContext, x: Tensor, text: TextKeysValues): Tensor {
    x = this.attn1.forward(ctx, this.norm1.forward(x), undefined, x);
    x = this.attn2.forward(ctx, this.norm2.forward(x), text.get(this.attn2.name), x);
    return this.ffOut.forward(this.ffIn.forwardGeglu(this.norm3.forward(x)), x);
  }
}

export class Transformer2D {
  private readonly norm: GroupNorm;
  private readonly projIn: Linear;
  private readonly blocks: BasicTransformerBlock[];
  /** The cross-attentions, which read the text. */
  readonly textAttentions: Attention[];
  private readonly projOut: Linear;

  constructor(p: Params, o: TransformerOptions) {
    const c = o.channels;
    this.norm = new GroupNorm(p.at('norm'), o.groups, c, 1e-6);
    this.projIn = new Linear(p.at('proj_in'), c, c);
    this.blocks = Array.from({ length: o.layers }, (_, i) => new BasicTransformerBlock(p.at(`transformer_blocks.${i}`), c, o.heads, o.contextDim));
    this.projOut = new Linear(p.at('proj_out'), c, c);
    this.textAttentions = this.blocks.map((b) => b.attn2);
  }

  /** x [N, H, W, C]; the text's keys and values. The blocks see whichever tokens the step context gives. */
  forward(ctx: StepContext, x: Tensor, text: TextKeysValues): Tensor {
    let t = this.projIn.forward(ctx.tokens(this.norm, x));
    for (const block of this.blocks) t = block.forward(ctx, t, text);
    return ctx.untokens(this.projOut, t, x);
  }
}
