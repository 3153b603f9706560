// AutoencoderKL: an encoder (ResNet levels with stride-2 downsampling, a ResNet/attention/ResNet
// middle) to a diagonal Gaussian over latents, and a decoder that mirrors it with nearest-neighbour
// upsampling. One-head self-attention over all pixels in the middle of each.
import type { Backend } from '../backend/backend.js';
import { Config } from '../io/config.js';
import { FiseditError } from '../io/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { Attention } from './attention.js';
import { Conv2d, GroupNorm } from './layers.js';
import { instanceName, type Params } from './params.js';
import { ResnetBlock2D } from './resnet.js';
import { Downsample2D, Upsample2D } from './sampling.js';
import { DenseContext, type StepContext } from './step-context.js';

export interface VaeConfig {
  inChannels: number;
  outChannels: number;
  latentChannels: number;
  blockOutChannels: number[];
  layersPerBlock: number;
  groups: number;
  scalingFactor: number;
  midAttention: boolean;
  quantConv: boolean;
  postQuantConv: boolean;
}

export function parseVaeConfig(c: Config): VaeConfig {
  const blockOutChannels = c.intList('block_out_channels');
  for (const key of ['down_block_types', 'up_block_types']) {
    const v = c.stringList(key);
    const want = key === 'down_block_types' ? 'DownEncoderBlock2D' : 'UpDecoderBlock2D';
    if (v.length !== blockOutChannels.length || v.some((t) => t !== want))
      throw new FiseditError(`${c.source}: "${key}" must list ${blockOutChannels.length} x "${want}"`);
  }
  if (c.has('shift_factor')) throw new FiseditError(`${c.source}: "shift_factor" (SD3/Flux VAEs) is not supported`);
  return {
    inChannels: c.int('in_channels'),
    outChannels: c.int('out_channels'),
    latentChannels: c.int('latent_channels'),
    blockOutChannels,
    layersPerBlock: c.int('layers_per_block'),
    groups: c.int('norm_num_groups', 32),
    scalingFactor: c.number('scaling_factor', 0.18215),
    midAttention: c.bool('mid_block_add_attention', true),
    quantConv: c.bool('use_quant_conv', true),
    postQuantConv: c.bool('use_post_quant_conv', true),
  };
}

const VAE_EPS = 1e-6;

/** ResNet, single-head attention with its own GroupNorm and residual, ResNet. */
class VaeMidBlock {
  private readonly resnets: [ResnetBlock2D, ResnetBlock2D];
  private readonly attention: { norm: GroupNorm; attn: Attention } | undefined;
  constructor(p: Params, channels: number, groups: number, withAttention: boolean) {
    const r = (i: number) => new ResnetBlock2D(p.at(`resnets.${i}`), { inChannels: channels, outChannels: channels, groups, eps: VAE_EPS });
    this.resnets = [r(0), r(1)];
    this.attention = withAttention
      ? { norm: new GroupNorm(p.at('attentions.0.group_norm'), groups, channels, VAE_EPS), attn: new Attention(p.at('attentions.0'), channels, channels, 1, true) }
      : undefined;
  }
  forward(ctx: StepContext, x: Tensor): Tensor {
    x = this.resnets[0].forward(ctx, x);
    if (this.attention) {
      const ops = ctx.ops;
      const [n, h, w, c] = x.shape as [number, number, number, number];
      const tokens = ops.reshape(this.attention.norm.forward(x), [n, h * w, c]);
      x = ops.reshape(this.attention.attn.forward(ctx, tokens, undefined, ops.reshape(x, tokens.shape)), x.shape);
    }
    return this.resnets[1].forward(ctx, x);
  }
}

interface Level {
  resnets: ResnetBlock2D[];
  sampler: Downsample2D | Upsample2D | undefined;
}

export class AutoencoderKL {
  /** A name unique to this model object (keys what a backend records of its calls). */
  readonly instance = instanceName('vae');
  readonly ops: Backend;
  private readonly enc: { convIn: Conv2d; levels: Level[]; mid: VaeMidBlock; normOut: GroupNorm; convOut: Conv2d; quant: Conv2d | undefined };
  private readonly dec: { postQuant: Conv2d | undefined; convIn: Conv2d; mid: VaeMidBlock; levels: Level[]; normOut: GroupNorm; convOut: Conv2d };

