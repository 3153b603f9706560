// A Stable Diffusion pipeline folder in the diffusers layout: model_index.json naming the
// components, and one folder per component with its config and weights.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../backend/backend.js';
import { Config } from '../io/config.js';
import { FiseditError } from '../io/errors.js';
import { Weights } from '../io/weights.js';
import { ClipTextModel, parseClipTextConfig } from '../models/clip-text.js';
import { Params } from '../models/params.js';
import { UNet2DConditionModel, parseUNetConfig } from '../models/unet.js';
import { AutoencoderKL, parseVaeConfig } from '../models/vae.js';
import { ClipTokenizer } from '../text/clip-tokenizer.js';

export const COMPONENTS = {
  unet: { file: 'config.json', cls: 'UNet2DConditionModel' },
  vae: { file: 'config.json', cls: 'AutoencoderKL' },
  text_encoder: { file: 'config.json', cls: 'CLIPTextModel' },
  tokenizer: { file: undefined, cls: 'CLIPTokenizer' },
  scheduler: { file: 'scheduler_config.json', cls: undefined },
} as const;

export type Component = keyof typeof COMPONENTS;

export class ModelFolder {
  private constructor(readonly dir: string, readonly index: Config) {}

  /** Checks the folder's layout (index, component folders, configs) without reading weights. */
  static open(dir: string): ModelFolder {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new FiseditError(`model folder ${dir} does not exist`);
    const index = Config.read(join(dir, 'model_index.json'));
    const folder = new ModelFolder(dir, index);
    for (const [name, spec] of Object.entries(COMPONENTS)) {
      const entry = index.raw[name];
      if (!Array.isArray(entry) || entry.length !== 2 || entry[1] === null)
        throw new FiseditError(`${index.source}: component "${name}" is missing (expected ["library", "${spec.cls ?? 'SchedulerClass'}"])`);
      if (spec.cls && entry[1] !== spec.cls && !(name === 'tokenizer' && entry[1] === 'CLIPTokenizerFast'))
        throw new FiseditError(`${index.source}: component "${name}" is ${entry[1]}; only ${spec.cls} is supported`);
      const sub = join(dir, name);
      if (!existsSync(sub)) throw new FiseditError(`model folder ${dir}: component folder "${name}/" is missing`);
      if (spec.file && !existsSync(join(sub, spec.file))) throw new FiseditError(`model folder ${dir}: ${name}/${spec.file} is missing`);
    }
    return folder;
  }

  config(component: Component): Config {
    const file = COMPONENTS[component].file;
    if (!file) throw new Error(`${component} has no config file`);
    return Config.read(join(this.dir, component, file));
  }

  tokenizer(): ClipTokenizer {
    return ClipTokenizer.fromFolder(join(this.dir, 'tokenizer'));
  }

  private load<M>(component: Component, backend: Backend, make: (p: Params, c: Config) => M): M {
    const config = this.config(component);
    const weights = Weights.open(join(this.dir, component));
    try {
      return make(new Params(backend, weights), config);
    } finally {
      weights.close();
    }
  }

  unet(backend: Backend): UNet2DConditionModel {
    return this.load('unet', backend, (p, c) => new UNet2DConditionModel(p, parseUNetConfig(c)));
  }

  vae(backend: Backend): AutoencoderKL {
    return this.load('vae', backend, (p, c) => new AutoencoderKL(p, parseVaeConfig(c)));
  }

  textEncoder(backend: Backend): ClipTextModel {
    return this.load('text_encoder', backend, (p, c) => new ClipTextModel(p, parseClipTextConfig(c)));
  }
}
