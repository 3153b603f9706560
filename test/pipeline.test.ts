import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CpuBackend } from '../src/backend/cpu/cpu.js';
import { ensureTinyModel } from '../src/default/tiny-model.js';
import { readMaskSet } from '../src/io/fismask.js';
import { decodePng, encodePng } from '../src/io/png.js';
import { StableDiffusion } from '../src/pipeline/text-to-image.js';
import { requireFixtures, tempDir } from './helpers.js';
import { runCli } from './run-cli.js';

const home = tempDir('fisedit-home-');
const model = ensureTinyModel(join(home, 'tiny'));
const sd = StableDiffusion.load(model, new CpuBackend());
// small and few steps: these tests are about the pipeline's behaviour, the goldens about its numbers
const base = { prompt: 'a red cube', steps: 3, width: 128, height: 128 };

describe('text-to-image on the embedded default model', () => {
  it('builds the default model as a real diffusers folder', () => {
    for (const f of ['model_index.json', 'unet/config.json', 'unet/diffusion_pytorch_model.safetensors', 'vae/diffusion_pytorch_model.safetensors',
      'text_encoder/model.safetensors', 'tokenizer/vocab.json', 'tokenizer/merges.txt', 'scheduler/scheduler_config.json'])
      assert.ok(existsSync(join(model, f)), f);
    const ids = sd.tokenizer.encode('a red cube on a blue sphere').ids;
    assert.equal(ids.length, 77);
    assert.ok(sd.tokenizer.tokenize('red').length === 1, 'common words are single tokens');
  });

  it('is reproducible for a seed and changes with it', () => {
    const a = sd.generate({ ...base, seed: 5 });
    const b = sd.generate({ ...base, seed: 5 });
    const c = sd.generate({ ...base, seed: 6 });
    assert.deepEqual(a.latents, b.latents);
    assert.deepEqual(a.image, b.image);
    assert.notDeepEqual(a.latents, c.latents);
    assert.equal(a.image.length, 128 * 128 * 3);
    assert.ok(a.image.every((v) => v >= 0 && v <= 1));
  });

  it('decodes the latents where the backend keeps them, into a buffer made ahead when given', () => {
    const a = sd.generate({ ...base, seed: 5 });
    const x = sd.backend.latents.fromHost(a.latents), into = sd.imageBuffer([16, 16]);
    assert.deepEqual(sd.decode(x, [16, 16]), a.image);
    assert.equal(sd.decode(x, [16, 16], into), into);
    assert.deepEqual(into, a.image);
    assert.throws(() => sd.decode(x, [16, 16], new Float32Array(10)), /toHost: 10 values for shape \[1, 128, 128, 3\]/);
  });

  it('uses explicit initial latents instead of the seed', () => {
    const latents = sd.initialNoise(9, [16, 16]);
    assert.deepEqual(sd.generate({ ...base, latents }).latents, sd.generate({ ...base, seed: 9 }).latents);
    assert.throws(() => sd.generate({ ...base, latents: new Float32Array(10) }), /initial latents have 10 values; 128x128 needs 16x16x4/);
  });

  it('follows the prompt, the negative prompt, the guidance and the scheduler', () => {
    const ref = sd.generate({ ...base, seed: 1 }).latents;
    assert.notDeepEqual(sd.generate({ ...base, seed: 1, prompt: 'a blue house' }).latents, ref);
    assert.notDeepEqual(sd.generate({ ...base, seed: 1, negativePrompt: 'blurry' }).latents, ref);
    assert.notDeepEqual(sd.generate({ ...base, seed: 1, guidanceScale: 1 }).latents, ref);
    for (const scheduler of ['ddim', 'euler', 'pndm']) assert.notDeepEqual(sd.generate({ ...base, seed: 1, scheduler }).latents, ref, scheduler);
  });

  it('reports what a prompt past 77 tokens loses', () => {
    const r = sd.generate({ ...base, steps: 1, prompt: `${'cat '.repeat(76)}with a hat` });
    assert.deepEqual(r.truncated, ['cat', 'with', 'a', 'hat']);
  });
});

