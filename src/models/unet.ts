// UNet2DConditionModel (Stable Diffusion 1.x and 2.x): sinusoidal timestep embedding and MLP;
// conv_in; down blocks of ResNets (+ cross-attention transformers) with stride-2 downsampling;
// a ResNet/transformer/ResNet middle; up blocks that concatenate the skip connections,
// upsampling by nearest-neighbour + conv; GroupNorm, SiLU, conv_out.
import type { Backend } from '../backend/backend.js';
import { Config } from '../io/config.js';
import { FiseditError } from '../io/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { Conv2d, GroupNorm, Linear, StackedLinear } from './layers.js';
import { instanceName, type Params } from './params.js';
import { ResnetBlock2D } from './resnet.js';
import { Downsample2D, Upsample2D } from './sampling.js';
import { Transformer2D } from './transformer.js';
import { TextKeysValues, type Attention } from './attention.js';
import { DenseContext, type StepContext } from './step-context.js';

export interface UNetConfig {
  inChannels: number;
  outChannels: number;
  blockOutChannels: number[];
  layersPerBlock: number;
  downBlockTypes: ('CrossAttnDownBlock2D' | 'DownBlock2D')[];
  upBlockTypes: ('CrossAttnUpBlock2D' | 'UpBlock2D')[];
  /** Heads per level (diffusers' attention_head_dim really holds head counts for SD). */
  heads: number[];
  crossAttentionDim: number;
  groups: number;
  eps: number;
  transformerLayers: number;
  flipSinToCos: boolean;
  freqShift: number;
  sampleSize: number;
}

const DOWN_TYPES = ['CrossAttnDownBlock2D', 'DownBlock2D'] as const;
const UP_TYPES = ['CrossAttnUpBlock2D', 'UpBlock2D'] as const;

export function parseUNetConfig(c: Config): UNetConfig {
  const blockOutChannels = c.intList('block_out_channels');
  const levels = blockOutChannels.length;
  const listOf = <S extends string>(key: string, allowed: readonly S[]): S[] => {
    const v = c.stringList(key);
    if (v.length !== levels) throw new FiseditError(`${c.source}: "${key}" has ${v.length} entries, "block_out_channels" has ${levels}`);
    for (const t of v) if (!allowed.includes(t as S)) throw new FiseditError(`${c.source}: "${key}" contains unsupported block type "${t}" (supported: ${allowed.join(', ')})`);
    return v as S[];
  };
  if (c.has('time_cond_proj_dim') || c.has('class_embed_type') || c.has('addition_embed_type') || c.has('encoder_hid_dim'))
    throw new FiseditError(`${c.source}: conditioning beyond text (class/addition embeddings, SDXL) is not supported`);
  c.string('mid_block_type', ['UNetMidBlock2DCrossAttn'], 'UNetMidBlock2DCrossAttn');
  c.string('resnet_time_scale_shift', ['default'], 'default');
  c.string('time_embedding_type', ['positional'], 'positional');
  const transformerLayers = c.raw.transformer_layers_per_block ?? 1;
  if (transformerLayers !== 1 && !(Number.isInteger(transformerLayers) && (transformerLayers as number) > 0))
    throw new FiseditError(`${c.source}: field "transformer_layers_per_block" must be one positive integer for SD 1.x/2.x`);
  // num_attention_heads wins when given; otherwise attention_head_dim is the head count (diffusers' naming).
  const heads = c.has('num_attention_heads') ? c.perLevel('num_attention_heads', levels) : c.perLevel('attention_head_dim', levels);
  const useLinear = c.bool('use_linear_projection', false);
  void useLinear; // conv 1x1 and linear projections compute the same map; weights load either way
  return {
    inChannels: c.int('in_channels'),
    outChannels: c.int('out_channels'),
    blockOutChannels,
    layersPerBlock: c.int('layers_per_block'),
    downBlockTypes: listOf('down_block_types', DOWN_TYPES),
    upBlockTypes: listOf('up_block_types', UP_TYPES),
    heads,
    crossAttentionDim: c.int('cross_attention_dim'),
    groups: c.int('norm_num_groups', 32),
    eps: c.number('norm_eps', 1e-5),
    transformerLayers: transformerLayers as number,
    flipSinToCos: c.bool('flip_sin_to_cos', true),
    freqShift: c.number('freq_shift', 0),
    sampleSize: c.int('sample_size', 64),
  };
}

/** The activations a caller may want to look at (the golden files keep them for debugging). */
export type BlockTap = (name: string, x: Tensor) => void;

interface Level {
  resnets: ResnetBlock2D[];
  attentions: Transformer2D[];
  sampler: Downsample2D | Upsample2D | undefined;
}

