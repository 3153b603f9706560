// GPU memory running out during an edit: the kept dense recordings are given back and the edit
// runs again; if memory runs out again, the caches move to host memory and it runs once more; when
// that fails too, a clear error, and the session keeps every version it had.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import type { Conv2dOptions } from '../src/backend/backend.js';
import { CpuBackend } from '../src/backend/cpu/cpu.js';
import { ensureTinyModel } from '../src/default/tiny-model.js';
import { EditSession } from '../src/edit/session.js';
import { GpuOutOfMemory } from '../src/io/errors.js';
import { StableDiffusion } from '../src/pipeline/text-to-image.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { tempDir } from './helpers.js';

/** The cpu backend, with GPU memory that runs out on demand (as the cuda backend's pool reports it). */
class ExhaustibleBackend extends CpuBackend {
  /** Convolutions until memory runs out, then until it runs out again, ... (each counted from the last failure). */
  failures: number[] = [];
  /** Every allocation fails. */
  exhausted = false;
  disposed = 0;
  override conv2d(x: Tensor, w: Tensor, b: Tensor | undefined, opts?: Conv2dOptions, residual?: Tensor): Tensor {
    if (this.exhausted) throw new GpuOutOfMemory(64 * 2 ** 20, 2 ** 20, 2 ** 30);
    if (this.failures.length && --this.failures[0]! === 0) {
      this.failures.shift();
      throw new GpuOutOfMemory(64 * 2 ** 20, 2 ** 20, 2 ** 30);
    }
    return super.conv2d(x, w, b, opts, residual);
  }
  override dispose(t: Tensor): void {
    this.disposed++;
    super.dispose(t);
  }
}

const ops = new ExhaustibleBackend();
const sd = StableDiffusion.load(ensureTinyModel(join(tempDir('fisedit-home-'), 'tiny')), ops);
const gen = { prompt: 'a red cube', steps: 4, width: 64, height: 64 };
const mask = Uint8Array.from({ length: 64 }, (_, i) => (i % 8 < 4 ? 1 : 0));

const want = new EditSession(sd);
want.generate(gen);
const reference = want.edit('a blue cube', { mask }).latents;

it('out of GPU memory mid-edit once: the dense recordings are given back, the edit completes, the caches stay', () => {
  const s = new EditSession(sd);
  s.generate(gen);
  const held = s.memoryBytes();
  ops.failures = [40]; // in the middle of the edit's steps
  const disposed = ops.disposed;
  const v = s.edit('a blue cube', { mask });
  assert.deepEqual(ops.failures, [], 'memory ran out once');
  assert.ok(ops.disposed > disposed, 'the failed attempt gave its partial cache back');
  assert.deepEqual(v.latents, reference);
  assert.equal(s.hostBytes(), 0, 'no cache moved: giving back the recordings was enough');
  const seen = new Set<unknown>();
  s.versions[0]!.cache!.bytes(ops, seen);
  const displaced = s.cacheBytes().displaced;
  assert.ok(displaced > 0, 'the sparse steps wrote into the base in place, keeping what they displaced');
  assert.equal(s.memoryBytes(), held + v.cache!.bytes(ops, seen).total + displaced, "the new version's bytes, those it shares with its base counted once");
});

it('out of GPU memory mid-edit twice: the caches move to host memory and the edit completes, as it would have', () => {
  const s = new EditSession(sd);
  s.generate(gen);
  ops.failures = [40, 40];
  const v = s.edit('a blue cube', { mask });
  assert.deepEqual(ops.failures, [], 'memory ran out twice');
  assert.deepEqual(v.latents, reference);
  assert.ok(s.hostBytes() > 0, 'the base went to host memory');
  assert.equal(s.memoryBytes(), v.cache!.bytes(ops).total, 'the backend holds the new version only');
  assert.deepEqual(s.versions.map((x) => x.id), [0, 1]);
});

it('out of GPU memory even then: the error names it, and the session keeps its versions', async () => {
  const s = new EditSession(sd);
  s.generate(gen);
  ops.failures = [];
  ops.exhausted = true;
  assert.throws(() => s.edit('a blue cube', { mask }), (e: Error) => e instanceof GpuOutOfMemory && /GPU out of memory: asked for 64\.0 MiB/.test(e.message));
  await assert.rejects(s.editAsync('a blue cube', { mask }), GpuOutOfMemory);
  ops.exhausted = false;
  assert.deepEqual(s.versions.map((x) => x.id), [0], 'no version was added');
  assert.equal(s.current?.id, 0);
  const v = s.edit('a blue cube', { mask }); // and it still edits, from the host tier
  assert.deepEqual(s.versions.map((x) => x.id), [0, v.id]);
});
