// FISEdit's contract on the tiny models: what an edit must reproduce exactly, and what it keeps.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TileRowsChoice } from '../src/backend/backend.js';
import { CpuBackend } from '../src/backend/cpu/cpu.js';
import { ensureTinyModel } from '../src/default/tiny-model.js';
import { KEPT_SPARSE_PLANS } from '../src/edit/cached-steps.js';
import { pixelRegion } from '../src/edit/composite.js';
import { UNetMacCounter } from '../src/edit/macs.js';
import { resampleMask } from '../src/edit/mask.js';
import { EDIT_MARGIN_PX, EditSession, type Version } from '../src/edit/session.js';
import { readMaskSet } from '../src/io/fismask.js';
import { StableDiffusion } from '../src/pipeline/text-to-image.js';
import { maxAbsDiff } from '../src/verify/compare.js';
import { PACKAGE_ROOT } from '../src/verify/fixtures.js';
import { requireFixtures, tempDir } from './helpers.js';

const cpu = new CpuBackend();
const fixtures = requireFixtures();
const tinyDir = ensureTinyModel(join(tempDir('fisedit-home-'), 'tiny'));
const models = {
  // DPM-Solver++ 2M (multistep history), epsilon
  'default tiny': StableDiffusion.load(tinyDir, cpu),
  // DDIM, v-prediction, per-level heads, the reference fixture
  'tiny-sd2': StableDiffusion.load(join(fixtures, 'tiny-sd2'), cpu),
};
const size = { width: 128, height: 128 }; // 16x16 latents
const [H, W] = [16, 16];
const P0 = 'a red cube on a table';
const P1 = 'a blue cube on a table with a hat';

function outsideInside(a: Float32Array, b: Float32Array, mask: Uint8Array) {
  const c = a.length / mask.length;
  let outside = 0, inside = 0, insideSum = 0, insideCount = 0;
  for (let p = 0; p < mask.length; p++)
    for (let k = 0; k < c; k++) {
      const d = Math.abs(a[p * c + k]! - b[p * c + k]!);
      if (mask[p]) { inside = Math.max(inside, d); insideSum += d; insideCount++; }
      else outside = Math.max(outside, d);
    }
  return { outside, inside, insideMean: insideCount ? insideSum / insideCount : 0 };
}

/** f's result, and how many GroupNorm statistics the cpu backend computed meanwhile from a base's sums (GroupSumsUpdate) or from the whole map. */
function counted<R>(f: () => R): { v: R; calls: { update: number; whole: number } } {
  const calls = { update: 0, whole: 0 }, plain = cpu.groupNormAffine;
  cpu.groupNormAffine = function (...a: Parameters<CpuBackend['groupNormAffine']>) {
    calls[a[5] ? 'update' : 'whole']++;
    return plain.apply(this, a);
  };
  try {
    return { v: f(), calls };
  } finally {
    cpu.groupNormAffine = plain;
  }
}

function box(y0: number, y1: number, x0: number, x1: number): Uint8Array {
  const m = new Uint8Array(H * W);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * W + x] = 1;
  return m;
}

