// The convolution choice store (trials.ts ChoiceStore) and PlanStore: the cuda backend's convolution choices and runtime-compiled plans
// (conv-tuning.ts), kept per GPU and cuDNN version on disk so a machine pays the timing trials and
// compilations once; no GPU needed.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { convChoiceStore, fastestConvolution, PlanStore, type ConvTrial } from '../src/backend/cuda/conv-tuning.js';
import type { CudnnEngines } from '../src/backend/cuda/cudnn-engines.js';
import type { ConvShape } from '../src/backend/cuda/cudnn.js';
import type { Driver } from '../src/backend/cuda/driver.js';
import { GpuOutOfMemory } from '../src/io/errors.js';
import { octave, octavesOutward } from '../src/backend/cuda/trials.js';

/** make() with the environment variable `name` set to `value` (restored afterwards). */
function withEnv<T>(name: string, value: string, make: () => T): T {
  const before = process.env[name];
  process.env[name] = value;
  try {
    return make();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

/** make(file) with FISEDIT_CUDNN_CHOICES set to `file` (by default a fresh one). */
function withFile<T>(make: (file: string) => T, file = join(mkdtempSync(join(tmpdir(), 'fisedit-choices-')), 'choices.json')): T {
  return withEnv('FISEDIT_CUDNN_CHOICES', file, () => make(file));
}

/** What another process's store does when it keeps a choice: merges it into the file. */
function anotherProcessWrites(file: string, machine: string, family: string, choice: unknown): void {
  const all = JSON.parse(readFileSync(file, 'utf8'));
  all[machine] = { ...all[machine], [family]: choice };
  writeFileSync(file, JSON.stringify(all));
}

/** The store's key for convChoiceStore('H200', 91400): the GPU, cuDNN's version and what the trials offer (conv-tuning.ts TRIALS_VERSION). */
const MACHINE = 'H200 cudnn 91400 trials 3';

const engine = { engine: 62, knobs: [[2, 18], [13, 1]] as [number, number][] };

describe('convChoiceStore', () => {
  it('keeps choices on disk per GPU and cuDNN version, and takes and merges what another process wrote', () => {
    withFile((file) => {
      const a = convChoiceStore('H200', 91400);
      assert.equal(a.get('2,96,96,320 +bias'), undefined);
      a.set('2,96,96,320 +bias', engine);
      a.set('unpadded 640 +bias', 'legacy');
      // on disk for the next process
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { [MACHINE]: { '2,96,96,320 +bias': engine, 'unpadded 640 +bias': 'legacy' } });
      // another GPU or cuDNN version starts afresh
      assert.equal(convChoiceStore('H100', 91400).get('2,96,96,320 +bias'), undefined);
      assert.equal(convChoiceStore('H200', 90100).get('2,96,96,320 +bias'), undefined);
      // a second process's choice, written meanwhile, is taken and survives this one's next write
      anotherProcessWrites(file, MACHINE, '48 +residual', 'legacy');
      assert.equal(a.get('48 +residual'), 'legacy');
      a.set('24 +bias', engine);
      const all = JSON.parse(readFileSync(file, 'utf8'));
      assert.deepEqual(Object.keys(all[MACHINE]).sort(), ['2,96,96,320 +bias', '24 +bias', '48 +residual', 'unpadded 640 +bias']);
    });
  });

  it('is one store per file and machine in a process: its backends take the same choice, whatever another process writes later', () => {
    withFile((file) => {
      const first = convChoiceStore('H200', 91400), second = convChoiceStore('H200', 91400);
      assert.equal(first, second);
      first.set('48 +bias', engine);
      // a process whose trials chose otherwise, later: this process keeps its own choice
      anotherProcessWrites(file, MACHINE, '48 +bias', 'legacy');
      assert.deepEqual(convChoiceStore('H200', 91400).get('48 +bias'), engine);
      assert.notEqual(convChoiceStore('H100', 91400), first);
    });
  });

  it('does not take choices made by trials that offered other candidates (an older store)', () => {
    withFile((file) => {
      // before session 19's fused candidates; before session 23 kept nondeterministic configurations out
      writeFileSync(file, JSON.stringify({ 'H200 cudnn 91400': { f: 'legacy' }, 'H200 cudnn 91400 trials 2': { g: engine } }));
      const s = convChoiceStore('H200', 91400);
      assert.equal(s.get('f'), undefined);
      assert.equal(s.get('g'), undefined);
    });
  });

  it('treats an unreadable file as empty and replaces it at the next choice', () => {
    withFile((file) => {
      writeFileSync(file, '{ not json');
      const s = convChoiceStore('H200', 91400);
      assert.equal(s.get('x'), undefined);
      s.set('x', 'legacy');
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { [MACHINE]: { x: 'legacy' } });
    });
  });

  it('keeps a choice for the process where the file cannot be written', () => {
    // its folder would be inside a plain file
    const blocker = join(mkdtempSync(join(tmpdir(), 'fisedit-choices-')), 'a-file');
    writeFileSync(blocker, '');
    withFile(() => {
      const s = convChoiceStore('H200', 91400);
      s.set('x', engine);
      assert.deepEqual(s.get('x'), engine);
    }, join(blocker, 'choices.json'));
  });

  it("lends the nearest family's choice while the user waits: kept for the process, never written to the file", () => {
    withFile((file) => {
      const s = convChoiceStore('H200', 91400);
      s.set('tiles n16', engine);
      s.set('tiles n64', 'legacy');
      const at = (batchOctave: number) => `tiles n${batchOctave}`;
      // its own choice first (a batch of 9-16)
      assert.deepEqual(s.chosen(at, 12, true), engine);
      // at leisure, its own only
      assert.equal(s.chosen(at, 20, false), undefined);
      // none of its own: the nearest family that has one (of n16 and n64, the smaller), which it keeps from then on
      assert.deepEqual(s.chosen(at, 20, true), engine);
      assert.deepEqual(s.get('tiles n32'), engine);
      // however far the nearest is: n1024 (no family within three octaves) takes n64's
      assert.equal(s.chosen(at, 1000, true), 'legacy');
      // one the caller cannot use is passed over for the next nearest (n2048: n32's, itself borrowed)
      assert.deepEqual(s.chosen(at, 2000, true, (c) => c !== 'legacy'), engine);
      // a choice another process wrote since is lent too
      anotherProcessWrites(file, MACHINE, 'other n4096', engine);
      assert.deepEqual(s.chosen((o) => `other n${o}`, 3, true), engine);
      // no usable choice at any octave: nothing borrowed, the caller times the family
      assert.equal(s.chosen((o) => `tiles n${o} +residual`, 100, true), undefined);
      assert.equal(s.get('tiles n128 +residual'), undefined);
      // the file holds only what trials chose (and the other process wrote): another process times n32 at leisure
      assert.deepEqual(Object.keys(JSON.parse(readFileSync(file, 'utf8'))[MACHINE]).sort(), ['other n4096', 'tiles n16', 'tiles n64']);
      s.set('tiles n2', 'legacy');
      assert.deepEqual(Object.keys(JSON.parse(readFileSync(file, 'utf8'))[MACHINE]).sort(), ['other n4096', 'tiles n16', 'tiles n2', 'tiles n64']);
    });
  });
});