describe('fisedit command', () => {
  it('demo writes a PNG and says where', () => {
    const out = join(tempDir(), 'demo.png');
    const r = runCli(['demo', '--steps', '2', '--out', out], { FISEDIT_HOME: home });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`wrote ${out} \\(256x256, 2 steps`));
    const img = decodePng(readFileSync(out));
    assert.deepEqual([img.width, img.height, img.channels], [256, 256, 3]);
  });

  it('generate reads a model folder and the options', () => {
    const out = join(tempDir(), 'g.png');
    const r = runCli(['generate', '--model', model, '--prompt', 'a dog', '--steps', '1', '--width', '64', '--height', '128', '--scheduler', 'euler', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const img = decodePng(readFileSync(out));
    assert.deepEqual([img.width, img.height], [64, 128]);
  });

  it('answers bad input with a message and exit code 2', () => {
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command "frobnicate"/],
      [['generate', '--model', model], /generate needs --prompt/],
      [['generate', '--model', model, '--prompt', 'x', '--steps', 'many'], /--steps must be an integer, got "many"/],
      [['generate', '--model', model, '--prompt', 'x', '--width', '100'], /width 100 is not divisible by 8/],
      [['generate', '--model', model, '--prompt', 'x', '--scheduler', 'heun'], /unknown scheduler "heun"/],
      [['generate', '--model', '/no/such/model', '--prompt', 'x'], /model folder \/no\/such\/model does not exist/],
      [['generate', '--bogus'], /Unknown option '--bogus'/],
      [['generate', '--model', model, '--prompt', 'x', '--dtype', 'fp16'], /--dtype chooses the cuda precision; the cpu backend always computes in float32/],
      [['generate', '--model', model, '--prompt', 'x', '--device', 'cuda', '--dtype', 'fp8'], /--dtype must be one of fp16, tf32, fp32, got "fp8"/],
      [['generate', '--model', model, '--prompt', 'x', '--device', 'tpu'], /unknown device "tpu"/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args, { FISEDIT_HOME: home });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });

  it("plan counts a mask's MACs under the cpu backend's plan or the cuda backend's (blocks of one position where it gathers GEMM rows)", () => {
    const fixtures = requireFixtures();
    const dir = tempDir();
    // the ~5% mask of bench:edit (index 88 of masks-dev-300: 4.2%), as a 96 x 96 PNG
    const mask = readMaskSet(join(fixtures, '..', 'data', 'masks-dev-300.bin')).masks.find((m) => m.index === 88)!;
    const png = join(dir, 'mask.png');
    writeFileSync(png, encodePng({ width: 96, height: 96, channels: 1, data: mask.mask.map((v) => v * 255) }));
    const plan = (of?: string) => {
      const r = runCli(['plan', '--unet-config', join(fixtures, 'sd2-768-configs', 'unet', 'config.json'), '--size', '768', '--mask', png, '--json', ...(of ? ['--plan-of', of] : [])]);
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as { gmacSparse: number; gmacDense: number; denseFallbacks: number };
    };
    const cpu = plan(), cuda = plan('cuda');
    assert.deepEqual(plan('cpu'), cpu);
    assert.equal(cuda.gmacDense, cpu.gmacDense);
    // the 12 x 12 level went dense by APSC's gathered volume; by rows it computes its 40 active outputs
    assert.ok(cuda.gmacSparse < 0.7 * cpu.gmacSparse, `${cuda.gmacSparse} GMAC by the cuda plan against ${cpu.gmacSparse}`);
    assert.ok(cuda.denseFallbacks < cpu.denseFallbacks, `${cuda.denseFallbacks} dense fallbacks against ${cpu.denseFallbacks}`);
    const bad = runCli(['plan', '--unet-config', join(fixtures, 'sd2-768-configs', 'unet', 'config.json'), '--plan-of', 'tpu']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--plan-of must be cpu or cuda, got tpu/);
  });

  it('prints help', () => {
    const r = runCli(['help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /fisedit demo/);
  });
});
