// Text-to-image as diffusers' StableDiffusionPipeline computes it: encode the prompt and the
// negative prompt, start from seeded (or given) noise scaled by the scheduler, and at each step
// run the U-Net on [unconditional, conditional], mix the two with the guidance scale and let the
// scheduler advance the latents; finally decode with the VAE.
import type { Backend } from '../backend/backend.js';
import type { KeepOutside } from '../backend/keep-outside.js';
import type { Latent } from '../backend/latents.js';
import { FiseditError } from '../io/errors.js';
import type { Image } from '../io/png.js';
import type { ClipTextModel } from '../models/clip-text.js';
import type { UNet2DConditionModel } from '../models/unet.js';
import type { TextKeysValues } from '../models/attention.js';
import type { AutoencoderKL } from '../models/vae.js';
import { createScheduler, type Scheduler } from '../schedulers/index.js';
import type { ClipTokenizer } from '../text/clip-tokenizer.js';
import { Tensor } from '../tensor/tensor.js';
import { Random } from '../util/random.js';
import type { Config } from '../io/config.js';
import { ModelFolder } from './model-folder.js';

export interface GenerateOptions {
  prompt: string;
  negativePrompt?: string;
  steps?: number;
  guidanceScale?: number;
  width?: number;
  height?: number;
  /** Seed of the initial noise (ignored when `latents` is given). */
  seed?: number;
  /** Explicit initial latents, channels-last [h, w, 4] for one image, before scaling by the scheduler's sigma. */
  latents?: Float32Array;
  /** Scheduler name (ddim, dpmpp2m, euler, pndm, or a diffusers class name); the folder's by default. */
  scheduler?: string;
  /** Called as each step is queued (the cuda backend may still be computing it: the host does not wait). */
  onStep?: (step: number, steps: number) => void;
}

export interface Generation {
  /** Final latents, channels-last [h, w, 4]. */
  latents: Float32Array;
  latentSize: [number, number];
  /** The decoded image in [0, 1], channels-last [H, W, 3]. */
  image: Float32Array;
  width: number;
  height: number;
  /** Prompt tokens that did not fit into the text encoder's 77 positions. */
  truncated: string[];
}

/** One U-Net call: sample [N, h, w, C], sinusoidal timestep embedding [N, C0], the text's keys and values -> model output. */
export type UNetCall = (sample: Tensor, times: Tensor, text: TextKeysValues) => Tensor;

export class StableDiffusion {
  /** The U-Net's cross-attention keys and values of each text context, kept while the context is. */
  private readonly textKV = new WeakMap<Tensor, TextKeysValues>();

  constructor(
    readonly backend: Backend,
    readonly tokenizer: ClipTokenizer,
    readonly textEncoder: ClipTextModel,
    readonly unet: UNet2DConditionModel,
    readonly vae: AutoencoderKL,
    readonly schedulerConfig: Config,
  ) {}

  /** Loads a diffusers folder; onProgress hears of each component as it is read. */
  static load(dir: string, backend: Backend, onProgress?: (done: number, total: number) => void): StableDiffusion {
    const folder = ModelFolder.open(dir);
    const step = <T>(i: number, f: () => T): T => {
      const r = f();
      onProgress?.(i, 4);
      return r;
    };
    const tokenizer = step(1, () => folder.tokenizer());
    const textEncoder = step(2, () => folder.textEncoder(backend));
    const unet = step(3, () => folder.unet(backend));
    const vae = step(4, () => folder.vae(backend));
    return new StableDiffusion(backend, tokenizer, textEncoder, unet, vae, folder.config('scheduler'));
  }

  get latentChannels(): number {
    return this.unet.config.inChannels;
  }

  /** Default image side: the U-Net's sample size times the VAE factor (e.g. 768 for SD 2). */
  get defaultSize(): number {
    return this.unet.config.sampleSize * this.vae.downFactor;
  }

