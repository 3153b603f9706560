// A session's caches move between tiers (backend memory, host memory, disk) and come back exactly.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { CpuBackend } from '../src/backend/cpu/cpu.js';
import { ensureTinyModel } from '../src/default/tiny-model.js';
import { GenerationCache, HostTier, StepCache } from '../src/edit/cache.js';
import { EditSession } from '../src/edit/session.js';
import { readCache, writeCache } from '../src/edit/persist.js';
import { SafetensorsFile, writeSafetensors } from '../src/io/safetensors.js';
import type { Backend, HostBytes, Prefetched } from '../src/backend/backend.js';
import { fromFloat32, halfToFloat, floatToHalf } from '../src/tensor/dtype.js';
import { Tensor } from '../src/tensor/tensor.js';
import { StableDiffusion } from '../src/pipeline/text-to-image.js';
import { tempDir } from './helpers.js';

it('moves caches to host memory and to disk, brings them back transparently and exactly', () => {
  const sd = StableDiffusion.load(ensureTinyModel(join(tempDir('fisedit-home-'), 'tiny')), new CpuBackend());
  const s = new EditSession(sd);
  const gen = { prompt: 'a red cube', steps: 4, width: 64, height: 64 };
  const v0 = s.generate(gen);
  const mask = Uint8Array.from({ length: 64 }, (_, i) => (i % 8 < 4 ? 1 : 0));
  const v1 = s.edit('a blue cube', { mask });
  const before = s.memoryBytes();
  assert.ok(before > 0);

  assert.equal(s.toHost(), before, 'everything left the backend');
  assert.equal(s.memoryBytes(), 0);
  assert.ok(s.hostBytes() > 0);
  const hosted = s.hostBytes();
  const fromHost = s.edit('x', { mask: new Uint8Array(64), from: v1.id });
  assert.deepEqual(fromHost.latents, v1.latents, 'a host-tier cache comes back exactly');
  assert.equal(s.hostBytes(), hosted, 'the edited base stays in host memory (its steps were streamed)');
  assert.equal(s.memoryBytes(), fromHost.cache!.bytes(sd.backend).total, 'the backend holds the new version only');

  const dir = tempDir();
  s.offload(dir);
  assert.equal(s.memoryBytes() + s.hostBytes(), 0, 'everything is on disk');
  const again = s.edit('a blue cube', { mask, from: 0 });
  assert.deepEqual(again.latents, v1.latents, 'a disk-tier cache reads back exactly');

  s.toHost([0]);
  const onHost = s.hostBytes();
  s.checkout(0);
  assert.equal(s.hostBytes(), onHost, 'checking out a host-tier version leaves its cache there (edits stream it)');
  s.save(dir);
  const held = s.toDevice([0]);
  assert.ok(held > 0 && s.hostBytes() === 0, 'toDevice brings a host-tier cache back');
  assert.equal(s.edit('x', { mask: new Uint8Array(64), from: 0 }).latents.join(), v0.latents.join(), 'and it edits as before');
  const reopened = EditSession.load(dir, sd);
  assert.deepEqual(reopened.edit('x', { mask: new Uint8Array(64), from: 0 }).latents, v0.latents, 'a saved host-tier cache reopens');
});

it('the host tier keeps the bytes of a half-precision device as they are, and reads them as float32', () => {
  const values = Float32Array.from([0.1, -2.5, 65504, 1e-5, 3.14159]);
  const tier = new HostTier({ elementBytes: 2 } as Backend); // only the storage format is read here
  const stored = new Tensor([5], fromFloat32('F16', values));
  assert.equal(stored.storage.byteLength, 10, 'two bytes a value');
  assert.deepEqual(tier.toHost(stored), values.map((v) => halfToFloat(floatToHalf(v))));
});

/** The cpu backend, logging prefetches, readiness and disposals. */
class LoggingBackend extends CpuBackend {
  readonly log: string[] = [];
  override prefetch(items: readonly HostBytes[]): Prefetched {
    const p = super.prefetch(items);
    this.log.push(`prefetch ${items.length}`);
    return { tensors: p.tensors, ready: () => this.log.push('ready') };
  }
  override dispose(t: Tensor): void {
    this.log.push(`dispose ${t.shape.join('x')}`);
  }
}

