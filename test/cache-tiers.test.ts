// A session's caches move between tiers (backend memory, host memory, disk) and come back exactly.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { CpuBackend } from '../src/backend/cpu/cpu.js';
import { ensureTinyModel } from '../src/default/tiny-model.js';
import { HostTier } from '../src/edit/cache.js';
import { EditSession } from '../src/edit/session.js';
import type { Backend } from '../src/backend/backend.js';
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
  assert.deepEqual(s.edit('x', { mask: new Uint8Array(64), from: v1.id }).latents, v1.latents, 'a host-tier cache comes back exactly');

  const dir = tempDir();
  s.offload(dir);
  assert.equal(s.memoryBytes() + s.hostBytes(), 0, 'everything is on disk');
  const again = s.edit('a blue cube', { mask, from: 0 });
  assert.deepEqual(again.latents, v1.latents, 'a disk-tier cache reads back exactly');

  s.toHost([0]);
  s.save(dir);
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
