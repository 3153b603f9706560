import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alignTokens } from '../src/edit/align.js';
import { pixelRegion } from '../src/edit/composite.js';
import { keepOutside } from '../src/backend/keep-outside.js';
import { Random } from '../src/util/random.js';
import { automaticMask, checkMask, otsu, resampleMask, targetSizeCut } from '../src/edit/mask.js';
import { CpuBackend } from '../src/backend/cpu/cpu.js';
import { SparsePlan, planConv } from '../src/edit/plan.js';
import { StepCache } from '../src/edit/cache.js';
import { SparseContext } from '../src/edit/contexts.js';
import { Conv2d, GroupNorm } from '../src/models/layers.js';
import { Params, type WeightSource } from '../src/models/params.js';

const grid = (rows: string[]) => Uint8Array.from(rows.join(''), (c) => (c === '#' ? 1 : 0));

describe('automatic mask recipe', () => {
  it('sums channel differences per pixel', () => {
    const lat = new CpuBackend().latents;
    const d = lat.toHost(lat.channelAbsDiff(new Float32Array([1, 2, 3, 4]), new Float32Array([0, 4, 3, 3]), 2));
    assert.deepEqual([...d], [3, 1]);
  });

  it('min-max normalises each map and their sum to 0..255', () => {
    const lat = new CpuBackend().latents;
    const levels = lat.differenceLevels([Float32Array.from([0, 1, 2]), Float32Array.from([10, 10, 30])]);
    assert.deepEqual([...lat.toHost(levels)], [0, 64, 255]);
    assert.deepEqual([...lat.toHost(lat.differenceLevels([new Float32Array(3)]))], [0, 0, 0], 'no difference: an empty map, not NaN');
    assert.deepEqual([...lat.levelCounts(levels)].flatMap((c, v) => (c ? [[v, c]] : [])), [[0, 1], [64, 1], [255, 1]]);
    assert.throws(() => lat.differenceLevels([]), /no difference maps \(the automatic mask needs at least one dense step, k >= 1\)/);
    assert.throws(() => lat.differenceLevels([new Float32Array(3), new Float32Array(4)]), /differenceLevels: maps of 3 and 4 values/);
  });

  it('finds the Otsu threshold between two modes', () => {
    const counts = new Float64Array(256);
    counts[20] = 50; counts[200] = 30; counts[25] = 1; counts[190] = 1;
    const t = otsu(counts);
    assert.ok(t >= 25 && t < 190, `threshold ${t}`);
  });

  it('cuts at the level that leaves about the target edit size above it', () => {
    const counts = new Float64Array(256);
    for (let i = 0; i < 1000; i++) counts[Math.floor((i * 255) / 999)]++;
    const cut = targetSizeCut(counts, 0.3);
    let kept = 0;
    counts.forEach((c, v) => (kept += v > cut ? c : 0));
    assert.ok(Math.abs(kept / 1000 - 0.3) < 0.01, `fraction ${kept / 1000}`);
    assert.throws(() => targetSizeCut(counts, 1.5), /target edit size must be between 0 and 1/);
  });

  it('takes the nearest share when one level holds most pixels: not the whole image, not nothing', () => {
    // 75% of the pixels at level 0 (most of the image barely changed): keeping levels above 0 (25%)
    // is nearest a 30% target; the whole image (100%) is nearest a 90% one
    const counts = new Float64Array(256);
    counts[0] = 750; counts[120] = 100; counts[200] = 150;
    assert.equal(targetSizeCut(counts, 0.3), 0);
    assert.equal(targetSizeCut(counts, 0.15), 120);
    assert.equal(targetSizeCut(counts, 0.9), -1);
    assert.equal(targetSizeCut(Float64Array.from({ length: 256 }, (_, v) => (v === 0 ? 10 : 0)), 0.6), 255, 'one level: nothing stands out');
  });

  it('opens with a 2x2 square: specks go, squares stay where they were', () => {
    const lat = new CpuBackend().latents;
    const m = grid(['#.....', '......', '..##..', '..###.', '......', '.....#']);
    const keepOnes = Uint8Array.from({ length: 256 }, (_, v) => (v === 1 ? 1 : 0));
    assert.deepEqual([...lat.openedMask(Float32Array.from(m), keepOnes, 6, 6)], [...grid(['......', '......', '..##..', '..##..', '......', '......'])]);
    assert.throws(() => lat.openedMask(Float32Array.from(m), keepOnes, 5, 6), /openedMask: 36 levels for a 5x6 mask/);
    assert.throws(() => lat.openedMask(Float32Array.from(m), new Uint8Array(2), 6, 6), /openedMask: 2 level flags \(256 expected\)/);
  });

  it('puts it together', () => {
    const h = 8, w = 8;
    const diff = new Float32Array(h * w);
    for (let y = 2; y < 5; y++) for (let x = 3; x < 7; x++) diff[y * w + x] = 5 + x;
    diff[0] = 0.4; // a faint speck: below the threshold
    const lat = new CpuBackend().latents;
    const m = automaticMask(lat, [diff, diff.map((v) => v * 2)], h, w);
    assert.equal(m.reduce((a, b) => a + b, 0), 12);
    assert.equal(m[2 * w + 3], 1);
    assert.equal(m[0], 0);
    assert.throws(() => automaticMask(lat, [diff], h, w, { targetSize: 0 }), /target edit size must be between 0 and 1, got 0/);
  });

  it('names a mask of the wrong size or not binary', () => {
    assert.throws(() => checkMask(new Uint8Array(10), 4, 4), /mask has 10 values; this generation's latent mask must be 4x4 \(16 values\)/);
    assert.throws(() => checkMask(Uint8Array.from({ length: 16 }, (_, i) => (i === 5 ? 255 : 0)), 4, 4), /mask is not binary: value 255 at position 5 \(row 1, column 1\)/);
    assert.deepEqual([...resampleMask(grid(['#.', '..']), 2, 2, 4, 4)], [...grid(['##..', '##..', '....', '....'])]);
  });
});

describe('token alignment', () => {
  // BOS=1, EOS=2, padding to 8
  it('aligns an insertion (the inserted tokens keep their own probabilities)', () => {
    assert.deepEqual([...alignTokens([1, 10, 11, 2], [1, 10, 20, 21, 11, 2], 8)], [0, 1, -1, -1, 2, 3, 4, 5]);
  });
  it('aligns a replacement to the word it replaces', () => {
    assert.deepEqual([...alignTokens([1, 10, 11, 12, 2], [1, 10, 30, 12, 2], 8)], [0, 1, 2, 3, 4, 5, 6, 7]);
  });
  it('aligns around a deletion', () => {
    assert.deepEqual([...alignTokens([1, 10, 11, 12, 2], [1, 10, 12, 2], 8)], [0, 1, 3, 4, 5, 6, 7, 7]);
  });
});

describe('sparse plan', () => {
  const geometry = { inH: 16, inW: 16, kernel: 3, stride: 1, padding: [1, 1, 1, 1] as const };
  it('max-pools the mask per resolution and lists active tokens', () => {
    const m = new Uint8Array(64);
    m[9] = 1; // (1, 1)
    const plan = new SparsePlan(m, 8, 8);
    assert.deepEqual([...plan.level(4, 4)].map(String).join(''), '1000000000000000');
    assert.deepEqual([...plan.tokens(8, 8)], [9]);
    assert.deepEqual([...plan.tokens(2, 2)], [0]);
    // GroupNorm rows to sum afresh: the rows with an active position, one flag each
    assert.deepEqual([...plan.rows(8, 8)], [0, 1, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual([...plan.rows(4, 4)], [1, 0, 0, 0]);
    assert.equal(plan.rows(8, 8), plan.rows(8, 8), 'made once (its device copy is keyed by the array)');
    // convolutions of one geometry share one plan (and so one device copy of its index arrays)
    const g = { inH: 8, inW: 8, kernel: 3, stride: 1, padding: [1, 1, 1, 1] as const };
    assert.equal(plan.conv('a', g), plan.conv('b', { ...g }));
    assert.notEqual(plan.conv('c', { ...g, stride: 2 }), plan.conv('a', g));
    assert.deepEqual([...plan.convPlans().keys()], ['a', 'b', 'c']);
    assert.ok(Math.abs(plan.editSize - 1 / 64) < 1e-12);
  });

  it('chooses the block size with the least gathered volume (APSC)', () => {
    const one = new Uint8Array(256);
    one[5 * 16 + 5] = 1;
    const p1 = planConv(geometry, () => one, 'apsc');
    assert.equal(p1.kind, 'tiles');
    assert.equal(p1.kind === 'tiles' && p1.block, 1); // one 3x3 tile
    const square = new Uint8Array(256);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) square[y * 16 + x] = 1;
    const p8 = planConv(geometry, () => square, 'apsc');
    assert.ok(p8.kind === 'tiles' && p8.block === 8 && p8.side === 10, JSON.stringify(p8.kind === 'tiles' && p8.block));
    assert.deepEqual(p8.kind === 'tiles' && [...p8.origins], [-1, -1]);
  });

  it('falls back to the dense kernel when the gathered volume is too large', () => {
    assert.equal(planConv(geometry, () => new Uint8Array(256).fill(1), 'apsc').kind, 'dense');
    const fixed = planConv(geometry, () => Uint8Array.from({ length: 256 }, (_, i) => (i === 0 ? 1 : 0)), 4);
    assert.ok(fixed.kind === 'tiles' && fixed.block === 4 && fixed.side === 6);
    assert.throws(() => new SparsePlan(new Uint8Array(4), 2, 2, 0), /block size must be a positive integer or "apsc"/);
  });

  it("weighs the block sizes the backend's tiles cost by outputs at (Backend.tileBlocksByOutputs) by those outputs, dense past 80% of the map's", () => {
    const sizes = [4, 6, 8, 10, 12, 14, 16]; // Winograd's over tiles: even sides from 4 (APSC's of them: 4, 8, 12, 16)
    // an L: three 4 x 4 blocks (48 outputs, 108 gathered) against one 8 x 8 (64 outputs, 100 gathered)
    const l = new Uint8Array(256);
    for (let i = 0; i < 8; i++) l[i] = l[i * 16] = 1;
    const byVolume = planConv(geometry, () => l, 'apsc'), byOutputs = planConv(geometry, () => l, 'apsc', false, undefined, sizes);
    assert.ok(byVolume.kind === 'tiles' && byVolume.block === 8, JSON.stringify(byVolume.kind === 'tiles' && byVolume.block));
    assert.ok(byOutputs.kind === 'tiles' && byOutputs.block === 4 && byOutputs.corners.length === 6, JSON.stringify(byOutputs.kind === 'tiles' && byOutputs.block));
    // 12 of 16 rows: 75% of the outputs, 133% of the dense input by any block's volume
    const most = Uint8Array.from({ length: 256 }, (_, i) => (i < 192 ? 1 : 0));
    assert.equal(planConv(geometry, () => most, 'apsc').kind, 'dense');
    const tiles = planConv(geometry, () => most, 'apsc', false, undefined, sizes);
    assert.ok(tiles.kind === 'tiles' && tiles.block === 4, JSON.stringify(tiles.kind));
    assert.equal(planConv(geometry, () => Uint8Array.from({ length: 256 }, (_, i) => (i < 208 ? 1 : 0)), 'apsc', false, undefined, sizes).kind, 'dense');
    // rows, a fixed block size and sizes APSC does not take are planned as before
    assert.ok(planConv(geometry, () => l, 'apsc', true, undefined, sizes).kind === 'tiles' && (planConv(geometry, () => l, 'apsc', true, undefined, sizes) as { block: number }).block === 1);
    assert.equal((planConv(geometry, () => l, 8, false, undefined, sizes) as { block: number }).block, 8);
    assert.equal((planConv(geometry, () => l, 'apsc', false, undefined, [6, 10]) as { block: number }).block, 8);
    // a plan keeps the two apart
    const plan = new SparsePlan(l, 16, 16), g = { inH: 16, inW: 16, kernel: 3, stride: 1, padding: [1, 1, 1, 1] as const };
    assert.notEqual(plan.conv('a', g), plan.conv('b', g, undefined, sizes));
  });

  it('computes only the active outputs, as blocks of one position, where the backend gathers tile rows', () => {
    const square = new Uint8Array(256);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) square[y * 16 + x] = 1;
    const rows = planConv(geometry, () => square, 'apsc', true);
    assert.ok(rows.kind === 'tiles' && rows.block === 1 && rows.side === 3 && rows.corners.length === 2 * 64, JSON.stringify(rows.kind));
    assert.deepEqual(rows.kind === 'tiles' && [...rows.origins.subarray(0, 4)], [-1, -1, -1, 0]);
    // dense above 80% of the outputs (APSC's volume would have gone dense far earlier)
    const most = Uint8Array.from({ length: 256 }, (_, i) => (i < 200 ? 1 : 0));
    assert.equal(planConv(geometry, () => most, 'apsc', true).kind, 'tiles');
    assert.equal(planConv(geometry, () => most, 'apsc').kind, 'dense');
    assert.equal(planConv(geometry, () => Uint8Array.from({ length: 256 }, (_, i) => (i < 210 ? 1 : 0)), 'apsc', true).kind, 'dense');

    // the plan asks with the active outputs' count; a fixed block size is kept whatever the backend
    const m = new Uint8Array(64);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) m[y * 8 + x] = 1;
    const g = { inH: 8, inW: 8, kernel: 3, stride: 1, padding: [1, 1, 1, 1] as const };
    const asked: number[] = [];
    const plan = new SparsePlan(m, 8, 8);
    const byRows = plan.conv('a', g, (outputs) => (asked.push(outputs), 'rows'));
    const byBlocks = plan.conv('b', g, () => 'tiles');
    assert.deepEqual(asked, [16]);
    assert.ok(byRows.kind === 'tiles' && byRows.block === 1 && byRows.corners.length === 32);
    assert.ok(byBlocks.kind === 'tiles' && byBlocks.block === 4, JSON.stringify(byBlocks.kind === 'tiles' && byBlocks.block));
    assert.equal(plan.conv('c', { ...g }, () => 'rows'), byRows, 'plans of one geometry and choice are shared');
    // 'rows over dense': APSC's blocks where they stay sparse, rows where they would go dense
    assert.deepEqual(plan.conv('d', g, () => 'rows over dense'), byBlocks);
    const wide = new SparsePlan(Uint8Array.from({ length: 64 }, (_, i) => (i % 8 < 6 ? 1 : 0)), 8, 8);
    assert.equal(wide.conv('a', g).kind, 'dense');
    const over = wide.conv('b', g, () => 'rows over dense');
    assert.ok(over.kind === 'tiles' && over.block === 1 && over.corners.length === 2 * 48);
    const fixed = new SparsePlan(m, 8, 8, 4).conv('a', g, () => 'rows');
    assert.ok(fixed.kind === 'tiles' && fixed.block === 4);
  });

  it('a sparse step refuses a map made only where its named convolutions read it as the input of any other layer', () => {
    const ops = new CpuBackend();
    const zeros: WeightSource = { has: () => true, read: (_name, shape) => new Float32Array(shape.reduce((a, d) => a * d, 1)) };
    const p = new Params(ops, zeros);
    const [conv1, conv2, other] = ['conv1', 'conv2', 'other'].map((name) => new Conv2d(p.at(name), 6, 6, 3));
    const norm = new GroupNorm(p.at('norm'), 2, 6, 1e-5);
    const m = new Uint8Array(64);
    m[3 * 8 + 4] = 1;
    const ctx = new SparseContext(ops, new SparsePlan(m, 8, 8), new StepCache(), new StepCache(), { condItem: 1, recordProbs: false, norm: 'exact', attention: 'accurate' });
    const zerosOf = (shape: number[]) => ops.fromHost(new Float32Array(shape.reduce((x, d) => x * d, 1)), shape);
    const a = zerosOf([2, 8, 8, 4]), b = zerosOf([2, 8, 8, 2]);
    const skip = ctx.concat(a, b, [conv1, conv2]);
    assert.throws(() => ctx.conv(other, skip), /other reads a map made only in the rows that conv1 and conv2 read/);
    assert.throws(() => ctx.conv(other, a, undefined, false, skip), /other reads a map made only/, 'as a residual');
    assert.throws(() => ctx.conv(other, a, undefined, false, { conv: conv1, x: skip }), /other reads a map made only/, 'as a projected residual');
    assert.throws(() => ctx.tokens(norm, skip), /a transformer reads a map made only/);
    assert.throws(() => ctx.conv(other, ops.reshape(skip, [2, 8, 8, 6])), /other reads a map made only/, 'a reshape of the map, which shares its storage');
    assert.throws(() => ctx.conv(other, ctx.upsample(zerosOf([2, 4, 4, 6]), conv1)), /other reads a map made only in the rows that conv1 read/);
    // its readers go on to their plans (here: no base step to write into)
    assert.throws(() => ctx.conv(conv1, skip), /cache has no activation "conv1"/);
    assert.throws(() => ctx.conv(conv2, a, undefined, false, { conv: other, x: skip }), /cache has no activation "conv2"/, 'the shortcut read where conv2 writes');
    assert.doesNotThrow(() => ctx.concat(a, b, [other]), 'a map of other readers');
  });

  it("flags the map rows its convolutions' input windows hold (what a concatenation or upsampling they alone read must make), once per readers", () => {
    // active: rows 2-3 at columns 0-1 of an 8 x 8 map
    const m = new Uint8Array(64);
    for (const y of [2, 3]) for (const x of [0, 1]) m[y * 8 + x] = 1;
    const plan = new SparsePlan(m, 8, 8);
    const g = { inH: 8, inW: 8, kernel: 3, stride: 1, padding: [1, 1, 1, 1] as const };
    const rows = plan.conv('rows', g, () => 'rows'), fixed = new SparsePlan(m, 8, 8, 4).conv('block', g);
    const corner = new SparsePlan(Uint8Array.from({ length: 64 }, (_, i) => (i === 63 ? 1 : 0)), 8, 8).conv('corner', g, () => 'rows');
    assert.ok(rows.kind === 'tiles' && rows.side === 3 && fixed.kind === 'tiles' && fixed.side === 6 && corner.kind === 'tiles');
    // blocks of one position: windows of rows 1-4; a 4 x 4 block: of rows -1 (the padding) to 4; the corner's: 6-8
    const flagged = (f: Uint8Array | undefined) => f && [...f.keys()].filter((y) => f[y]);
    assert.deepEqual(flagged(plan.inputRows('rows', 8, 8, [rows])), [1, 2, 3, 4]);
    assert.deepEqual(flagged(plan.inputRows('block', 8, 8, [fixed])), [0, 1, 2, 3, 4]);
    assert.deepEqual(flagged(plan.inputRows('rows corner', 8, 8, [rows, corner])), [1, 2, 3, 4, 6, 7], 'the union of the readers windows');
    assert.equal(plan.inputRows('rows', 8, 8, [rows]), plan.inputRows('rows', 8, 8, [rows]), 'made once (the array keys its device copy)');
    // a reader that runs densely reads every row
    const dense = new SparsePlan(new Uint8Array(64).fill(1), 8, 8).conv('d', g);
    assert.equal(dense.kind, 'dense');
    assert.equal(plan.inputRows('rows d', 8, 8, [rows, dense]), undefined);
  });

  it('lists, for every block size and resolution, exactly the blocks holding active positions, row-major, once each', () => {
    const rnd = new Random(7);
    for (const [h, w, share] of [[96, 96, 0.05], [96, 96, 0.3], [48, 40, 0.15], [12, 12, 0.5], [7, 5, 0.4]] as const) {
      const mask = Uint8Array.from({ length: h * w }, () => (rnd.uniform() < share ? 1 : 0));
      const plan = new SparsePlan(mask, h, w);
      for (const div of [1, 2, 4].filter((d) => h % d === 0 && w % d === 0)) {
        const lh = h / div, lw = w / div, level = plan.level(lh, lw);
        // the level: a position is active where any latent position under it is
        for (let y = 0; y < lh; y++)
          for (let x = 0; x < lw; x++) {
            let any = 0;
            for (let dy = 0; dy < div; dy++) for (let dx = 0; dx < div; dx++) any |= mask[(y * div + dy) * w + x * div + dx]!;
            assert.equal(level[y * lw + x], any, `${h}x${w} level ${lh}x${lw} at ${y},${x}`);
          }
        for (const b of [1, 2, 4, 8, 12, 16]) {
          const p = planConv({ inH: lh, inW: lw, kernel: 3, stride: 1, padding: [1, 1, 1, 1] }, () => level, b);
          if (p.kind !== 'tiles') continue;
          const keys = Array.from({ length: p.corners.length / 2 }, (_, i) => p.corners[2 * i]! * lw + p.corners[2 * i + 1]!);
          assert.deepEqual(keys, [...keys].sort((a, c) => a - c), `${lh}x${lw} b ${p.block}: row-major`);
          assert.equal(new Set(keys).size, keys.length, 'each block once');
          const listed = new Set(keys);
          for (let y = 0; y < lh; y++)
            for (let x = 0; x < lw; x++) {
              const corner = Math.floor(y / p.block) * p.block * lw + Math.floor(x / p.block) * p.block;
              if (level[y * lw + x]) assert.ok(listed.has(corner), `${lh}x${lw} b ${p.block}: active ${y},${x} in a listed block`);
            }
          for (const k of keys) {
            const y0 = Math.floor(k / lw), x0 = k % lw;
            let any = false;
            for (let y = y0; y < Math.min(lh, y0 + p.block); y++) for (let x = x0; x < Math.min(lw, x0 + p.block); x++) any ||= level[y * lw + x] === 1;
            assert.ok(any, `${lh}x${lw} b ${p.block}: block ${y0},${x0} holds an active position`);
          }
        }
      }
    }
  });

  it('plans strided convolutions in input coordinates', () => {
    const m = new Uint8Array(64).fill(0);
    m[3 * 8 + 3] = 1;
    const p = planConv({ inH: 16, inW: 16, kernel: 3, stride: 2, padding: [1, 1, 1, 1] }, () => m, 'apsc');
    assert.ok(p.kind === 'tiles' && p.block === 1 && p.side === 3);
    assert.deepEqual(p.kind === 'tiles' && [...p.origins], [5, 5]);
  });
});

