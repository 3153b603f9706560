// Releasing a version or moving its cache off the backend gives the backend's memory back at once,
// and never a buffer another version still reads (a layer an edit did not change is shared); so does
// rehearsing edits (prepareEdits), which keeps nothing.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { CpuBackend } from '../src/backend/cpu/cpu.js';
import { ensureTinyModel } from '../src/default/tiny-model.js';
import { GenerationCache, StepCache, checkStepsApart } from '../src/edit/cache.js';
import { EditSession } from '../src/edit/session.js';
import { StableDiffusion } from '../src/pipeline/text-to-image.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { tempDir } from './helpers.js';

/** The cpu backend, where a disposed tensor reads as NaN from then on (a reused device buffer would hold other data). */
class PoisoningBackend extends CpuBackend {
  disposed = 0;
  /** Buffers given back, and how often each was. */
  readonly given = new Map<unknown, number>();
  override dispose(t: Tensor): void {
    (t.storage as Float32Array).fill(NaN);
    this.disposed++;
    this.given.set(t.storage, (this.given.get(t.storage) ?? 0) + 1);
  }
}

const home = tempDir('fisedit-home-');
const gen = { prompt: 'a red cube', steps: 4, width: 64, height: 64 };
const left = Uint8Array.from({ length: 64 }, (_, i) => (i % 8 < 3 ? 1 : 0));
const top = Uint8Array.from({ length: 64 }, (_, i) => (i < 16 ? 1 : 0));

/**
 * v0, v1 = v0 edited in `left`, v2 = v1 edited with an empty mask (every buffer of it is v1's);
 * then `act`, then an edit of v2 and one of v0.
 */
function run(ops: CpuBackend, act: (s: EditSession) => void): Float32Array[] {
  const s = new EditSession(StableDiffusion.load(ensureTinyModel(join(home, 'tiny')), ops));
  s.generate(gen);
  s.edit('a blue cube', { mask: left });
  s.edit('a blue sphere', { mask: new Uint8Array(64) });
  act(s);
  return [s.edit('a green sphere', { mask: left, from: 2 }).latents, s.edit('a green cube', { mask: top, from: 0 }).latents];
}

it('release and toHost free a version\'s buffers at once, keeping those other versions share', () => {
  const want = run(new CpuBackend(), () => {});
  const released = new PoisoningBackend();
  const got = run(released, (s) => {
    s.checkout(2);
    s.release(1);
  });
  assert.ok(released.disposed > 0, 'release gave buffers back');
  assert.deepEqual(got, want, 'the versions left read what they read before');
  const moved = new PoisoningBackend();
  assert.deepEqual(run(moved, (s) => s.toHost([1, 0])), want, 'versions on the backend keep their buffers when others move to host memory');
  assert.ok(moved.disposed > 0, 'toHost gave buffers back');
});

it('prepareEdits rehearses an edit\'s calls, gives back what they wrote and changes no result', () => {
  const want = run(new CpuBackend(), () => {});
  const ops = new PoisoningBackend();
  const got = run(ops, (s) => {
    const versions = s.versions.length, bytes = s.memoryBytes();
    const before = ops.disposed;
    // version 2 (current) shares every buffer with version 1
    const p = s.prepareEdits({ sizes: [0.1, 0.4] });
    assert.deepEqual([p.steps, p.stopped, p.skipped], [3, false, undefined], 'one dense step (4 steps, k = 1) and a sparse step per size');
    assert.ok(ops.disposed > before, 'the rehearsed calls\' cache was given back');
    assert.deepEqual([s.versions.length, s.memoryBytes()], [versions, bytes], 'no version and no cache added');
    assert.equal(s.prepareEdits({ stop: () => true }).steps, 0, 'stop() ends it before any call');
    assert.throws(() => s.prepareEdits({ sizes: [0.1, 1.5] }), /rehearsal mask size must be between 0 and 1, got 1.5/);
    assert.throws(() => s.prepareEdits({ attention: 'all' as 'fast' }), /attention must be "accurate" or "fast", got "all"/);
  });
  assert.deepEqual(got, want, 'later edits compute what they computed without the rehearsal');
});

it('prepareEdits has nothing to rehearse before a generation or from a cache off the backend', () => {
  const s = new EditSession(StableDiffusion.load(ensureTinyModel(join(home, 'tiny')), new CpuBackend()));
  assert.equal(s.prepareEdits().skipped, 'nothing generated yet');
  s.generate(gen);
  s.toHost();
  assert.equal(s.prepareEdits().skipped, 'version 0\'s cache is not on the backend');
});