for (const [name, sd] of Object.entries(models)) {
  describe(`FISEdit exactness, ${name}`, () => {
    const session = new EditSession(sd);
    const gen = { prompt: P0, steps: 8, seed: 11, ...size };
    const v0 = session.generate(gen);
    const dense = sd.generate({ ...gen, prompt: P1 });

    it('records the generation exactly as plain text-to-image computes it', () => {
      assert.deepEqual(v0.latents, sd.generate(gen).latents);
      const bytes = session.cacheBytes();
      assert.ok(bytes.activations > 0 && bytes.probs > 0 && bytes.norms > 0 && bytes.total > bytes.activations);
      assert.equal(bytes.steps, 8);
    });

    it("an edit's first step starts from the generation's first latents (the session's noise), uploading none", () => {
      const latents = cpu.latents as { fromHost(x: Float32Array): unknown }, plain = latents.fromHost;
      let uploads = 0;
      latents.fromHost = (x: Float32Array) => (uploads++, plain.call(latents, x));
      try {
        const v = session.edit(P1, { mask: box(4, 12, 4, 12), from: 0 });
        assert.equal(uploads, 0);
        assert.deepEqual(v.cache!.steps[0]!.latents, v0.cache!.steps[0]!.latents);
        session.checkout(0);
        session.release(v.id);
      } finally {
        latents.fromHost = plain;
      }
    });

    it('empty mask: reproduces the original generation bit for bit', () => {
      const v = session.edit(P1, { mask: new Uint8Array(H * W), from: 0 });
      assert.deepEqual(v.latents, v0.latents);
      assert.deepEqual(v.image, v0.image);
    });

    it('full mask: equals a dense run with the new prompt (exact GroupNorm statistics)', () => {
      const v = session.edit(P1, { mask: new Uint8Array(H * W).fill(1), from: 0 });
      const d = maxAbsDiff(v.latents, dense.latents);
      process.stdout.write(`${name}: full mask vs dense run, max abs latent difference ${d.toExponential(2)}\n`);
      assert.ok(d <= 1e-4, `max abs difference ${d}`);
    });

    it('any mask: latents outside it are bit-identical to the original, whatever the options', () => {
      const mask = box(3, 9, 4, 12);
      for (const o of [{}, { norm: 'cached' as const }, { attention: 'fast' as const }, { blocks: 2 }, { blocks: 16 }]) {
        const v = session.edit(P1, { mask, from: 0, ...o });
        const r = outsideInside(v.latents, v0.latents, mask);
        assert.equal(r.outside, 0, JSON.stringify(o));
        assert.ok(r.inside > 0, 'the edit changes the masked region');
      }
    });

    it('a given mask after dense steps: outside it the original, bit for bit; a full one a dense run, an empty one the original', () => {
      const mask = box(3, 9, 4, 12);
      const v = session.edit(P1, { mask, from: 0, denseSteps: 3 });
      assert.deepEqual([v.timings.denseSteps, v.timings.sparseSteps, v.timings.maskMs], [3, 5, 0]);
      const r = outsideInside(v.latents, v0.latents, mask);
      assert.equal(r.outside, 0);
      assert.ok(r.inside > 0, 'the edit changes the masked region');
      assert.ok(maxAbsDiff(v.latents, session.edit(P1, { mask, from: 0 }).latents) > 0, 'the dense steps change what the sparse ones start from');
      // without cross-attention control the dense steps are plain text-to-image steps with the new prompt
      const full = session.edit(P1, { mask: new Uint8Array(H * W).fill(1), from: 0, denseSteps: 3, crossAttentionControl: false });
      assert.ok(maxAbsDiff(full.latents, dense.latents) <= 1e-4);
      assert.deepEqual(session.edit(P1, { mask: new Uint8Array(H * W), from: 0, denseSteps: 3 }).latents, v0.latents);
      assert.throws(() => session.edit(P1, { mask, from: 0, denseSteps: 9 }), /denseSteps \(k\) must be an integer from 0 to 8 with a mask, got 9/);
      assert.throws(() => session.edit(P1, { from: 0, denseSteps: 0 }), /denseSteps \(k\) must be an integer from 1 to 8, got 0/);
    });

    it("a resnet's projected shortcut: no cache keeps its map (a sparse step computes it with its conv2, where that writes)", () => {
      const names = (v: Version) => v.cache!.steps.flatMap((s) => [...s.tensors.keys()]);
      const v = session.edit(P1, { mask: box(6, 8, 6, 8), from: 0, denseSteps: 3 });
      for (const version of [session.versions[0]!, v]) {
        assert.ok(names(version).some((k) => k.endsWith('.resnets.0.conv2')), 'resnets recorded');
        assert.deepEqual(names(version).filter((k) => k.endsWith('.conv_shortcut')), [], `version ${version.id}: no shortcut map`);
      }
      // outside the mask the original, bit for bit
      assert.equal(outsideInside(v.latents, v0.latents, box(6, 8, 6, 8)).outside, 0);
    });

    it('the block policy changes only the order of summation', () => {
      const mask = box(2, 7, 2, 13);
      const a = session.edit(P1, { mask, from: 0 }), b = session.edit(P1, { mask, from: 0, blocks: 1 });
      assert.ok(maxAbsDiff(a.latents, b.latents) < 1e-4);
    });

    it('automatic mask: an unchanged prompt finds nothing and reproduces the original', () => {
      const v = session.edit(P0, { from: 0, denseSteps: 2 });
      assert.equal(v.editSize, 0);
      assert.deepEqual(v.latents, v0.latents);
    });

    it('automatic mask: a changed prompt finds a region, and outside it nothing changes', () => {
      const v = session.edit(P1, { from: 0, denseSteps: 2 });
      assert.ok(v.editSize > 0 && v.editSize < 1, `edit size ${v.editSize}`);
      assert.equal(outsideInside(v.latents, v0.latents, v.mask!).outside, 0);
      assert.equal(v.timings.denseSteps, 2);
      assert.equal(v.timings.sparseSteps, 6);
      // the automatic mask's share of the dense phase, the first sparse step's of the sparse phase
      assert.ok(v.timings.maskMs > 0 && v.timings.maskMs <= v.timings.denseMs);
      assert.ok(v.timings.firstSparseStepMs > 0 && v.timings.firstSparseStepMs <= v.timings.sparseMs);
      const target = session.edit(P1, { from: 0, denseSteps: 2, threshold: { targetSize: 0.25 } });
      // equalisation puts ~25% above the cut; the 2x2 opening then removes isolated pixels
      assert.ok(target.editSize > 0 && target.editSize <= 0.3, `target-size mask ${target.editSize}`);
    });

    it('keeps the original pixels outside the edited region (within 1/255)', () => {
      const v = session.edit(P1, { mask: box(5, 9, 5, 9), from: 0 });
      const region = pixelRegion(v.mask!, H, W, sd.vae.downFactor, EDIT_MARGIN_PX);
      let worst = 0;
      region.forEach((on, p) => {
        if (!on) for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(v.image[p * 3 + k]! - v0.image[p * 3 + k]!));
      });
      assert.ok(worst <= 1 / 255, `worst pixel difference ${worst}`);
      assert.ok(region.some((on) => !on), 'the test region leaves pixels outside');
    });

    it('continuous editing: an edit of an edit keeps the first edit outside its own mask', () => {
      const first = session.edit(P1, { mask: box(0, 8, 0, 8), from: 0 });
      const again = session.edit(P1, { mask: new Uint8Array(H * W) });
      assert.equal(again.parent, first.id);
      assert.deepEqual(again.latents, first.latents, 'empty mask on an edited version reproduces it');
      const second = session.edit('a blue cube on a table with a red hat', { mask: box(8, 16, 8, 16), from: first.id });
      assert.equal(outsideInside(second.latents, first.latents, box(8, 16, 8, 16)).outside, 0);
    });

    it('GroupNorm sums: exact edits keep them with the cache, a cached edit does not, and an exact edit of it still works', () => {
      const norms = v0.cache!.steps[0]!.norms.size;
      const exact = counted(() => session.edit(P1, { mask: box(0, 8, 0, 8), from: 0 }));
      assert.ok([...exact.v.cache!.steps[0]!.norms.values()].every((n) => n.sums), 'an exact edit records the sums of its maps');
      const cached = counted(() => session.edit(P1, { mask: box(0, 8, 0, 8), from: 0, norm: 'cached' }));
      assert.ok([...cached.v.cache!.steps[0]!.norms.values()].every((n) => !n.sums), "a cached edit keeps no sums (the base's are not its maps')");
      // every norm of the exact edit's 8 sparse steps updates the base's sums (an up block's
      // concatenation too), none sums its whole map: only the decode's norms do, all a cached edit computes
      assert.deepEqual(exact.calls, { update: 8 * norms, whole: cached.calls.whole });
      assert.equal(cached.calls.update, 0);
      // from a base without sums, the exact statistics come from a pass over the whole mixed map
      const next = counted(() => session.edit('a blue cube on a table with a red hat', { mask: box(8, 16, 8, 16), from: cached.v.id }));
      assert.deepEqual(next.calls, { update: 0, whole: 8 * norms + cached.calls.whole });
      assert.equal(outsideInside(next.v.latents, cached.v.latents, box(8, 16, 8, 16)).outside, 0);
      assert.ok([...next.v.cache!.steps[0]!.norms.values()].every((n) => n.sums));
    });

    it("time-embedding projections: a sparse step takes its base's (the same timestep), and computes the same bits where the base has none", () => {
      const names = [...v0.cache!.steps[0]!.tensors.keys()].filter((n) => n.endsWith('.time_emb_proj'));
      assert.ok(names.length > 0, 'the generation records each resnet projection');
      const v = session.edit(P1, { mask: box(2, 9, 3, 12), from: 0 });
      v.cache!.steps.forEach((s, i) => names.forEach((n) => assert.equal(s.tensors.get(n), v0.cache!.steps[i]!.tensors.get(n), `step ${i} ${n}: the base's tensor`)));
      // a base recorded before the projections were kept
      const kept = v0.cache!.steps.map((s) => names.map((n) => s.tensors.get(n)!));
      for (const s of v0.cache!.steps) for (const n of names) s.tensors.delete(n);
      try {
        const computed = session.edit(P1, { mask: box(2, 9, 3, 12), from: 0 });
        assert.deepEqual(computed.latents, v.latents);
        assert.ok(computed.cache!.steps.every((s) => names.every((n) => s.tensors.has(n))), 'the edit keeps what it computed');
      } finally {
        v0.cache!.steps.forEach((s, i) => names.forEach((n, j) => s.tensors.set(n, kept[i]![j]!)));
      }
    });
  });
}

