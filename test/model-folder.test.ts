import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CpuBackend } from '../src/backend/cpu/cpu.js';
import { Config } from '../src/io/config.js';
import { Weights } from '../src/io/weights.js';
import { writeSafetensors } from '../src/io/safetensors.js';
import { ModelFolder } from '../src/pipeline/model-folder.js';
import { StableDiffusion } from '../src/pipeline/text-to-image.js';
import { createScheduler } from '../src/schedulers/index.js';
import { requireFixtures, tempDir } from './helpers.js';

const fixtures = requireFixtures();
const cpu = new CpuBackend();

/** A writable copy of tiny-sd2 to break in one place. */
function copyModel(): string {
  const d = join(tempDir(), 'model');
  cpSync(join(fixtures, 'tiny-sd2'), d, { recursive: true });
  return d;
}

function editJson(path: string, edit: (j: Record<string, unknown>) => void): void {
  const j = JSON.parse(readFileSync(path, 'utf8'));
  edit(j);
  writeFileSync(path, JSON.stringify(j));
}

describe('model folders', () => {
  it('names a folder that does not exist', () => {
    assert.throws(() => ModelFolder.open('/nonexistent/model'), /model folder \/nonexistent\/model does not exist/);
  });

  it('names a missing model_index.json', () => {
    const d = copyModel();
    rmSync(join(d, 'model_index.json'));
    assert.throws(() => ModelFolder.open(d), /model_index\.json: file not found/);
  });

  it('names a missing component folder', () => {
    const d = copyModel();
    rmSync(join(d, 'vae'), { recursive: true });
    assert.throws(() => ModelFolder.open(d), /component folder "vae\/" is missing/);
  });

  it('names a component missing from model_index.json', () => {
    const d = copyModel();
    editJson(join(d, 'model_index.json'), (j) => delete j.unet);
    assert.throws(() => ModelFolder.open(d), /component "unet" is missing/);
  });

  it('names a missing config file', () => {
    const d = copyModel();
    rmSync(join(d, 'unet', 'config.json'));
    assert.throws(() => ModelFolder.open(d), /unet\/config\.json is missing/);
  });

  it('names a missing weights file', () => {
    const d = copyModel();
    rmSync(join(d, 'unet', 'diffusion_pytorch_model.safetensors'));
    assert.throws(() => ModelFolder.open(d).unet(cpu), /no weights in .*unet: expected diffusion_pytorch_model\.safetensors/);
  });

  it('names a missing config field', () => {
    const d = copyModel();
    editJson(join(d, 'unet', 'config.json'), (j) => delete j.block_out_channels);
    assert.throws(() => ModelFolder.open(d).unet(cpu), /unet\/config\.json: field "block_out_channels" is missing; expected a non-empty list of positive integers/);
  });

  it('names a config field of the wrong type', () => {
    const d = copyModel();
    editJson(join(d, 'text_encoder', 'config.json'), (j) => (j.hidden_act = 'relu'));
    assert.throws(() => ModelFolder.open(d).textEncoder(cpu), /field "hidden_act" is "relu"; expected one of gelu, quick_gelu/);
    editJson(join(d, 'vae', 'config.json'), (j) => (j.layers_per_block = 'two'));
    assert.throws(() => ModelFolder.open(d).vae(cpu), /field "layers_per_block" is "two"; expected a positive integer/);
  });

  it('names a config that disagrees with the weights', () => {
    const d = copyModel();
    editJson(join(d, 'unet', 'config.json'), (j) => (j.cross_attention_dim = 48));
    assert.throws(() => ModelFolder.open(d).unet(cpu), /attn2\.to_k\.weight" has shape \[32, 32\], the config implies \[32, 48\]/);
  });

  it('names an unknown scheduler', () => {
    const c = Config.read(join(fixtures, 'tiny-sd2', 'scheduler', 'scheduler_config.json'));
    assert.throws(() => createScheduler(c, 10, 'heun'), /unknown scheduler "heun"; known: ddim, dpmpp2m, euler, pndm/);
    assert.throws(() => createScheduler(new Config('x.json', { ...c.raw, _class_name: 'LMSDiscreteScheduler' }), 10), /unknown scheduler "LMSDiscreteScheduler"/);
    assert.throws(() => createScheduler(c, 0), /inference steps must be an integer from 1 to 1000, got 0/);
  });

  it('rejects a size not divisible by 8, naming it', () => {
    const sd = StableDiffusion.load(join(fixtures, 'tiny-sd2'), cpu);
    assert.throws(() => sd.generate({ prompt: 'x', steps: 1, width: 250, height: 256 }), /width 250 is not divisible by 8/);
    assert.throws(() => sd.generate({ prompt: 'x', steps: 1, width: 256, height: 200 }), /height 200 must be a multiple of 64 for this U-Net/);
    assert.throws(() => sd.generate({ prompt: 'x', steps: 1, width: 0, height: 256 }), /width must be a positive integer/);
  });

  it('reads sharded weights through an index, and names a bad index', () => {
    const d = tempDir();
    writeSafetensors(join(d, 'model-00001-of-00002.safetensors'), { a: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) } });
    writeSafetensors(join(d, 'model-00002-of-00002.safetensors'), { b: { dtype: 'F16', shape: [1], data: new Uint16Array([0x3c00]) } });
    const index = join(d, 'model.safetensors.index.json');
    writeFileSync(index, JSON.stringify({ weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' } }));
    const w = Weights.open(d);
    assert.deepEqual([...w.read('a', [2])], [1, 2]);
    assert.deepEqual([...w.read('b', [1])], [1]);
    assert.throws(() => w.read('c', [1]), /missing tensor "c"/);
    w.close();
    writeFileSync(index, JSON.stringify({ weight_map: { a: 'model-00002-of-00002.safetensors' } }));
    assert.throws(() => Weights.open(d), /tensor "a" is not in model-00002-of-00002/);
    writeFileSync(index, JSON.stringify({ weight_map: { a: '../evil.safetensors' } }));
    assert.throws(() => Weights.open(d), /shard name/);
  });
});