export class UNet2DConditionModel {
  /** A name unique to this model object (keys what a backend records of its calls). */
  readonly instance = instanceName('unet');
  readonly ops: Backend;
  private readonly timeLinear1: Linear;
  private readonly timeLinear2: Linear;
  /** Every resnet's time_emb_proj, as one GEMM (StackedLinear). */
  private readonly timeProjections: StackedLinear;
  private readonly convIn: Conv2d;
  private readonly down: Level[] = [];
  private readonly midResnets: [ResnetBlock2D, ResnetBlock2D];
  private readonly midAttention: Transformer2D;
  private readonly up: Level[] = [];
  private readonly normOut: GroupNorm;
  private readonly convOut: Conv2d;

  constructor(p: Params, readonly config: UNetConfig) {
    this.ops = p.backend;
    const c = config;
    const ch = c.blockOutChannels;
    const temb = ch[0]! * 4;
    const levels = ch.length;
    // each resnet's projection of the time embedding, loaded into one layer after the loop
    const projections: Params[] = [], projected: number[] = [];
    const resnet = (q: Params, inChannels: number, outChannels: number) => {
      projections.push(q.at('time_emb_proj'));
      projected.push(outChannels);
      return new ResnetBlock2D(q, { inChannels, outChannels, groups: c.groups, eps: c.eps, timeShift: true });
    };
    const transformer = (q: Params, channels: number, heads: number) =>
      new Transformer2D(q, { channels, heads, contextDim: c.crossAttentionDim, groups: c.groups, layers: c.transformerLayers });

    this.timeLinear1 = new Linear(p.at('time_embedding.linear_1'), ch[0]!, temb);
    this.timeLinear2 = new Linear(p.at('time_embedding.linear_2'), temb, temb);
    this.convIn = new Conv2d(p.at('conv_in'), c.inChannels, ch[0]!, 3);

    let out = ch[0]!;
    for (let i = 0; i < levels; i++) {
      const q = p.at(`down_blocks.${i}`);
      const input = out;
      out = ch[i]!;
      const cross = c.downBlockTypes[i] === 'CrossAttnDownBlock2D';
      this.down.push({
        resnets: Array.from({ length: c.layersPerBlock }, (_, j) => resnet(q.at(`resnets.${j}`), j === 0 ? input : out, out)),
        attentions: cross ? Array.from({ length: c.layersPerBlock }, (_, j) => transformer(q.at(`attentions.${j}`), out, c.heads[i]!)) : [],
        sampler: i < levels - 1 ? new Downsample2D(q.at('downsamplers.0'), out, 'symmetric') : undefined,
      });
    }

    const top = ch[levels - 1]!;
    this.midResnets = [resnet(p.at('mid_block.resnets.0'), top, top), resnet(p.at('mid_block.resnets.1'), top, top)];
    this.midAttention = transformer(p.at('mid_block.attentions.0'), top, c.heads[levels - 1]!);

    const rch = [...ch].reverse();
    const rheads = [...c.heads].reverse();
    let prev = rch[0]!;
    for (let i = 0; i < levels; i++) {
      const q = p.at(`up_blocks.${i}`);
      const outCh = rch[i]!;
      const skipIn = rch[Math.min(i + 1, levels - 1)]!;
      const cross = c.upBlockTypes[i] === 'CrossAttnUpBlock2D';
      const n = c.layersPerBlock + 1;
      const resIn = (j: number) => (j === 0 ? prev : outCh) + (j === n - 1 ? skipIn : outCh);
      this.up.push({
        resnets: Array.from({ length: n }, (_, j) => resnet(q.at(`resnets.${j}`), resIn(j), outCh)),
        attentions: cross ? Array.from({ length: n }, (_, j) => transformer(q.at(`attentions.${j}`), outCh, rheads[i]!)) : [],
        sampler: i < levels - 1 ? new Upsample2D(q.at('upsamplers.0'), outCh) : undefined,
      });
      prev = outCh;
    }

    this.timeProjections = new StackedLinear(projections, temb, projected);
    this.normOut = new GroupNorm(p.at('conv_norm_out'), c.groups, ch[0]!, c.eps);
    this.convOut = new Conv2d(p.at('conv_out'), ch[0]!, c.outChannels, 3);
  }

  /** Sinusoidal embedding of each batch item's timestep, [N, C0] (diffusers' get_timestep_embedding). */
  timestepEmbedding(timesteps: readonly number[]): Tensor {
    const dim = this.config.blockOutChannels[0]!;
    const half = dim >> 1;
    const out = new Float32Array(timesteps.length * dim);
    timesteps.forEach((t, b) => {
      for (let i = 0; i < half; i++) {
        // float32 at each stage, as PyTorch computes it
        const freq = Math.fround(Math.exp(Math.fround((-Math.log(10000) * i) / (half - this.config.freqShift))));
        const arg = Math.fround(t * freq);
        const [first, second] = this.config.flipSinToCos ? [Math.cos(arg), Math.sin(arg)] : [Math.sin(arg), Math.cos(arg)];
        out[b * dim + i] = first;
        out[b * dim + half + i] = second;
      }
    });
    return this.ops.fromHost(out, [timesteps.length, dim]);
  }