  /** Text embeddings of the prompts, one batch item each: [n, 77, C]. */
  encodeText(prompts: readonly string[]): { context: Tensor; truncated: string[][] } {
    const encoded = prompts.map((p) => this.tokenizer.encode(p));
    const ids = new Int32Array(encoded.length * this.tokenizer.length);
    encoded.forEach((e, i) => ids.set(e.ids, i * this.tokenizer.length));
    const ops = this.backend, encoder = this.textEncoder;
    // the layers as one replayable call (the cuda backend: a CUDA graph): run eagerly, their ~330
    // launches kept the host 6.3 ms for 2.4 ms of GPU work, ahead of every edit's first step
    // (bench/results/2026-12-04-s64-call2.log)
    const context = ops.tidy(() => ops.keep(ops.replayable(`${encoder.instance} layers`, [encoder.embed(ids, prompts.length)], (x) => [encoder.encode(x)])[0]!));
    return { context, truncated: encoded.map((e) => e.truncated) };
  }

  /** A scheduler whose steps compute with the backend's latents (on the cuda backend, on the device). */
  /** The U-Net's cross-attention keys and values of a text context: computed at its first step, then reused. */
  textKeysValues(context: Tensor): TextKeysValues {
    let kv = this.textKV.get(context);
    if (!kv) {
      const ops = this.backend, unet = this.unet;
      kv = ops.tidy(() => {
        // one replayable call (the cuda backend: a CUDA graph) where the attentions' GEMMs ran eagerly
        // before a new prompt's first step (0.5-1.3 ms of host time, bench/results/2026-12-04-s64-call{3,4}.log)
        const tensors = ops.replayable(`${unet.instance} text keys values`, [context], (c) => unet.textKeysValues(c).tensors());
        for (const t of tensors) ops.keep(t);
        return unet.textKeysValuesOf(tensors);
      });
      this.textKV.set(context, kv);
    }
    return kv;
  }

  scheduler(steps: number, name?: string): Scheduler {
    return createScheduler(this.schedulerConfig, steps, name, this.backend.latents);
  }

