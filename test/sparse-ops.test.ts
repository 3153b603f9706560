// The cpu backend's sparse-engine ops against their dense definitions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupSegments } from '../src/backend/backend.js';
import { CpuBackend } from '../src/backend/cpu/cpu.js';
import { StepCache } from '../src/edit/cache.js';
import { RecordingContext } from '../src/edit/contexts.js';
import { planConv } from '../src/edit/plan.js';
import { Random } from '../src/util/random.js';
import type { Tensor } from '../src/tensor/tensor.js';

const ops = new CpuBackend();
const rnd = new Random(99);
const t = (shape: number[]) => ops.fromHost(rnd.normal(shape.reduce((a, b) => a * b, 1)), shape);

describe('sparse ops (cpu)', () => {
  it('attention equals applyProbs(attentionProbs) bit for bit, with odd sizes', () => {
    const q = t([2, 7, 12]), k = t([2, 5, 12]), v = t([2, 5, 12]);
    assert.deepEqual(ops.toHost(ops.attention(q, k, v, { heads: 3 })), ops.toHost(ops.applyProbs(ops.attentionProbs(q, k, 3), v)));
    const p = ops.toHost(ops.attentionProbs(q, k, 3));
    for (let r = 0; r < p.length / 5; r++) assert.ok(Math.abs(p.subarray(r * 5, r * 5 + 5).reduce((a, b) => a + b, 0) - 1) < 1e-6);
  });

  it("attentionWithProbs: attention and one item's probabilities; an item outside the batch or a control of another item is refused", () => {
    const q = t([2, 7, 12]), k = t([2, 5, 12]), v = t([2, 5, 12]);
    const p = ops.attentionProbs(q, k, 3);
    const [out, probs] = ops.attentionWithProbs(q, k, v, 3, 1);
    assert.deepEqual(ops.toHost(out), ops.toHost(ops.attention(q, k, v, { heads: 3 })));
    assert.deepEqual(ops.toHost(probs), ops.toHost(ops.sliceBatch(p, 1)));
    assert.throws(() => ops.attentionWithProbs(q, k, v, 3, 2), /item 2 of a batch of 2/);
    const map = ops.fromHost(new Float32Array(5).fill(-1), [5]);
    assert.throws(() => ops.attentionWithProbs(q, k, v, 3, 0, { item: 1, source: ops.sliceBatch(p, 1), map }), /control of item 1, probabilities of item 0/);
    assert.throws(() => ops.attentionProbs(q, k, 3, { item: 2, source: ops.sliceBatch(p, 1), map }), /attentionProbs: item 2 of a batch of 2/);
  });

  it('gather -> conv -> scatter equals the dense convolution at the active positions', () => {
    const x = t([2, 9, 11, 5]);
    const w = ops.convWeight(rnd.normal(6 * 5 * 9), [6, 5, 3, 3]);
    const b = t([6]);
    const scale = t([2, 5]), shift = t([2, 5]);
    let tested = 0;
    for (const stride of [1, 2]) {
      const dense = ops.conv2d(ops.channelAffine(x, { scale, shift }, true), w, b, { stride, padding: 1 });
      const [, ho, wo] = dense.shape as number[];
      const active = Uint8Array.from({ length: ho! * wo! }, (_, i) => (i % 11 === 0 || i === ho! * wo! - 1 ? 1 : 0));
      for (const block of [1, 2, 3]) {
        const plan = planConv({ inH: 9, inW: 11, kernel: 3, stride, padding: [1, 1, 1, 1] }, () => active, block);
        if (plan.kind !== 'tiles') continue; // the dense fallback: nothing to gather
        tested++;
        const tiles = ops.gatherTiles(x, { origins: plan.origins, side: plan.side }, { scale, shift }, true);
        const base = ops.fromHost(new Float32Array(dense.size), dense.shape);
        const fresh = ops.conv2d(tiles, w, b, { stride, padding: 0 });
        assert.deepEqual(ops.toHost(ops.conv2dTiles(x, { origins: plan.origins, side: plan.side }, { scale, shift }, true, w, b, stride)), ops.toHost(fresh));
        // written in place: base gets the block outputs where active, and what it held there is returned
        const write = (residual?: Tensor) => {
          const into = ops.fromHost(ops.toHost(base).slice(), base.shape);
          return { into, held: ops.overwriteBlocks(into, fresh, plan.corners, active, residual) };
        };
        const plain = write(), out = ops.toHost(plain.into);
        // with a residual: the residual's sum at the written positions only (the rest stays the base's)
        const residual = t(dense.shape as number[]);
        const summedWrite = write(residual), summed = ops.toHost(summedWrite.into);
        const ref = ops.toHost(dense), r = ops.toHost(residual);
        for (let n = 0; n < 2; n++)
          for (let p = 0; p < ho! * wo!; p++)
            for (let c = 0; c < 6; c++) {
              const i = (n * ho! * wo! + p) * 6 + c;
              if (active[p]) {
                assert.ok(Math.abs(out[i]! - ref[i]!) < 1e-5, `stride ${stride} block ${block} at ${i}`);
                assert.equal(summed[i], Math.fround(r[i]! + out[i]!), `with residual, stride ${stride} block ${block} at ${i}`);
              } else {
                assert.equal(out[i], 0);
                assert.equal(summed[i], 0);
              }
            }
        // what it held, written back (no residual), undoes the write and returns the written sums;
        // written back in turn, they redo it
        const undo = ops.overwriteBlocks(summedWrite.into, summedWrite.held, plan.corners, active);
        assert.deepEqual(ops.toHost(summedWrite.into), ops.toHost(base), `stride ${stride} block ${block}: undone`);
        ops.overwriteBlocks(summedWrite.into, undo, plan.corners, active);
        assert.deepEqual(ops.toHost(summedWrite.into), summed, `stride ${stride} block ${block}: redone`);
        // exchanged in place: the same undo, the written sums left in the rows; exchanged again, redone
        const rows = ops.fromHost(ops.toHost(summedWrite.held), summedWrite.held.shape);
        const swap = [{ base: summedWrite.into, rows, at: { corners: plan.corners, active } }];
        ops.swapEach(swap);
        assert.deepEqual(ops.toHost(summedWrite.into), ops.toHost(base), `stride ${stride} block ${block}: swapped back`);
        assert.deepEqual(ops.toHost(rows), ops.toHost(undo), `stride ${stride} block ${block}: the rows hold what was written`);
        ops.swapEach(swap);
        assert.deepEqual(ops.toHost(summedWrite.into), summed, `stride ${stride} block ${block}: swapped again`);
      }
    }
    assert.ok(tested >= 4, `${tested} tiled plans tested`);
  });

  it('concatenation and upsampling of flagged rows only: those rows as the whole op gives them, the others never read (NaN here); flags of another height refused', () => {
    const a = t([2, 5, 3, 4]), b = t([2, 5, 3, 2]), rows = Uint8Array.from([0, 1, 1, 0, 1]);
    const rowsOf = (x: Float32Array, h: number, per: number, keep: (y: number) => boolean) => x.filter((_, i) => keep(Math.floor(i / per) % h));
    const whole = ops.toHost(ops.concatChannels(a, b)), some = ops.toHost(ops.concatChannels(a, b, rows));
    assert.deepEqual(rowsOf(some, 5, 3 * 6, (y) => rows[y] === 1), rowsOf(whole, 5, 3 * 6, (y) => rows[y] === 1));
    assert.ok(rowsOf(some, 5, 3 * 6, (y) => rows[y] === 0).every(Number.isNaN));
    const up = Uint8Array.from({ length: 10 }, (_, y) => (y === 3 || y === 8 ? 1 : 0));
    const upWhole = ops.toHost(ops.upsampleNearest2x(a)), upSome = ops.toHost(ops.upsampleNearest2x(a, up));
    assert.deepEqual(rowsOf(upSome, 10, 6 * 4, (y) => up[y] === 1), rowsOf(upWhole, 10, 6 * 4, (y) => up[y] === 1));
    assert.ok(rowsOf(upSome, 10, 6 * 4, (y) => up[y] === 0).every(Number.isNaN));
    assert.throws(() => ops.concatChannels(a, b, new Uint8Array(4)), /concatChannels: 4 row flags for an output \[2, 5, 3, 6\]/);
    assert.throws(() => ops.upsampleNearest2x(a, rows), /upsampleNearest2x: 5 row flags for an output \[2, 10, 6, 4\]/);
    // inputs of other positions (checkConcat, the one check both backends make)
    assert.throws(() => ops.concatChannels(a, t([2, 5, 2, 2])), /concatChannels: \[2, 5, 3, 4\] and \[2, 5, 2, 2\] differ in positions/);
    assert.throws(() => ops.concatChannels(a, t([10, 3, 2])), /differ in positions/);
  });

  it('GroupNorm statistics with an input offset are those of x + offset, and their affine maps x to its norm', () => {
    const shape = [2, 5, 70, 256], groups = 8;
    const x = t(shape), gamma = t([256]), beta = t([256]), offset = t([2, 256]);
    // x + offset written out, as a float32 map holds it
    const xs = ops.toHost(x), os = ops.toHost(offset), per = 5 * 70 * 256;
    const sum = ops.fromHost(xs.map((v, i) => Math.fround(v + os[Math.floor(i / per) * 256 + (i % 256)]!)), shape);
    const folded = ops.groupNormAffine(x, groups, gamma, beta, 1e-5, undefined, offset), plain = ops.groupNormAffine(sum, groups, gamma, beta, 1e-5);
    assert.deepEqual(ops.toHost(folded.sums), ops.toHost(plain.sums), 'the sums of x + offset, bit for bit');
    assert.deepEqual(ops.toHost(folded.scale), ops.toHost(plain.scale));
    const a = ops.toHost(ops.channelAffine(x, folded, true)), b = ops.toHost(ops.channelAffine(sum, plain, true));
    assert.ok(a.every((v, i) => Math.abs(v - b[i]!) <= 1e-5 * Math.max(1, Math.abs(b[i]!))), 'the folded affine applied to x gives the norm of x + offset');
    const withoutOffset = ops.toHost(ops.channelAffine(x, ops.groupNormAffine(x, groups, gamma, beta, 1e-5), true));
    assert.ok(a.some((v, i) => v !== withoutOffset[i]), 'the offset changes the norm');
    // updated rows with the offset: the same bits as the whole map's
    const rows = Uint8Array.from([0, 1, 0, 0, 1]);
    const updated = ops.groupNormAffine(x, groups, gamma, beta, 1e-5, { base: folded.sums, rows }, offset);
    for (const k of ['scale', 'shift', 'sums'] as const) assert.deepEqual(ops.toHost(updated[k]), ops.toHost(folded[k]), k);
    assert.throws(() => ops.groupNormAffine(x, groups, gamma, beta, 1e-5, undefined, t([1, 256])), /offset \[1, 256\] is not \[2, 256\]/);
  });

  it('GroupNorm statistics updated in the changed rows equal those of the whole map, bit for bit', () => {
    // a map wide enough for several segments per row (backend.ts groupSegments)
    const shape = [2, 5, 70, 256], groups = 8;
    assert.ok(groupSegments(5, 70, 256).pieces > 1);
    const gamma = t([256]), beta = t([256]);
    const baseMap = t(shape), base = ops.groupNormAffine(baseMap, groups, gamma, beta, 1e-5);
    // the new map: the base's, with rows 1 and 3 changed
    const changed = ops.toHost(baseMap), fresh = rnd.normal(changed.length);
    const per = 70 * 256;
    for (let n = 0; n < 2; n++) for (const y of [1, 3]) changed.set(fresh.subarray((n * 5 + y) * per, (n * 5 + y + 1) * per), (n * 5 + y) * per);
    const x = ops.fromHost(changed, shape);
    const whole = ops.groupNormAffine(x, groups, gamma, beta, 1e-5);
    const updated = ops.groupNormAffine(x, groups, gamma, beta, 1e-5, { base: base.sums, rows: Uint8Array.from([0, 1, 0, 1, 0]) });
    for (const k of ['scale', 'shift', 'sums'] as const) assert.deepEqual(ops.toHost(updated[k]), ops.toHost(whole[k]), k);
    // no rows flagged: the base's statistics; every row flagged: a pass over the whole map
    const none = ops.groupNormAffine(baseMap, groups, gamma, beta, 1e-5, { base: base.sums, rows: new Uint8Array(5) });
    for (const k of ['scale', 'shift', 'sums'] as const) assert.deepEqual(ops.toHost(none[k]), ops.toHost(base[k]), k);
    const all = ops.groupNormAffine(x, groups, gamma, beta, 1e-5, { base: base.sums, rows: new Uint8Array(5).fill(1) });
    assert.deepEqual(ops.toHost(all.scale), ops.toHost(whole.scale));
    // a flagged row list that misses a changed row is not what the base's sums describe: not whole's
    const missing = ops.groupNormAffine(x, groups, gamma, beta, 1e-5, { base: base.sums, rows: Uint8Array.from([0, 1, 0, 0, 0]) });
    assert.notDeepEqual(ops.toHost(missing.scale), ops.toHost(whole.scale));
    // sums of another map's shape, or row flags of another height: refused by name
    assert.throws(() => ops.groupNormAffine(t([2, 4, 70, 256]), groups, gamma, beta, 1e-5, { base: base.sums, rows: new Uint8Array(4) }), /base sums .* do not fit/);
    assert.throws(() => ops.groupNormAffine(x, groups, gamma, beta, 1e-5, { base: base.sums, rows: new Uint8Array(4) }), /4 row flags for a map of 5 rows/);
  });

  it('rows gather and write in place; group statistics give GroupNorm', () => {
    const x = t([2, 6, 4]);
    const idx = Int32Array.from([5, 0, 3]);
    const g = ops.gatherRows(x, idx);
    const copy = (a: Tensor) => ops.fromHost(ops.toHost(a).slice(), a.shape); // toHost may be the tensor's own array
    /** overwriteRows into a copy of base: [the copy after, what it returned]. */
    const written = (base: Tensor, src: Tensor, sameRows = false): [Float32Array, Float32Array] => {
      const b = copy(base);
      const held = ops.overwriteRows(b, src, idx, sameRows);
      return [ops.toHost(b), ops.toHost(held)];
    };
    const [back, held] = written(ops.fromHost(new Float32Array(48), [2, 6, 4]), g);
    const xs = ops.toHost(x);
    for (const r of idx) for (let n = 0; n < 2; n++) for (let c = 0; c < 4; c++) assert.equal(back[(n * 6 + r) * 4 + c], xs[(n * 6 + r) * 4 + c]);
    assert.deepEqual(held, new Float32Array(24), 'what the base held at the rows');
    // from a map like base, at the same rows: the other rows stay base's; what base held comes back gathered
    const base = t([2, 6, 4]);
    const [same, sameHeld] = written(base, x, true);
    assert.deepEqual(same, written(base, g)[0]);
    assert.deepEqual(sameHeld, ops.toHost(ops.gatherRows(base, idx)));
    // written back, it undoes the write
    const undone = ops.fromHost(same.slice(), base.shape);
    ops.overwriteRows(undone, ops.fromHost(sameHeld, [2, 3, 4]), idx);
    assert.deepEqual(ops.toHost(undone), ops.toHost(base));
    // exchanged in place: the same undo, the rows then holding what was written; rows of another shape are refused
    const swapped = ops.fromHost(same.slice(), base.shape), kept = ops.fromHost(sameHeld, [2, 3, 4]);
    ops.swapEach([{ base: swapped, rows: kept, at: { rows: idx } }]);
    assert.deepEqual(ops.toHost(swapped), ops.toHost(base));
    assert.deepEqual(ops.toHost(kept), ops.toHost(ops.gatherRows(ops.fromHost(same, base.shape), idx)));
    assert.throws(() => ops.swapEach([{ base: swapped, rows: base, at: { rows: idx } }]), /overwriteRows: source \[2, 6, 4\] for \[2, 6, 4\] at 3 rows/);
    assert.throws(() => ops.swapEach([{ base: t([1, 3, 3, 4]), rows: t([1, 2, 2, 5]), at: { corners: Int32Array.from([0, 0]), active: new Uint8Array(9).fill(1) } }]), /swapEach: blocks \[1, 2, 2, 5\] for a map \[1, 3, 3, 4\]/);
    assert.throws(() => ops.overwriteRows(base, g, idx, true), /overwriteRows: source \[2, 3, 4\] for \[2, 6, 4\] at 3 rows \(\[2, 6, 4\] expected\)/);
    // the fused forms are their definitions
    const affine = { scale: t([2, 4]), shift: t([2, 4]) };
    const [rows, normed] = ops.gatherRowsAffine(x, idx, affine);
    assert.deepEqual(ops.toHost(rows), ops.toHost(g));
    assert.deepEqual(ops.toHost(normed), ops.toHost(ops.channelAffine(g, affine)));
    const a1 = copy(base), b1 = copy(x);
    const [h1, h2] = ops.overwriteRowsPair([a1, g], [b1, rows], idx);
    assert.deepEqual([ops.toHost(a1), ops.toHost(h1)], written(base, g));
    assert.deepEqual([ops.toHost(b1), ops.toHost(h2)], written(x, rows));
    const gamma = t([4]), beta = t([4]);
    const viaStats = ops.toHost(ops.channelAffine(x, ops.groupNormAffine(x, 2, gamma, beta, 1e-5)));
    // GroupNorm written out: 2 groups of 2 channels over 6 positions per batch item
    const gs = ops.toHost(gamma), bs = ops.toHost(beta);
    for (let n = 0; n < 2; n++)
      for (let g = 0; g < 2; g++) {
        const at = (p: number, k: number) => (n * 6 + p) * 4 + g * 2 + k;
        const vals = Array.from({ length: 12 }, (_, i) => xs[at(i >> 1, i & 1)]!);
        const mean = vals.reduce((a, b) => a + b, 0) / 12;
        const rstd = 1 / Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / 12 + 1e-5);
        for (let p = 0; p < 6; p++)
          for (let k = 0; k < 2; k++) {
            const ch = g * 2 + k;
            assert.ok(Math.abs(viaStats[at(p, k)]! - ((xs[at(p, k)]! - mean) * rstd * gs[ch]! + bs[ch]!)) < 1e-5);
          }
      }
  });

  it('cross-attention control replaces the aligned tokens probabilities of the conditional item only', () => {
    const q = t([2, 4, 8]), k = t([2, 6, 8]), v = t([2, 6, 8]);
    const base = new StepCache();
    const source = ops.attentionProbs(t([1, 4, 8]), t([1, 6, 8]), 2);
    base.probs.set('attn2', source);
    const map = Int32Array.from([0, 1, -1, 2, 4, 5]);
    const rec = new StepCache();
    const ctx = new RecordingContext(ops, rec, { condItem: 1, recordProbs: true, control: { base, map: ops.fromHost(Float32Array.from(map), [map.length]) } });
    const out = ops.toHost(ctx.crossAttention('attn2', q, k, v, 2));
    const fresh = ops.toHost(ops.attentionProbs(q, k, 2));
    const rec1 = ops.toHost(rec.probs.get('attn2')!);
    const src = ops.toHost(source);
    for (let h = 0; h < 2; h++)
      for (let i = 0; i < 4; i++)
        for (let j = 0; j < 6; j++) {
          const want = map[j]! >= 0 ? src[(h * 4 + i) * 6 + map[j]!]! : fresh[((1 * 2 + h) * 4 + i) * 6 + j]!;
          assert.equal(rec1[(h * 4 + i) * 6 + j], want);
        }
    // the unconditional item attends as usual
    const plain = ops.toHost(ops.attention(q, k, v, { heads: 2 }));
    assert.deepEqual(out.subarray(0, 32), plain.subarray(0, 32));
    assert.notDeepEqual(out.subarray(32), plain.subarray(32));
    // a column number past the source's columns keeps the column's own probabilities (never a read outside)
    const past = ops.toHost(ops.attentionProbs(q, k, 2, { item: 1, source, map: ops.fromHost(Float32Array.from([6, 7, 99, -1, 0, 1]), [6]) }));
    for (let h = 0; h < 2; h++)
      for (let i = 0; i < 4; i++)
        for (let j = 0; j < 4; j++) assert.equal(past[((1 * 2 + h) * 4 + i) * 6 + j], fresh[((1 * 2 + h) * 4 + i) * 6 + j]);
    assert.throws(() => ops.attentionProbs(q, k, 2, { item: 1, source, map: ops.fromHost(new Float32Array(5), [5]) }), /a map of 5 columns for 6 keys/);
  });
});