describe('a backend that convolves tiles as GEMM rows (Backend.tileRowsChoice, as the cuda backend does for many channels)', () => {
  class RowsCpu extends CpuBackend {
    tileRowsChoice(): TileRowsChoice { return 'rows'; }
  }
  it('plans blocks of one position, computing fewer MACs, and edits as the block plans do up to the order of summation', () => {
    const rows = new RowsCpu();
    const gen = { prompt: P0, steps: 8, seed: 11, ...size };
    const byRows = new EditSession(StableDiffusion.load(tinyDir, rows)), byBlocks = new EditSession(models['default tiny']);
    byRows.generate(gen);
    byBlocks.generate(gen);
    const mask = box(2, 7, 2, 13);
    const a = byRows.edit(P1, { mask, from: 0 }), b = byBlocks.edit(P1, { mask, from: 0 });
    assert.ok(maxAbsDiff(a.latents, b.latents) < 1e-4, String(maxAbsDiff(a.latents, b.latents)));
    assert.ok(outsideInside(a.latents, b.latents, mask).outside === 0, 'outside the mask both are the original');
    const counter = new UNetMacCounter(models['default tiny'].unet.config);
    const rowsMacs = counter.count(H, W, { mask, planOf: rows }).totalSparse!, blockMacs = counter.count(H, W, { mask }).totalSparse!;
    assert.ok(rowsMacs < blockMacs, `${rowsMacs} MACs by rows against ${blockMacs} by blocks`);
  });
});

