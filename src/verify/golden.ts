// The golden checks: everything the reference Python stack computed for the tiny pipelines
// (../shared/fixtures), recomputed here and compared, one row per check.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../backend/backend.js';
import { Config } from '../io/config.js';
import { SafetensorsFile } from '../io/safetensors.js';
import { ModelFolder } from '../pipeline/model-folder.js';
import { StableDiffusion } from '../pipeline/text-to-image.js';
import { createScheduler } from '../schedulers/index.js';
import { hostLatentMath } from '../backend/latents.js';
import { nchwToNhwc, nhwcToNchw, type Tensor } from '../tensor/tensor.js';
import { compare, maxAbsDiff, type Comparison } from './compare.js';

/** Tolerances of ../shared/fixtures/README.md. */
export const TOLERANCE = { text: 1e-4, unet: 1e-4, vae: 1e-3, scheduler: 1e-5, latents: 1e-3, image: 2 / 255 };

export const GOLDEN_MODELS = ['tiny-sd2', 'tiny-sd15'] as const;

type Report = (c: Comparison) => void;
export type ToleranceKind = keyof typeof TOLERANCE;
/** The bound a check is held to, given the reference values (default: the fixture tolerances). */
export type Tolerance = (kind: ToleranceKind, want: ArrayLike<number>) => number;
const fixtureTolerance: Tolerance = (kind) => TOLERANCE[kind];

/**
 * fp16 storage's stated bounds: a fraction of the reference's largest magnitude (at least 1). Half
 * precision keeps 11 significant bits (4.9e-4 relative per rounding); these bounds allow the
 * roundings of a whole network, measured on the H200 (README, "fp16 precision").
 */
export const FP16_RELATIVE: Record<ToleranceKind, number> = { text: 1e-2, unet: 1e-2, vae: 1e-2, scheduler: 1e-5, latents: 2e-2, image: 2e-2 };
export const fp16Tolerance: Tolerance = (kind, want) => {
  let m = 1;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(want[i]!));
  return FP16_RELATIVE[kind] * m;
};

const nchw = (ops: Backend, t: Tensor) => nhwcToNchw(ops.toHost(t), t.shape);
const nhwcShape = ([n, c, h, w]: readonly number[]) => [n!, h!, w!, c!];

export function checkTokenizers(dir: string, models: readonly string[], report: Report): void {
  const cases = (JSON.parse(readFileSync(join(dir, 'golden_tokenizer.json'), 'utf8')) as {
    cases: { prompt: string; input_ids_padded77: number[]; input_ids_untruncated: number[] }[];
  }).cases;
  for (const m of models) {
    const tok = ModelFolder.open(join(dir, m)).tokenizer();
    cases.forEach((c, i) => {
      const full = [tok.bos, ...tok.tokenize(c.prompt), tok.eos];
      const padded = [...tok.encode(c.prompt).ids];
      const diff = Math.max(maxAbsDiff(padded, c.input_ids_padded77), maxAbsDiff(full, c.input_ids_untruncated));
      report({ what: `${m} tokenizer #${i + 1} ${JSON.stringify(c.prompt.slice(0, 28))}`, maxAbs: diff, tolerance: 0, ok: diff === 0 });
    });
  }
}

export function checkSchedulers(dir: string, report: Report): void {
  const g = SafetensorsFile.open(join(dir, 'golden_schedulers.safetensors'));
  try {
    const base = JSON.parse(g.metadata.config ?? '{}') as Record<string, unknown>;
    const noise = g.readFloat32('input.noise'), x0 = g.readFloat32('input.x0');
    // DDIM and PNDM as Stable Diffusion configures them; Euler and DPM-Solver++ with diffusers' defaults.
    const sd = { steps_offset: 1, clip_sample: false, set_alpha_to_one: false, skip_prk_steps: true };
    const classes = { ddim: ['DDIMScheduler', sd], dpmpp2m: ['DPMSolverMultistepScheduler', {}], euler: ['EulerDiscreteScheduler', {}], pndm: ['PNDMScheduler', sd] } as const;
    for (const [name, [cls, extra]] of Object.entries(classes))
      for (const prediction of ['epsilon', 'v_prediction'])
        for (const steps of [10, 25, 50]) {
          const key = `${name}.${prediction}.${steps}`;
          const s = createScheduler(new Config(`golden ${key}`, { _class_name: cls, ...base, ...extra, prediction_type: prediction }), steps);
          let x: Float32Array = noise.map((v) => v * s.initNoiseSigma);
          s.timesteps.forEach((t, i) => {
            const scale = s.inputScale(i);
            const out = x.map((v, k) => 0.3 * Math.fround(v * scale) + 0.5 * x0[k]! * Math.cos(t / 1000));
            x = hostLatentMath.toHost(s.step(out, i, x));
          });
          const want = g.readFloat32(`${key}.final`);
          // float32 trajectories: the bound scales with the values' magnitude (they reach ~17 in epsilon mode)
          const scale = Math.max(1, ...want.map(Math.abs));
          const tsDiff = maxAbsDiff(s.timesteps, g.readFloat32(`${key}.timesteps`));
          const c = compare(`scheduler ${key}`, x, want, TOLERANCE.scheduler * scale);
          report(tsDiff === 0 ? c : { ...c, ok: false, detail: `timesteps differ by ${tsDiff}` });
        }
  } finally {
    g.close();
  }
}

