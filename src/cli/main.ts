#!/usr/bin/env node
// The fisedit command line.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CpuBackend } from '../backend/cpu/cpu.js';
import { ensureTinyModel } from '../default/tiny-model.js';
import { FiseditError } from '../io/errors.js';
import { encodePng } from '../io/png.js';
import { StableDiffusion, toImage } from '../pipeline/text-to-image.js';
import { SCHEDULER_NAMES } from '../schedulers/index.js';
import { fixturesDir } from '../verify/fixtures.js';
import { GOLDEN_MODELS, runGolden } from '../verify/golden.js';
import { defaultModelDir } from './paths.js';
import { progressBar } from './progress.js';
import { DEVICE_HELP, backendOption, numberOption } from './options.js';
import { PLAN_HELP, planCommand } from './plan.js';
import { EDIT_HELP, editCommand } from './edit.js';
import { SERVE_HELP, serveCommand } from './serve.js';

const HELP = `fisedit: text-driven image generation and editing with Stable Diffusion

Usage:
  fisedit demo [options]              generate with the embedded tiny model (built on first use, no downloads)
  fisedit generate --prompt P [options]
                                      text-to-image with a diffusers model folder (or the embedded model)
  fisedit edit --prompt P0 --edit P1 [--edit P2 ...] --out-dir D [--mask auto|FILE.png]
                                      generate, then edit the prompt again and again (see fisedit edit --help)
  fisedit serve [--port 7860] [--data DIR] [--token T]
                                      the HTTP API and the web page (see fisedit serve --help)
  fisedit plan --unet-config FILE [--size PX] [--mask FILE.png]
                                      U-Net MACs per layer, dense and sparse (see fisedit plan --help)
  fisedit bench tiny|unet|edit|plan|load   the benchmarks (results under bench/results/)
  fisedit golden [--fixtures DIR] [--models tiny-sd2,tiny-sd15]
                                      check the engine against the reference fixtures
  fisedit help                        this text

Options for demo and generate:
  --model DIR            diffusers pipeline folder (model_index.json, unet/, vae/, text_encoder/,
                         tokenizer/, scheduler/); default: the embedded tiny model
  --prompt TEXT          what to draw (demo: "a red cube on a blue sphere")
  --negative-prompt TEXT what to steer away from (default: empty)
  --steps N              denoising steps (default: 50; demo: 20)
  --guidance G           classifier-free guidance scale (default 7.5; 1 turns it off)
  --width W, --height H  image size in pixels, multiples of 8 (default: the model's native size)
  --seed S               seed of the initial noise (default 0)
  --scheduler NAME       ${Object.keys(SCHEDULER_NAMES).join(', ')} (default: the model folder's)
  --out FILE             PNG to write (default: fisedit-demo.png / fisedit.png)
${DEVICE_HELP}

Environment: FISEDIT_HOME (where the embedded model is built, GPU kernels cached and cuDNN's measured
choices kept; default ~/.cache/fisedit), FISEDIT_CUDNN_CHOICES (that choices file),
FISEDIT_CUDNN_PLANS (the folder of cuDNN's compiled convolution plans),
FISEDIT_FIXTURES (the reference fixtures; default ../shared/fixtures beside the package).
`;

const GEN_OPTIONS = {
  model: { type: 'string' },
  prompt: { type: 'string' },
  'negative-prompt': { type: 'string' },
  steps: { type: 'string' },
  guidance: { type: 'string' },
  width: { type: 'string' },
  height: { type: 'string' },
  seed: { type: 'string' },
  scheduler: { type: 'string' },
  out: { type: 'string' },
  device: { type: 'string' },
  dtype: { type: 'string' },
} as const;