it('streams a host-tier cache: step i + 1 is fetched before step i runs, step i leaves unless kept', () => {
  const ops = new LoggingBackend();
  const cache = new GenerationCache();
  for (let i = 0; i < 3; i++) {
    const step = new StepCache();
    step.tensors.set('conv', ops.fromHost(Float32Array.from([i, i + 0.5]), [2]));
    step.tensors.set('k', ops.fromHost(Float32Array.from([10 + i]), [1]));
    step.probs.set('attn', ops.fromHost(Float32Array.from([20 + i]), [1]));
    step.latents = Float32Array.from([i]);
    cache.steps.push(step);
  }
  const tier = new HostTier(ops);
  const stream = tier.stream(tier.store(cache), (i) => (i === 0 ? 'probs' : 'all'));
  const first = stream.at(0);
  assert.deepEqual(ops.log, ['prefetch 1', 'ready', 'prefetch 3'], 'step 0 (probabilities only), then step 1 on its way');
  assert.equal(first.tensors.size, 0);
  assert.deepEqual(ops.toHost(first.probs.get('attn')!), Float32Array.from([20]));
  stream.done(new StepCache());
  ops.log.length = 0;
  const second = stream.at(1);
  assert.deepEqual(ops.log, ['ready', 'prefetch 3']);
  assert.deepEqual(ops.toHost(second.tensors.get('conv')!), Float32Array.from([1, 1.5]));
  assert.deepEqual(second.latents, Float32Array.from([1]), 'host data is shared, not copied');
  const kept = new StepCache();
  kept.tensors.set('conv', second.tensors.get('conv')!); // the new version shares this buffer
  ops.log.length = 0;
  stream.done(kept);
  assert.deepEqual(ops.log, ['dispose 1', 'dispose 1'], 'k and attn leave the device, conv stays');
  ops.log.length = 0;
  stream.at(2);
  assert.deepEqual(ops.log, ['ready'], 'nothing after the last step');
});

it('refuses a cache file of an older layout, naming the formats', () => {
  const file = join(tempDir(), 'cache-0.safetensors');
  // format 1 recorded layer outputs without their residual sums, format 2 a resnet's first convolution
  // without its time embedding and its second norm's statistics without it too, format 3 that
  // convolution with it: reading any as format 4 would be wrong, silently
  writeSafetensors(file, { final: { dtype: 'F32', shape: [1], data: new Float32Array(1) } }, { format: 'fisedit-cache', steps: '0' });
  assert.throws(() => readCache(file, new CpuBackend()), /a cache of format 1, this build reads 4/);
  for (const version of ['2', '3']) {
    writeSafetensors(file, { final: { dtype: 'F32', shape: [1], data: new Float32Array(1) } }, { format: 'fisedit-cache', version, steps: '0' });
    assert.throws(() => readCache(file, new CpuBackend()), new RegExp(`a cache of format ${version}, this build reads 4`));
  }
});

it('writes GroupNorm sums as float64 and reads them back bit for bit; refuses sums of another type', () => {
  const ops = new CpuBackend();
  const x = ops.fromHost(Float32Array.from({ length: 2 * 3 * 5 * 8 }, (_, i) => Math.sin(i) * 3 + 1), [2, 3, 5, 8]);
  const one = ops.fromHost(new Float32Array(8).fill(1), [8]), zero = ops.fromHost(new Float32Array(8), [8]);
  const stats = ops.groupNormAffine(x, 4, one, zero, 1e-5);
  const cache = new GenerationCache();
  const step = new StepCache();
  step.norms.set('down.norm1', stats);
  step.latents = Float32Array.from([1, 2]);
  cache.steps.push(step);
  cache.final = Float32Array.from([3, 4]);
  const file = join(tempDir(), 'cache-0.safetensors');
  writeCache(file, cache, ops, ops.latents);
  const back = readCache(file, ops).steps[0]!.norms.get('down.norm1')!;
  assert.deepEqual(back.sums!.shape, stats.sums.shape);
  assert.deepEqual(ops.toBytes(back.sums!), ops.toBytes(stats.sums));
  assert.deepEqual(ops.toHost(back.scale), ops.toHost(stats.scale));
  const f = SafetensorsFile.open(file);
  assert.equal(f.info('s0.n.down.norm1.sums').dtype, 'F64');
  f.close();
  // sums written as float32 are not what this build records: refused by name
  writeSafetensors(file, {
    's0.n.down.norm1.scale': { dtype: 'F32', shape: [2, 8], data: ops.toHost(stats.scale) },
    's0.n.down.norm1.shift': { dtype: 'F32', shape: [2, 8], data: ops.toHost(stats.shift) },
    's0.n.down.norm1.sums': { dtype: 'F32', shape: [2, 3, 4, 2], data: new Float32Array(48) },
  }, { format: 'fisedit-cache', version: '4', steps: '1' });
  assert.throws(() => readCache(file, ops), /GroupNorm sums "s0.n.down.norm1.sums" are F32 \[2,3,4,2\], expected F64/);
});
