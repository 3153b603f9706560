// The embedded default: a tiny Stable Diffusion pipeline with deterministic random weights,
// written in the real diffusers folder layout (so loading it exercises the same code as a real
// model). The architecture comes from configs in this file; the weight names and shapes come
// from building the models themselves against a generating weight source.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CpuBackend } from '../backend/cpu/cpu.js';
import { Config } from '../io/config.js';
import { writeSafetensors, type TensorToWrite } from '../io/safetensors.js';
import { ClipTextModel, parseClipTextConfig } from '../models/clip-text.js';
import { Params, type WeightSource } from '../models/params.js';
import { UNet2DConditionModel, parseUNetConfig } from '../models/unet.js';
import { AutoencoderKL, parseVaeConfig } from '../models/vae.js';
import { Random } from '../util/random.js';
import { learnBpe } from './bpe-trainer.js';

/** Bump when anything below changes, so a cached folder of an older build is rebuilt. */
export const DEFAULT_MODEL_VERSION = 1;
const MERGES = 400;

const tokenizer = learnBpe(MERGES);
const vocabSize = Object.keys(tokenizer.vocab).length;

export const TINY_CONFIGS = {
  model_index: {
    _class_name: 'StableDiffusionPipeline', _diffusers_version: '0.40.0',
    scheduler: ['diffusers', 'DPMSolverMultistepScheduler'], text_encoder: ['transformers', 'CLIPTextModel'],
    tokenizer: ['transformers', 'CLIPTokenizer'], unet: ['diffusers', 'UNet2DConditionModel'], vae: ['diffusers', 'AutoencoderKL'],
  },
  unet: {
    _class_name: 'UNet2DConditionModel', in_channels: 4, out_channels: 4, sample_size: 32, layers_per_block: 1,
    block_out_channels: [32, 64, 64], down_block_types: ['DownBlock2D', 'CrossAttnDownBlock2D', 'CrossAttnDownBlock2D'],
    up_block_types: ['CrossAttnUpBlock2D', 'CrossAttnUpBlock2D', 'UpBlock2D'], attention_head_dim: [2, 4, 4],
    cross_attention_dim: 32, norm_num_groups: 8, norm_eps: 1e-5, use_linear_projection: true, upcast_attention: false,
    flip_sin_to_cos: true, freq_shift: 0,
  },
  vae: {
    _class_name: 'AutoencoderKL', in_channels: 3, out_channels: 3, latent_channels: 4, layers_per_block: 1,
    block_out_channels: [8, 16, 16, 16], down_block_types: Array(4).fill('DownEncoderBlock2D'),
    up_block_types: Array(4).fill('UpDecoderBlock2D'), norm_num_groups: 4, scaling_factor: 0.18215, sample_size: 256,
  },
  text_encoder: {
    architectures: ['CLIPTextModel'], model_type: 'clip_text_model', vocab_size: vocabSize, hidden_size: 32,
    intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4, max_position_embeddings: 77,
    hidden_act: 'quick_gelu', layer_norm_eps: 1e-5, bos_token_id: vocabSize - 2, eos_token_id: vocabSize - 1, pad_token_id: vocabSize - 1,
  },
  scheduler: {
    _class_name: 'DPMSolverMultistepScheduler', num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012,
    beta_schedule: 'scaled_linear', prediction_type: 'epsilon', algorithm_type: 'dpmsolver++', solver_order: 2,
    timestep_spacing: 'linspace', steps_offset: 1,
  },
  tokenizer: { model_max_length: 77, pad_token: '<|endoftext|>', bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', tokenizer_class: 'CLIPTokenizer' },
};

/** Generates every tensor a model asks for, deterministically from its name, and keeps them. */
class GeneratedWeights implements WeightSource {
  readonly tensors: Record<string, TensorToWrite> = {};
  has(): boolean {
    return true;
  }
  read(name: string, shape: readonly number[]): Float32Array {
    const n = shape.reduce((a, b) => a * b, 1);
    let seed = 0;
    for (const ch of name) seed = (Math.imul(seed, 31) + ch.charCodeAt(0)) >>> 0;
    const noise = new Random(seed).normal(n);
    const fanIn = shape.length > 1 ? shape.slice(1).reduce((a, b) => a * b, 1) : 1;
    const isNorm = /norm[^.]*\.weight$/.test(name);
    const isBias = name.endsWith('.bias');
    const isEmbedding = name.includes('embedding.weight');
    const v = noise.map((z) => (isNorm ? 1 + 0.1 * z : isBias ? 0.02 * z : isEmbedding ? 0.5 * z : z / Math.sqrt(fanIn)));
    this.tensors[name] = { dtype: 'F32', shape, data: v };
    return v;
  }
}

/** Writes the tiny pipeline into `dir` (atomically: built beside it, then renamed). */
export function writeTinyModel(dir: string): void {
  const tmp = `${dir}.building-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const put = (rel: string, content: unknown) => {
    mkdirSync(join(tmp, rel, '..'), { recursive: true });
    writeFileSync(join(tmp, rel), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  };
  const cpu = new CpuBackend();
  const build = (component: string, file: string, make: (p: Params, c: Config) => unknown, prefix = '') => {
    const config = (TINY_CONFIGS as Record<string, object>)[component]!;
    put(`${component}/config.json`, config);
    const gen = new GeneratedWeights();
    make(new Params(cpu, gen, prefix), new Config(`${component}/config.json`, config as Record<string, unknown>));
    writeSafetensors(join(tmp, component, file), gen.tensors, { format: 'pt' });
  };
  put('model_index.json', TINY_CONFIGS.model_index);
  build('unet', 'diffusion_pytorch_model.safetensors', (p, c) => new UNet2DConditionModel(p, parseUNetConfig(c)));
  build('vae', 'diffusion_pytorch_model.safetensors', (p, c) => new AutoencoderKL(p, parseVaeConfig(c)));
  build('text_encoder', 'model.safetensors', (p, c) => new ClipTextModel(p, parseClipTextConfig(c)));
  put('scheduler/scheduler_config.json', TINY_CONFIGS.scheduler);
  put('tokenizer/vocab.json', tokenizer.vocab);
  put('tokenizer/merges.txt', `#version: 0.2\n${tokenizer.merges.map(([a, b]) => `${a} ${b}`).join('\n')}\n`);
  put('tokenizer/tokenizer_config.json', TINY_CONFIGS.tokenizer);
  put('VERSION', String(DEFAULT_MODEL_VERSION));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, '..'), { recursive: true });
  renameSync(tmp, dir);
}

/** The default model's folder, built on first use (or when this build's version differs). */
export function ensureTinyModel(dir: string): string {
  const marker = join(dir, 'VERSION');
  const built = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : '';
  if (built !== String(DEFAULT_MODEL_VERSION)) writeTinyModel(dir);
  return dir;
}