describe('FISEdit on the real masks of masks-dev-300 (resampled to 16x16)', () => {
  it('keeps latents outside each mask bit-identical and reports the difference inside against a dense edit', () => {
    const sd = models['tiny-sd2'];
    const set = readMaskSet(join(PACKAGE_ROOT, '..', 'shared', 'data', 'masks-dev-300.bin'));
    const session = new EditSession(sd);
    const gen = { prompt: P0, steps: 8, seed: 5, ...size };
    const v0 = session.generate(gen);
    const dense = sd.generate({ ...gen, prompt: P1 });
    const picks = [0, 37, 150, 222, 299].map((i) => set.masks.sort((a, b) => a.index - b.index)[i]!);
    const rows: string[] = [];
    for (const { index, mask: full } of picks) {
      const mask = resampleMask(full, set.height, set.width, H, W);
      const v: Version = session.edit(P1, { mask, from: 0 });
      const r = outsideInside(v.latents, v0.latents, mask);
      const vsDense = outsideInside(v.latents, dense.latents, mask);
      assert.equal(r.outside, 0, `mask ${index}`);
      rows.push(`mask ${index}: edit size ${(v.editSize * 100).toFixed(1)}%, inside vs dense edit max ${vsDense.inside.toExponential(2)} mean ${vsDense.insideMean.toExponential(2)}`);
    }
    process.stdout.write(rows.map((r) => `${r}\n`).join(''));
  });
});