export function checkModel(dir: string, model: string, backend: Backend, report: Report, tol: Tolerance = fixtureTolerance): void {
  const g = SafetensorsFile.open(join(dir, `golden_${model}.safetensors`));
  const ops = backend;
  const check = (what: string, got: ArrayLike<number>, want: ArrayLike<number>, kind: ToleranceKind) => report(compare(what, got, want, tol(kind, want)));
  try {
    const folder = ModelFolder.open(join(dir, model));
    const read = (k: string) => g.readFloat32(k);
    const image = (k: string) => ops.fromHost(nchwToNhwc(read(k), g.info(k).shape), nhwcShape(g.info(k).shape));

    const te = folder.textEncoder(ops);
    const hidden = te.forward(new Int32Array(read('text.input_ids')), 2);
    check(`${model} text encoder`, ops.toHost(hidden), read('text.last_hidden_state'), 'text');

    const unet = folder.unet(ops);
    for (const size of ['32', '24']) {
      const acts: [string, Tensor][] = [];
      const ctx = ops.fromHost(read(`unet.${size}.encoder_hidden_states`), g.info(`unet.${size}.encoder_hidden_states`).shape);
      const out = unet.forward(image(`unet.${size}.sample`), [...read(`unet.${size}.timestep`)], ctx, size === '32' ? { tap: (n, t) => acts.push([n, t]) } : {});
      for (const [n, t] of acts) check(`${model} unet 32x32 ${n}`, nchw(ops, t), read(`unet.32.act.${n}`), 'unet');
      check(`${model} unet ${size}x${size} output`, nchw(ops, out), read(`unet.${size}.out`), 'unet');
    }

    const vae = folder.vae(ops);
    check(`${model} vae decode`, nchw(ops, vae.decode(image('vae.decode.z'))), read('vae.decode.out'), 'vae');
    const post = vae.encode(image('vae.encode.image'));
    check(`${model} vae encode mean`, nchw(ops, post.mean), read('vae.encode.mean'), 'vae');
    check(`${model} vae encode logvar`, nchw(ops, post.logvar), read('vae.encode.logvar'), 'vae');

    const m = g.metadata;
    const sd = new StableDiffusion(ops, folder.tokenizer(), te, unet, vae, folder.config('scheduler'));
    const inShape = g.info('pipeline.latents_in').shape;
    const result = sd.generate({
      prompt: m['pipeline.prompt'] ?? '',
      negativePrompt: m['pipeline.negative_prompt'] ?? '',
      steps: Number(m['pipeline.steps']),
      guidanceScale: Number(m['pipeline.guidance_scale']),
      width: Number(m['pipeline.width']),
      height: Number(m['pipeline.height']),
      latents: nchwToNhwc(read('pipeline.latents_in'), inShape),
    });
    check(`${model} pipeline latents`, nhwcToNchw(result.latents, nhwcShape(inShape)), read('pipeline.latents_out'), 'latents');
    check(`${model} pipeline image`, result.image, read('pipeline.image_out'), 'image');
  } finally {
    g.close();
  }
}

export interface GoldenSummary {
  rows: Comparison[];
  passed: number;
  failed: number;
}

/** Runs every golden check; `print` gets each row as it completes. */
export function runGolden(dir: string, backend: Backend, print: (line: string) => void = () => {}, models: readonly string[] = GOLDEN_MODELS, tol: Tolerance = fixtureTolerance): GoldenSummary {
  const rows: Comparison[] = [];
  const report: Report = (c) => {
    rows.push(c);
    print(formatRow(c));
  };
  const guard = (what: string, f: () => void) => {
    try {
      f();
    } catch (e) {
      report({ what, maxAbs: Infinity, tolerance: 0, ok: false, detail: (e as Error).message });
    }
  };
  const present = models.filter((m) => existsSync(join(dir, m)));
  for (const m of models) if (!present.includes(m)) report({ what: `${m} fixture`, maxAbs: Infinity, tolerance: 0, ok: false, detail: `missing ${join(dir, m)}` });
  guard('tokenizer', () => checkTokenizers(dir, present, report));
  guard('schedulers', () => checkSchedulers(dir, report));
  for (const m of present) guard(`${m} model`, () => checkModel(dir, m, backend, report, tol));
  const passed = rows.filter((r) => r.ok).length;
  print(`golden: ${passed} passed, ${rows.length - passed} failed`);
  return { rows, passed, failed: rows.length - passed };
}

export function formatRow(c: Comparison): string {
  const status = c.ok ? 'ok  ' : 'FAIL';
  const err = Number.isFinite(c.maxAbs) ? c.maxAbs.toExponential(2) : String(c.maxAbs);
  return `${status} ${c.what.padEnd(58)} max abs ${err.padStart(9)}  tol ${c.tolerance.toExponential(1)}${c.detail ? `  (${c.detail})` : ''}`;
}