describe('batch octaves', () => {
  it('rounds a batch up to a power of two, and lists the other octaves nearest first, the smaller first of two as near', () => {
    assert.deepEqual([1, 2, 3, 288, 512, 513].map(octave), [1, 2, 4, 512, 512, 1024]);
    assert.deepEqual(octavesOutward(8).slice(0, 6), [4, 16, 2, 32, 1, 64]);
    assert.deepEqual(octavesOutward(1).slice(0, 3), [2, 4, 8]);
    assert.equal(octavesOutward(1).length, 24, 'up to 2^24');
    assert.equal(new Set(octavesOutward(512)).size, 24, 'each octave once');
    assert.deepEqual(octavesOutward(8, 2), [4, 16, 2, 32], 'within two octaves');
    assert.deepEqual(octavesOutward(1, 2), [2, 4]);
  });
});

/** make(dir) with FISEDIT_CUDNN_PLANS set to a fresh folder (or `dir`). */
function withPlans<T>(make: (dir: string) => T, dir = mkdtempSync(join(tmpdir(), 'fisedit-plans-'))): T {
  return withEnv('FISEDIT_CUDNN_PLANS', dir, () => make(dir));
}

describe('PlanStore', () => {
  it('gives back a stored plan by its key, per GPU and cuDNN version, and nothing for another key', () => {
    withPlans(() => {
      const key = '2,48,48,640 +bias +residual engine 4 [[2,1]]';
      new PlanStore('H200', 91400).set(key, '{"plan": "text"}');
      assert.equal(new PlanStore('H200', 91400).get(key), '{"plan": "text"}');
      assert.equal(new PlanStore('H200', 91400).get(`${key} `), undefined);
      assert.equal(new PlanStore('H200', 90100).get(key), undefined);
      assert.equal(new PlanStore('H100', 91400).get(key), undefined);
    });
  });

  it('treats an unreadable plan file as absent and replaces it at the next write', () => {
    withPlans((dir) => {
      const s = new PlanStore('H200', 91400);
      s.set('k', 'one');
      const [machine] = readdirSync(dir);
      const [file] = readdirSync(join(dir, machine!));
      writeFileSync(join(dir, machine!, file!), '{ not json');
      assert.equal(s.get('k'), undefined);
      s.set('k', 'two');
      assert.equal(new PlanStore('H200', 91400).get('k'), 'two');
    });
  });

  it('does nothing, without failing, where the folder cannot be written', () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'fisedit-plans-')), 'a-file');
    writeFileSync(blocker, '');
    withPlans(() => {
      const s = new PlanStore('H200', 91400);
      s.set('k', 'text');
      assert.equal(s.get('k'), undefined);
    }, join(blocker, 'plans'));
  });
});

describe('fastestConvolution', () => {
  it("gives back every plan and configuration it made when its scratch memory cannot be had, and throws GpuOutOfMemory (for the caller's legacy call)", () => {
    const made = { plans: 0, released: 0, configs: 0, forgotten: 0, packs: 0 };
    const tuner = {
      graph: () => ({}),
      configs: () => [1n, 2n, 3n].map((c) => (made.configs++, c)),
      plan: () => (made.plans++, {}),
      release: () => void made.released++,
      forget: () => void made.forgotten++,
      pack: () => void made.packs++,
    } as unknown as CudnnEngines;
    const driver = { alloc: (bytes: number) => { throw new GpuOutOfMemory(bytes, 0, 2 ** 30); } } as unknown as Driver;
    const s = { n: 2, h: 24, w: 24, ci: 1280, co: 1280, kh: 3, kw: 3, ho: 24, wo: 24, stride: 1, padH: 1, padW: 1 } as ConvShape;
    const trial = { epilogueOps: { bias: true, residual: false }, fused: true } as unknown as ConvTrial;
    assert.throws(() => fastestConvolution(tuner, driver, s, 2 ** 20, trial), GpuOutOfMemory);
    assert.ok(made.plans > 0 && made.configs > 0, 'the trial got as far as its candidates');
    assert.deepEqual([made.released, made.forgotten, made.packs], [made.plans, made.configs, 0]);
  });
});