  constructor(p: Params, readonly config: VaeConfig) {
    this.ops = p.backend;
    const c = config;
    const ch = c.blockOutChannels;
    const levels = ch.length;
    const resnet = (q: Params, inChannels: number, outChannels: number) => new ResnetBlock2D(q, { inChannels, outChannels, groups: c.groups, eps: VAE_EPS });
    const e = p.at('encoder');
    const encLevels: Level[] = [];
    let prev = ch[0]!;
    for (let i = 0; i < levels; i++) {
      const q = e.at(`down_blocks.${i}`);
      const input = prev, out = ch[i]!;
      encLevels.push({
        resnets: Array.from({ length: c.layersPerBlock }, (_, j) => resnet(q.at(`resnets.${j}`), j === 0 ? input : out, out)),
        sampler: i < levels - 1 ? new Downsample2D(q.at('downsamplers.0'), out, 'bottom-right') : undefined,
      });
      prev = out;
    }
    const top = ch[levels - 1]!;
    const lat2 = 2 * c.latentChannels;
    this.enc = {
      convIn: new Conv2d(e.at('conv_in'), c.inChannels, ch[0]!, 3),
      levels: encLevels,
      mid: new VaeMidBlock(e.at('mid_block'), top, c.groups, c.midAttention),
      normOut: new GroupNorm(e.at('conv_norm_out'), c.groups, top, VAE_EPS),
      convOut: new Conv2d(e.at('conv_out'), top, lat2, 3),
      quant: c.quantConv ? new Conv2d(p.at('quant_conv'), lat2, lat2, 1) : undefined,
    };

    const d = p.at('decoder');
    const rch = [...ch].reverse();
    const decLevels: Level[] = [];
    prev = rch[0]!;
    for (let i = 0; i < levels; i++) {
      const q = d.at(`up_blocks.${i}`);
      const input = prev, out = rch[i]!;
      decLevels.push({
        resnets: Array.from({ length: c.layersPerBlock + 1 }, (_, j) => resnet(q.at(`resnets.${j}`), j === 0 ? input : out, out)),
        sampler: i < levels - 1 ? new Upsample2D(q.at('upsamplers.0'), out) : undefined,
      });
      prev = out;
    }
    this.dec = {
      postQuant: c.postQuantConv ? new Conv2d(p.at('post_quant_conv'), c.latentChannels, c.latentChannels, 1) : undefined,
      convIn: new Conv2d(d.at('conv_in'), c.latentChannels, top, 3),
      mid: new VaeMidBlock(d.at('mid_block'), top, c.groups, c.midAttention),
      levels: decLevels,
      normOut: new GroupNorm(d.at('conv_norm_out'), c.groups, ch[0]!, VAE_EPS),
      convOut: new Conv2d(d.at('conv_out'), ch[0]!, c.outChannels, 3),
    };
  }

  /**
   * A level's resnets and sampler, each in a scope of its own and the level in another: a resnet's
   * intermediates, then the level's inner outputs, go back to the pool as soon as they are done with
   * (at 768 px a decoder map of the last level is 151 MB a batch item), so a recorded decode holds a
   * few maps at a time, not all of them.
   */
  private levelForward(ctx: DenseContext, level: Level, x: Tensor): Tensor {
    return this.ops.tidy(() => {
      let y = x;
      for (const r of level.resnets) y = this.ops.tidy(() => r.forward(ctx, y));
      return level.sampler ? this.ops.tidy(() => level.sampler!.forward(ctx, y)) : y;
    });
  }

  get downFactor(): number {
    return 2 ** (this.config.blockOutChannels.length - 1);
  }

  /** image [N, H, W, 3] in [-1, 1] -> posterior mean and log-variance [N, H/f, W/f, latent]. */
  encode(image: Tensor): { mean: Tensor; logvar: Tensor } {
    const [, h, w] = image.shape as [number, number, number, number];
    const f = this.downFactor;
    if (h % f || w % f) throw new FiseditError(`VAE encode: image ${h}x${w} is not a multiple of ${f}`);
    const e = this.enc;
    const ctx = new DenseContext(this.ops);
    let x = e.convIn.forward(image);
    for (const level of e.levels) x = this.levelForward(ctx, level, x);
    x = e.convOut.forward(e.normOut.forward(this.ops.tidy(() => e.mid.forward(ctx, x)), true));
    if (e.quant) x = e.quant.forward(x);
    const lc = this.config.latentChannels;
    const [mean, rawLogvar] = this.ops.splitChannels(x, [lc, lc]) as [Tensor, Tensor];
    const lv = this.ops.toHost(rawLogvar).map((v) => Math.min(20, Math.max(-30, v)));
    return { mean, logvar: this.ops.fromHost(lv, rawLogvar.shape) };
  }

  /** Latents [N, h, w, latent] (already divided by the scaling factor) -> image [N, H, W, 3] in about [-1, 1]. */
  decode(z: Tensor): Tensor {
    const d = this.dec;
    const ctx = new DenseContext(this.ops);
    let x = d.postQuant ? d.postQuant.forward(z) : z;
    x = this.ops.tidy(() => d.mid.forward(ctx, d.convIn.forward(x)));
    for (const level of d.levels) x = this.levelForward(ctx, level, x);
    return d.convOut.forward(d.normOut.forward(x, true));
  }
}