  /** Checks size options and returns the latent size. */
  latentSize(width: number, height: number): [number, number] {
    const f = this.vae.downFactor;
    const unetFactor = 2 ** (this.unet.config.blockOutChannels.length - 1);
    for (const [name, v] of [['width', width], ['height', height]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new FiseditError(`${name} must be a positive integer, got ${v}`);
      if (v % f) throw new FiseditError(`${name} ${v} is not divisible by ${f} (the VAE's downsampling factor)`);
      if ((v / f) % unetFactor) throw new FiseditError(`${name} ${v} must be a multiple of ${f * unetFactor} for this U-Net (${unetFactor} levels of downsampling in latent space)`);
    }
    return [height / f, width / f];
  }

  /** The scheduler's starting latents from noise (noise * initNoiseSigma), where the backend keeps latents. */
  initialLatents(noise: Float32Array, scheduler: Scheduler): Latent {
    return this.backend.latents.fromHost(noise.map((v) => v * scheduler.initNoiseSigma));
  }

  /** Seeded initial noise, channels-last [h, w, C] (drawn in PyTorch's NCHW order). */
  initialNoise(seed: number, [h, w]: [number, number]): Float32Array {
    const c = this.latentChannels;
    const planar = new Random(seed).normal(c * h * w);
    const out = new Float32Array(planar.length);
    for (let ch = 0; ch < c; ch++) for (let i = 0; i < h * w; i++) out[i * c + ch] = planar[ch * h * w + i]!;
    return out;
  }

  /**
   * One classifier-free-guided model output at step i, uncond + g * (cond - uncond), computed where
   * the backend keeps the latents (the host waits for nothing). `call` runs the U-Net on (sample,
   * timestep embedding, text context) when the caller needs a step of its own (FISEdit's recording
   * and sparse steps); by default a dense step, which the backend may record and replay.
   */
  guidedOutput(scheduler: Scheduler, i: number, x: Latent, context: Tensor, guidance: number, [h, w]: [number, number], call?: UNetCall): Latent {
    const ops = this.backend;
    const text = this.textKeysValues(context);
    return ops.tidy(() => {
      const t = scheduler.timesteps[i]!;
      const items = context.shape[0]!;
      const sample = ops.latents.sample(x, [h, w, this.latentChannels], items, scheduler.inputScale(i));
      const times = this.unet.timestepEmbedding(Array<number>(items).fill(t));
      // a plain dense step is the same device work every time: the backend may replay it (a CUDA graph)
      const noise = call
        ? call(sample, times, text)
        : ops.replayable(this.unet.instance, [sample, times, ...text.tensors()], (s, e, ...kv) => [this.unet.forwardEmbedded(s, e, text.withTensors(kv))])[0]!;
      return ops.latents.guide(noise, guidance);
    });
  }

  generate(o: GenerateOptions): Generation {
    const steps = o.steps ?? 50;
    const guidance = o.guidanceScale ?? 7.5;
    const width = o.width ?? this.defaultSize, height = o.height ?? this.defaultSize;
    const size = this.latentSize(width, height);
    if (!Number.isFinite(guidance)) throw new FiseditError(`guidance scale must be a number, got ${o.guidanceScale}`);
    const scheduler = this.scheduler(steps, o.scheduler);
    const noise = o.latents ?? this.initialNoise(o.seed ?? 0, size);
    if (noise.length !== size[0] * size[1] * this.latentChannels)
      throw new FiseditError(`initial latents have ${noise.length} values; ${height}x${width} needs ${size[0]}x${size[1]}x${this.latentChannels}`);
    // diffusers skips the unconditional pass when guidance is off (scale <= 1)
    const prompts = guidance > 1 ? [o.negativePrompt ?? '', o.prompt] : [o.prompt];
    const { context, truncated } = this.encodeText(prompts);
    let x = this.initialLatents(noise, scheduler);
    for (let i = 0; i < scheduler.timesteps.length; i++) {
      x = scheduler.step(this.guidedOutput(scheduler, i, x, context, guidance, size), i, x);
      o.onStep?.(i + 1, scheduler.timesteps.length);
    }
    const image = this.imageBuffer(size); // while the GPU still runs the steps
    const latents = this.backend.latents.toHost(x);
    return { latents, latentSize: size, image: this.decode(x, size, image), width, height, truncated: truncated[truncated.length - 1]! };
  }

  /**
   * Host memory for the image of latents of `size`, its pages already touched. A fresh 768 px image
   * (7 MiB) written first by the decode's download cost an edit 3.2-4.5 ms of page faults (session 62,
   * call 5); made while the GPU still runs the steps before the decode, it costs the user nothing.
   * The backend's host buffer: page-locked on the cuda backend, where the download lands by DMA
   * rather than through a staging buffer and a host copy of the whole image (a 768 px edit's decode
   * 12.07-12.11 -> 10.94-11.00 ms, bench/results/2026-12-04-s65-call3.log).
   */
  imageBuffer([h, w]: [number, number]): Float32Array {
    const f = this.vae.downFactor, n = h * f * w * f * this.vae.config.outChannels;
    const bytes = this.backend.hostBuffer(n * 4);
    return new Float32Array(bytes.buffer, bytes.byteOffset, n).fill(0);
  }

  /**
   * Latents [h, w, C], where the backend keeps them -> image in [0, 1], [H, W, 3] (into `into`, from
   * imageBuffer, when given); with `outside`, another image's pixels outside a region (an edit's base).
   */
  decode(x: Latent, [h, w]: [number, number], into?: Float32Array, outside?: KeepOutside): Float32Array {
    const ops = this.backend;
    return ops.tidy(() => {
      // the decoder's input, x / scaling factor, made where the latents are: a round trip through the
      // host cost an edit's decode 1.3-5.0 ms at 768 px (session 62, call 3)
      const z = ops.latents.sample(x, [h, w, this.latentChannels], 1, 1 / this.vae.config.scalingFactor);
      // the same device work at every decode of a size: the backend may record it once and replay it
      // (the cuda backend: one CUDA graph, whose activation memory it keeps for the next decode)
      // [-1, 1] -> [0, 1] where the image is (on the host it was a loop of 7-9 ms at 768 px, H200 machine)
      return ops.toHost(ops.replayable(`${this.vae.instance} decode`, [z], (x) => [ops.unitRange(this.vae.decode(x))])[0]!, into, outside);
    });
  }
}

/** [0, 1] floats -> 8-bit image, rounding as diffusers' numpy_to_pil does. */
export function toImage(pixels: Float32Array, width: number, height: number): Image {
  const data = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) data[i] = Math.round(pixels[i]! * 255);
  return { width, height, channels: 3, data };
}