  /** Every cross-attention's keys and values of the text context [N, 77, Cc]: fixed for a prompt, so computed once, not at every step. */
  textKeysValues(context: Tensor): TextKeysValues {
    return TextKeysValues.of(this.textAttentions(), context);
  }

  /** textKeysValues(context).tensors() as its result again (what a replayable call of it gave back). */
  textKeysValuesOf(tensors: readonly Tensor[]): TextKeysValues {
    return TextKeysValues.named(this.textAttentions().map((a) => a.name), tensors);
  }

  private textAttentions(): Attention[] {
    const transformers = [...this.down.flatMap((l) => l.attentions), this.midAttention, ...this.up.flatMap((l) => l.attentions)];
    return transformers.flatMap((t) => t.textAttentions);
  }

  /**
   * sample [N, H, W, C] (channels-last latents), timesteps (one per batch item),
   * context [N, 77, Cc] -> the model output [N, H, W, Cout]. The step context decides how each
   * layer runs (dense by default; the FISEdit engine records or computes sparsely).
   */
  forward(sample: Tensor, timesteps: readonly number[], context: Tensor, opts: { ctx?: StepContext; tap?: BlockTap } = {}): Tensor {
    if (timesteps.length !== sample.shape[0]) throw new FiseditError(`U-Net: ${timesteps.length} timesteps for a batch of ${sample.shape[0]}`);
    return this.forwardEmbedded(sample, this.timestepEmbedding(timesteps), this.textKeysValues(context), opts);
  }

  /**
   * forward() with the sinusoidal timestep embedding [N, C0] and the text's keys and values already
   * on the device: everything in here is device work on tensors, so a backend may record it once and
   * replay it (ops.replayable).
   */
  forwardEmbedded(sample: Tensor, timeProjection: Tensor, text: TextKeysValues, opts: { ctx?: StepContext; tap?: BlockTap } = {}): Tensor {
    const ops = this.ops;
    const ctx = opts.ctx ?? new DenseContext(ops);
    const tap = opts.tap;
    const [, h, w] = sample.shape as [number, number, number, number];
    const levels = this.config.blockOutChannels.length;
    const factor = 2 ** (levels - 1);
    if (h % factor || w % factor) throw new FiseditError(`U-Net input ${h}x${w} is not a multiple of ${factor} (latent size must be divisible by ${factor})`);

    // the time embedding's MLP runs only if the context computes the resnets' projections (a sparse
    // step takes them from its base's step instead)
    const embedding = () => ops.silu(this.timeLinear2.forward(ops.silu(this.timeLinear1.forward(timeProjection))));
    const shifts = ctx.timeShifts(this.timeProjections, embedding);

    // each block in a scope of its own: its intermediates go back to the backend as it ends, for the
    // next block's (on the H200 a 768 px call's peak memory 8.5 -> 3.4 GiB, its time the same;
    // bench/results/2026-12-04-s58-call3.log; test/scopes.test.ts checks no op is handed one after)
    const block = (f: () => Tensor) => ops.tidy(f);
    let x = ctx.conv(this.convIn, sample);
    tap?.('conv_in', x);
    const skips: Tensor[] = [x];
    this.down.forEach((level, i) => {
      level.resnets.forEach((r, j) => {
        x = block(() => r.forward(ctx, x, shifts));
        const attn = level.attentions[j];
        if (attn) x = block(() => attn.forward(ctx, x, text));
        skips.push(x);
      });
      if (level.sampler) {
        x = block(() => level.sampler!.forward(ctx, x));
        skips.push(x);
      }
      tap?.(`down_blocks.${i}`, x);
    });

    x = block(() => this.midResnets[0].forward(ctx, x, shifts));
    x = block(() => this.midAttention.forward(ctx, x, text));
    x = block(() => this.midResnets[1].forward(ctx, x, shifts));
    tap?.('mid_block', x);

    this.up.forEach((level, i) => {
      level.resnets.forEach((r, j) => {
        const skip = skips.pop()!;
        x = block(() => r.forward(ctx, x, shifts, skip));
        const attn = level.attentions[j];
        if (attn) x = block(() => attn.forward(ctx, x, text));
      });
      if (level.sampler) x = block(() => level.sampler!.forward(ctx, x));
      tap?.(`up_blocks.${i}`, x);
    });

    return ctx.conv(this.convOut, x, this.normOut, true);
  }
}