async function generateCommand(args: string[], demo: boolean): Promise<void> {
  const { values: v } = parseArgs({ args, options: GEN_OPTIONS, strict: true, allowPositionals: false });
  const prompt = v.prompt ?? (demo ? 'a red cube on a blue sphere' : undefined);
  if (prompt === undefined) throw new FiseditError('generate needs --prompt (see fisedit help)');
  let model = v.model;
  if (!model) {
    const dir = defaultModelDir();
    process.stderr.write(`embedded tiny model (random weights): ${dir}\n`);
    model = ensureTinyModel(dir);
  }
  const t0 = Date.now();
  const backend = await backendOption(v);
  const sd = StableDiffusion.load(resolve(model), backend, progressBar('loading'));
  process.stderr.write(`loaded ${model} in ${((Date.now() - t0) / 1000).toFixed(1)}s (${backend.name} backend)\n`);
  const steps = numberOption('steps', v.steps, true) ?? (demo ? 20 : 50);
  const result = sd.generate({
    prompt,
    negativePrompt: v['negative-prompt'] ?? '',
    steps,
    guidanceScale: numberOption('guidance', v.guidance, false) ?? 7.5,
    width: numberOption('width', v.width, true),
    height: numberOption('height', v.height, true),
    seed: numberOption('seed', v.seed, true) ?? 0,
    scheduler: v.scheduler,
    onStep: progressBar('denoising'),
  });
  if (result.truncated.length) process.stderr.write(`warning: the prompt is longer than the text encoder's 77 tokens; dropped: "${result.truncated.join(' ')}"\n`);
  const out = resolve(v.out ?? (demo ? 'fisedit-demo.png' : 'fisedit.png'));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, encodePng(toImage(result.image, result.width, result.height)));
  process.stdout.write(`wrote ${out} (${result.width}x${result.height}, ${steps} steps, ${((Date.now() - t0) / 1000).toFixed(1)}s)\n`);
}

function goldenCommand(args: string[]): number {
  const { values: v } = parseArgs({ args, options: { fixtures: { type: 'string' }, models: { type: 'string' } }, strict: true });
  const dir = v.fixtures ?? fixturesDir();
  if (!dir) throw new FiseditError('reference fixtures not found: set FISEDIT_FIXTURES or pass --fixtures (expected ../shared/fixtures beside the package)');
  const models = v.models ? v.models.split(',') : [...GOLDEN_MODELS];
  const { failed } = runGolden(dir, new CpuBackend(), (line) => process.stdout.write(`${line}\n`), models);
  return failed ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'demo':
        await generateCommand(rest, true);
        return 0;
      case 'generate':
        await generateCommand(rest, false);
        return 0;
      case 'golden':
        return goldenCommand(rest);
      case 'edit':
        if (rest.includes('--help')) process.stdout.write(EDIT_HELP);
        else await editCommand(rest);
        return 0;
      case 'serve':
        if (rest.includes('--help')) process.stdout.write(SERVE_HELP);
        else await serveCommand(rest);
        return 0;
      case 'bench': {
        const which = rest[0] ?? 'tiny';
        const scripts: Record<string, string> = { tiny: 'tiny-unet', unet: 'unet', edit: 'edit', plan: 'plan-masks', load: 'load' };
        if (!scripts[which]) throw new FiseditError(`unknown benchmark "${which}" (tiny: the tiny U-Net on the CPU; unet: SD 2 U-Net on the GPU; edit: FISEdit sparse steps on the GPU; plan: MACs over masks-dev-300; load: the server under load)`);
        process.argv.splice(2, 2, ...rest.slice(1)); // the benchmark reads its own arguments
        await import(new URL(`../../bench/${scripts[which]}.js`, import.meta.url).href);
        return 0;
      }
      case 'plan':
        if (rest.includes('--help')) process.stdout.write(PLAN_HELP);
        else planCommand(rest);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        return command === undefined ? 1 : 0;
      default:
        throw new FiseditError(`unknown command "${command}" (commands: demo, generate, edit, serve, plan, bench, golden, help)`);
    }
  } catch (e) {
    const known = e instanceof FiseditError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`fisedit: ${known ? (e as Error).message : (e as Error).stack}\n`);
    return known ? 2 : 3;
  }
}

process.exitCode = await main(process.argv.slice(2));
