// What the benches of the full-size SD 2 pipeline share: the pipeline from sd2-768-configs with
// random weights (and the embedded tiny model's tokenizer), the prompt and the whole-edit set of
// bench:edit, and a summary of the automatic mask's level histogram.
import { join } from 'node:path';
import type { Backend } from '../src/backend/backend.js';
import { ensureTinyModel } from '../src/default/tiny-model.js';
import { Config } from '../src/io/config.js';
import { ClipTextModel, parseClipTextConfig } from '../src/models/clip-text.js';
import { Params } from '../src/models/params.js';
import { UNet2DConditionModel, parseUNetConfig } from '../src/models/unet.js';
import { AutoencoderKL, parseVaeConfig } from '../src/models/vae.js';
import { StableDiffusion } from '../src/pipeline/text-to-image.js';
import { ClipTokenizer } from '../src/text/clip-tokenizer.js';
import { fixturesDir } from '../src/verify/fixtures.js';
import { RANDOM_WEIGHTS } from './random-weights.js';

/** The model's configs, no weights: FISEDIT_SD2_CONFIGS, else the fixtures' sd2-768-configs. */
export function sd2Configs(): string {
  const fixtures = fixturesDir();
  const configs = process.env.FISEDIT_SD2_CONFIGS ?? (fixtures ? join(fixtures, 'sd2-768-configs') : undefined);
  if (!configs) throw new Error('sd2-768-configs not found: set FISEDIT_SD2_CONFIGS or FISEDIT_FIXTURES');
  return configs;
}

/** The embedded tiny model's tokenizer (SD 2's vocabulary is not in the fixtures). */
export function benchTokenizer(): ClipTokenizer {
  return ClipTokenizer.fromFolder(join(ensureTinyModel(join(process.env.FISEDIT_HOME ?? '/tmp/fisedit-bench', 'tiny')), 'tokenizer'));
}

/** SD 2 (text encoder, U-Net, VAE) on `backend` with random weights. */
export function randomSd2(backend: Backend, unet?: UNet2DConditionModel): StableDiffusion {
  const configs = sd2Configs(), params = new Params(backend, RANDOM_WEIGHTS);
  const read = (part: string) => Config.read(join(configs, part, part === 'scheduler' ? 'scheduler_config.json' : 'config.json'));
  return new StableDiffusion(
    backend, benchTokenizer(),
    new ClipTextModel(params, parseClipTextConfig(read('text_encoder'))),
    unet ?? new UNet2DConditionModel(params, parseUNetConfig(read('unet'))),
    new AutoencoderKL(params, parseVaeConfig(read('vae'))),
    read('scheduler'),
  );
}

/** The base prompt of bench:edit's sessions. */
export const BASE_PROMPT = 'a dog sitting on the sofa';

/** bench:edit's whole edits: a prompt each and the automatic mask's target size. */
export const WHOLE_EDITS: readonly { prompt: string; targetSize: number }[] = [
  { prompt: 'a cat sitting on the sofa', targetSize: 0.05 },
  { prompt: 'a dog sitting on the sofa with a hat', targetSize: 0.05 },
  { prompt: 'a dog sitting on the grass', targetSize: 0.15 },
  { prompt: 'a wolf sitting on the sofa', targetSize: 0.3 },
];

/** A level histogram in brief: the share of pixels at the lowest level present, and how many levels are present. */
export function histogramSummary(counts: Float64Array): { lowest: number; atLowestShare: number; levelsPresent: number } {
  const total = counts.reduce((a, b) => a + b, 0), lowest = counts.findIndex((c) => c > 0);
  return { lowest, atLowestShare: +(counts[lowest]! / total).toFixed(4), levelsPresent: counts.filter((c) => c > 0).length };
}