describe('edit session errors leave the session as it was', () => {
  const sd = models['default tiny'];
  it('names each bad request', () => {
    const s = new EditSession(sd);
    assert.throws(() => s.edit('x'), /nothing to edit yet: generate an image first/);
    s.generate({ prompt: P0, steps: 3, ...size });
    const before = s.versions.length;
    assert.throws(() => s.edit('x', { mask: new Uint8Array(10) }), /mask has 10 values; this generation's latent mask must be 16x16/);
    assert.throws(() => s.edit('x', { mask: new Uint8Array(256).fill(2) }), /mask is not binary/);
    assert.throws(() => s.edit('x', { from: 7 }), /no version 7 in this session \(versions: 0\)/);
    assert.throws(() => s.checkout(3), /no version 3/);
    assert.throws(() => s.edit('x', { denseSteps: 9 }), /denseSteps \(k\) must be an integer from 1 to 3, got 9/);
    assert.throws(() => s.edit('x', { mask: new Uint8Array(256), blocks: -1 }), /block size must be a positive integer/);
    assert.throws(() => s.edit('x', { norm: 'approx' as never }), /norm must be "exact" or "cached"/);
    // dense steps that compute NaN (a broken model or kernel): named, not an empty or full mask
    const guided = sd.guidedOutput;
    sd.guidedOutput = (...a: Parameters<typeof guided>) => (guided.apply(sd, a) as Float32Array).fill(NaN);
    try {
      assert.throws(() => s.edit('x', { denseSteps: 2 }), /the edit's 2 dense steps produced a non-finite latent \(NaN at index 0\): no edit region can be found/);
    } finally {
      sd.guidedOutput = guided;
    }
    assert.equal(s.versions.length, before);
    assert.equal(s.current?.id, 0);
  });

  it('reports what a long prompt loses, keeps versions, and releases caches', () => {
    const s = new EditSession(sd);
    s.generate({ prompt: P0, steps: 3, ...size });
    const v = s.edit(`${'cat '.repeat(76)}with a hat`, { mask: new Uint8Array(256) });
    assert.deepEqual(v.truncated, ['cat', 'with', 'a', 'hat']);
    const all = s.cacheBytes().total;
    s.checkout(0);
    s.release(v.id);
    assert.ok(s.cacheBytes().total < all);
    assert.throws(() => s.checkout(v.id), /version 1 was released/);
    assert.throws(() => s.release(0), /is the current version/);
    assert.equal(s.version(v.id).image.length, 128 * 128 * 3, 'a released version keeps its image');
  });
});

describe('replayable calls computed as a recording backend replays them (cpu recordReplays)', () => {
  it('an edit after another aligns its own tokens under cross-attention control, though its controlled steps replay the first edit\'s recording', () => {
    // every step dense and controlled: the result is the controlled trajectory, whatever the mask
    const gen = { prompt: P0, steps: 4, ...size, recordSteps: 4 };
    const all = { from: 0, denseSteps: 4 };
    const P2 = 'a big shiny blue cube on a table'; // insertions: not the identity alignment
    const s = new EditSession(StableDiffusion.load(tinyDir, new CpuBackend({ recordReplays: true })));
    s.generate(gen);
    s.edit('a blue cube on a table', all); // a word for a word: records the controlled steps
    const replayed = s.edit(P2, all);
    const fresh = new EditSession(models['default tiny']);
    fresh.generate(gen);
    assert.deepEqual(replayed.latents, fresh.edit(P2, all).latents);
  });

  /**
   * A recording cpu backend that notes the kept sparse steps (keyed '<U-Net> sparse-<n> …') each call
   * of `sparseKeys` reaches, and which of them it is asked to drop.
   */
  const watched = () => {
    const ops = new CpuBackend({ recordReplays: true });
    let keys = new Set<string>();
    const dropped: string[] = [];
    const replayable = ops.replayable.bind(ops), forget = ops.forget.bind(ops);
    const plan = (key: string) => / (sparse-\d+)(?: |$)/.exec(key)?.[1];
    ops.replayable = (key, inputs, f) => (plan(key) && keys.add(plan(key)!), replayable(key, inputs, f));
    ops.forget = (key) => (plan(key) && dropped.push(plan(key)!), forget(key));
    const sparseKeys = (f: () => unknown) => ((keys = new Set()), f(), [...keys]);
    return { ops, dropped, sparseKeys };
  };
  const gen = { prompt: P0, steps: 4, ...size, recordSteps: 2 };
  const P2 = 'a green cube on a table';

  it('a later edit with the same mask replays the sparse steps an earlier edit recorded (any prompt, any base), with the bits its own recording would give; a plan least recently used goes', () => {
    const { ops, dropped, sparseKeys } = watched();
    const mask = box(3, 9, 4, 12);
    const s = new EditSession(StableDiffusion.load(tinyDir, ops));
    s.generate(gen);
    const first = sparseKeys(() => s.edit(P1, { mask, from: 0 }));
    assert.equal(first.length, 1, 'one plan');
    let again: Version | undefined;
    assert.deepEqual(sparseKeys(() => (again = s.edit(P2, { mask: Uint8Array.from(mask), from: 1 }))), first, 'the same plan from another base and prompt: the same recording');
    assert.deepEqual(dropped, [], 'kept, not given back and recorded again');
    const fresh = new EditSession(models['default tiny']);
    fresh.generate(gen);
    fresh.edit(P1, { mask, from: 0 });
    assert.deepEqual(again!.latents, fresh.edit(P2, { mask, from: 1 }).latents, 'as if recorded afresh');
    // other masks: plans of their own; the (KEPT_SPARSE_PLANS + 1)th drops the least recently used, the first
    const others = Array.from({ length: KEPT_SPARSE_PLANS }, (_, i) => sparseKeys(() => s.edit(P1, { mask: box(i, i + 2, 0, 4), from: 0 })));
    for (const k of others) assert.ok(k.length === 1 && k[0] !== first[0], `another mask, another plan: ${k}`);
    assert.deepEqual(dropped, first);
    assert.notDeepEqual(sparseKeys(() => s.edit(P1, { mask, from: 0 })), first, 'recorded again');
  });

  it('prepareEdits with the masks the user has given records their sparse steps for the edits that give them', () => {
    const { ops, dropped, sparseKeys } = watched();
    const mask = box(2, 8, 6, 14);
    const s = new EditSession(StableDiffusion.load(tinyDir, ops));
    s.generate(gen);
    const bytes = s.memoryBytes();
    let p: ReturnType<EditSession['prepareEdits']> | undefined;
    const rehearsed = sparseKeys(() => (p = s.prepareEdits({ masks: [mask] })));
    assert.deepEqual([p!.steps, p!.stopped, rehearsed.length], [2, false, 1], 'a step of each kind (recording probabilities, not), one plan, nothing else');
    assert.equal(s.memoryBytes(), bytes, 'no cache kept');
    let edited: Version | undefined;
    assert.deepEqual(sparseKeys(() => (edited = s.edit(P2, { mask, from: 0 }))), rehearsed, 'the edit replays them');
    assert.deepEqual(dropped, [], 'nothing rehearsed was given back');
    const fresh = new EditSession(models['default tiny']);
    fresh.generate(gen);
    assert.deepEqual(edited!.latents, fresh.edit(P2, { mask, from: 0 }).latents, 'as if recorded by the edit');
    assert.throws(() => s.prepareEdits({ masks: [new Uint8Array(10)] }), /mask has 10 values; this generation's latent mask must be 16x16/);
  });
});