describe('compositing', () => {
  it('keeps base pixels outside the dilated, upsampled mask', () => {
    const mask = grid(['#...', '....', '....', '....']);
    const region = pixelRegion(mask, 4, 4, 2, 1);
    assert.deepEqual([...region].join(''), grid(['###.....', '###.....', '###.....', '........', '........', '........', '........', '........']).join(''));
    const base = new Float32Array(64 * 3).fill(0.25), edited = new Float32Array(64 * 3).fill(0.75);
    const out = keepOutside(edited, { region, values: base });
    assert.equal(out[0], 0.75);
    assert.equal(out[3 * 3], 0.25);
  });

  it('takes each pixel from the edit inside the region and from the base outside, runs at both ends included', () => {
    const rnd = new Random(5);
    for (const [first, last] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
      const region = Uint8Array.from({ length: 40 }, (_, i) => (i === 0 ? first : i === 39 ? last : rnd.uniform() < 0.4 ? 1 : 0));
      const base = Float32Array.from({ length: 40 * 3 }, (_, i) => i), edited = Float32Array.from({ length: 40 * 3 }, (_, i) => -i);
      const baseBefore = base.slice();
      const out = keepOutside(edited, { region, values: base });
      assert.equal(out, edited, 'into the decode\'s own array');
      assert.deepEqual([...out], Array.from({ length: 40 * 3 }, (_, i) => (region[Math.floor(i / 3)] ? -i : i)));
      assert.deepEqual(base, baseBefore, 'the base image is left as it was');
    }
    assert.throws(() => keepOutside(new Float32Array(9), { region: new Uint8Array(2), values: new Float32Array(6) }), /toHost: 9 values, 6 to keep outside the region, for a region of 2 positions/);
    assert.throws(() => keepOutside(new Float32Array(9), { region: new Uint8Array(2), values: new Float32Array(9) }), /toHost: 9 values, 9 to keep outside the region, for a region of 2 positions/);
  });

  it('toHost keeps the given values outside the region, into a given array or a new one, the tensor left as it was', () => {
    const cpu = new CpuBackend();
    const t = cpu.fromHost(Float32Array.from({ length: 12 }, (_, i) => i), [4, 3]);
    const outside = { region: Uint8Array.from([1, 0, 0, 1]), values: new Float32Array(12).fill(-1) };
    const want = [0, 1, 2, -1, -1, -1, -1, -1, -1, 9, 10, 11];
    assert.deepEqual([...cpu.toHost(t, undefined, outside)], want);
    assert.deepEqual([...cpu.toHost(t)], [...Array(12).keys()], 'the tensor as it was');
    const into = new Float32Array(12);
    assert.equal(cpu.toHost(t, into, outside), into);
    assert.deepEqual([...into], want);
    assert.throws(() => cpu.toHost(t, into, { region: new Uint8Array(5), values: new Float32Array(12) }), /toHost: 12 values, 12 to keep outside the region, for a region of 5 positions/);
  });

  it('marks exactly the pixels within the margin of an active cell, whole-cell margins or not', () => {
    const rnd = new Random(7);
    for (const [factor, margin] of [[8, 16], [8, 5], [2, 2], [1, 3], [4, 0]] as const) {
      const h = 6, w = 9;
      const mask = Uint8Array.from({ length: h * w }, () => (rnd.uniform() < 0.12 ? 1 : 0));
      const region = pixelRegion(mask, h, w, factor, margin);
      // by definition: the Chebyshev distance from the pixel to some active cell's square is <= margin
      const near = (py: number, px: number) => [...mask].some((on, i) => {
        if (!on) return false;
        const y0 = Math.floor(i / w) * factor, x0 = (i % w) * factor;
        const dy = Math.max(y0 - py, 0, py - (y0 + factor - 1)), dx = Math.max(x0 - px, 0, px - (x0 + factor - 1));
        return Math.max(dy, dx) <= margin;
      });
      region.forEach((v, i) => assert.equal(v, near(Math.floor(i / (w * factor)), i % (w * factor)) ? 1 : 0, `factor ${factor}, margin ${margin}, pixel ${i}`));
    }
  });
});