it('close frees every version\'s cache at once, each shared buffer once', () => {
  const ops = new PoisoningBackend();
  const s = new EditSession(StableDiffusion.load(ensureTinyModel(join(home, 'tiny')), ops));
  s.generate(gen);
  s.edit('a blue cube', { mask: left });
  s.edit('a blue sphere', { mask: new Uint8Array(64) }); // every buffer of it is version 1's
  const buffers = new Set(s.versions.flatMap((v) => v.cache!.steps.flatMap((st) => st.allTensors().map((t) => t.storage))));
  ops.given.clear();
  s.close();
  assert.deepEqual([...buffers].filter((b) => ops.given.get(b) !== 1), [], 'each buffer of a version given back once');
  assert.deepEqual([...ops.given.values()].filter((n) => n !== 1), [], 'nothing given back twice (the rows edits displaced included)');
  assert.ok(ops.given.size > buffers.size, 'the rows version 1\'s edit displaced were given back too');
  assert.deepEqual([s.versions.length, s.memoryBytes(), s.current], [0, 0, undefined]);
  assert.throws(() => s.edit('x'), /nothing to edit yet/);
});

for (const recordReplays of [false, true]) {
  it(`edits write into their bases in place: versions sharing buffers read as their own, in any order${recordReplays ? ' (replays recorded, as the cuda backend runs them)' : ''}`, () => {
    const ops = new CpuBackend({ recordReplays });
    const load = () => new EditSession(StableDiffusion.load(ensureTinyModel(join(home, 'tiny')), ops));
    /** Each chain of edits (prompt, mask, from the version before) in a session of its own: what the shared session must give. */
    const chain = (...edits: [string, Uint8Array][]) => {
      const s = load();
      s.generate(gen);
      let v;
      for (const [prompt, mask] of edits) v = s.edit(prompt, { mask });
      return v!.latents;
    };
    const s = load();
    s.generate(gen);
    s.edit('a blue cube', { mask: left });
    s.edit('a blue sphere', { mask: top });
    const v3 = s.edit('a red sphere', { mask: top, from: 0 }); // v0's buffers hold v2 until this edit
    const v4 = s.edit('a green sphere', { mask: left, from: 2 });
    const v5 = s.edit('a green cube', { mask: left, from: 1 });
    assert.deepEqual(v3.latents, chain(['a red sphere', top]));
    assert.deepEqual(v4.latents, chain(['a blue cube', left], ['a blue sphere', top], ['a green sphere', left]));
    assert.deepEqual(v5.latents, chain(['a blue cube', left], ['a green cube', left]));
    assert.ok(s.cacheBytes().displaced > 0);
    // released leaves: v3 (written in `top`), which the buffers (holding v5, written in `left`) do not
    // hold: dropped without crossing it; then v5, which they hold: crossed back to v1. The versions
    // left read as their own below
    s.checkout(0);
    s.release(3);
    s.release(5);
    // an edit in another region than v1's reads v2's values where v1 wrote (v6)
    assert.deepEqual(s.edit('a red cube', { mask: top, from: 2 }).latents, chain(['a blue cube', left], ['a blue sphere', top], ['a red cube', top]));
    // a version moved to host memory is its own values, whichever version the buffers held
    s.toHost([2]);
    const v7 = s.edit('a yellow sphere', { mask: left, from: 2 });
    assert.deepEqual(v7.latents, chain(['a blue cube', left], ['a blue sphere', top], ['a yellow sphere', left]));
    assert.deepEqual(s.edit('a green cube', { mask: left, from: 1 }).latents, v5.latents, 'the versions on the backend are untouched by an edit streamed from host memory');
    assert.deepEqual(s.edit('a blue cube', { mask: left, from: 7 }).latents, chain(['a blue cube', left], ['a blue sphere', top], ['a yellow sphere', left], ['a blue cube', left]));
    // saved and reopened: every version as it was made
    const dir = tempDir('fisedit-lineage-');
    s.save(dir);
    const back = EditSession.load(dir, s.sd);
    assert.deepEqual(back.edit('a green cube', { mask: left, from: 1 }).latents, v5.latents);
    assert.deepEqual(back.edit('a green sphere', { mask: left, from: 2 }).latents, v4.latents);
  });
}

it('an edit refuses to write into a base whose steps share a buffer', () => {
  const ops = new CpuBackend();
  /** Two steps with buffers of their own, and (`shared`) one buffer in both. */
  const cacheOf = (shared: boolean) => {
    const cache = new GenerationCache();
    for (let i = 0; i < 2; i++) {
      const s = new StepCache();
      s.tensors.set('own', ops.fromHost(new Float32Array(4), [1, 4]));
      cache.steps.push(s);
    }
    if (!shared) return cache;
    const buffer = ops.fromHost(new Float32Array(4), [1, 4]);
    cache.steps[0]!.tensors.set('conv', buffer);
    cache.steps[1]!.probs.set('attn', ops.reshape(buffer, [4]));
    return cache;
  };
  assert.doesNotThrow(() => checkStepsApart(cacheOf(false)));
  assert.throws(() => checkStepsApart(cacheOf(true)), /cache steps 0 and 1 share a buffer/);
});
