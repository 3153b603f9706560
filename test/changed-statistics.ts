// The exact GroupNorm statistics of a sparse step, as a property any backend must have: the base
// map's sums plus what in-place writes reported changing (Backend GroupSumsUpdate) are the sums of
// the map after the writes, to float64 rounding, over a concatenation of written maps too.
import assert from 'node:assert/strict';
import type { Backend, GroupNormStats, SumsChange } from '../src/backend/backend.js';
import type { Tensor } from '../src/tensor/tensor.js';
import type { Random } from '../src/util/random.js';

const doubles = (b: Uint8Array) => new Float64Array(new Uint8Array(b).buffer);
/**
 * How near the sums must be: a whole map's sums with an offset add x + offset as float32 holds it,
 * a change's take the offset in exactly (its square expanded), so they part by about float32's rounding.
 */
const SUMS_RELATIVE = 1e-6;

/**
 * Maps a [2, h, w, ca] (block writes, with a residual) and b [2, h * w, cb] (row writes), their
 * concatenation normalised in `groups` groups (one straddling the two where ca is not a multiple of
 * the group size), with and without an input offset: the statistics from the base's sums and the
 * writes' changes against those of the written map, and with no write the base's, bit for bit.
 * Returns the updated statistics (with the offset) for comparisons across backends.
 */
export function checkChangedStatistics(ops: Backend, rnd: Random, { h, w, ca, cb, groups }: { h: number; w: number; ca: number; cb: number; groups: number }): GroupNormStats {
  const t = (shape: number[]) => ops.fromHost(rnd.normal(shape.reduce((x, y) => x * y, 1)), shape);
  const c = ca + cb, gamma = t([c]), beta = t([c]), offset = t([2, c]);
  const a = t([2, h, w, ca]), b = t([2, h * w, cb]);
  const norm = (x: Tensor, off?: Tensor, update?: Parameters<Backend['groupNormAffine']>[5]) => ops.groupNormAffine(x, groups, gamma, beta, 1e-5, update, off);
  const concat = () => ops.concatChannels(a, ops.reshape(b, [2, h, w, cb]));
  const before = norm(concat()), beforeOff = norm(concat(), offset);

  // nothing written: the base's statistics, bit for bit
  const none = norm(concat(), offset, { base: beforeOff.sums, changes: [] });
  for (const k of ['scale', 'shift', 'sums'] as const) assert.deepEqual(ops.toBytes(none[k]), ops.toBytes(beforeOff[k]), `no change: ${k}`);

  // blocks of 2 at two corners (one past the map's edge), a position of them inactive, plus a residual; three rows
  const corners = Int32Array.from([0, 0, h - 1, w - 1]);
  const active = new Uint8Array(h * w).fill(1);
  active[1] = 0;
  const ofA: SumsChange[] = [], ofB: SumsChange[] = [];
  ops.overwriteBlocks(a, t([2 * 2, 2, 2, ca]), corners, active, t([2, h, w, ca]), ofA);
  ops.overwriteRows(b, t([2, 3, cb]), Int32Array.from([h * w - 1, 0, 2]), false, ofB);
  assert.equal(ofA.length, 1, 'a block write reports one change');
  assert.equal(ofB.length, 1, 'a row write reports one change');
  const changes = [...ofA.map((change) => ({ change, channel: 0 })), ...ofB.map((change) => ({ change, channel: ca }))];

  for (const off of [undefined, offset]) {
    const whole = norm(concat(), off), updated = norm(concat(), off, { base: (off ? beforeOff : before).sums, changes });
    const want = doubles(ops.toBytes(whole.sums)), got = doubles(ops.toBytes(updated.sums));
    assert.equal(got.length, 2 * 2 * groups);
    want.forEach((v, i) => assert.ok(Math.abs(v - got[i]!) <= SUMS_RELATIVE * Math.max(1, Math.abs(v)), `sums${off ? ' + offset' : ''} at ${i}: ${got[i]} against ${v}`));
    for (const k of ['scale', 'shift'] as const) {
      const x = ops.toHost(whole[k]), y = ops.toHost(updated[k]);
      x.forEach((v, i) => assert.ok(Math.abs(v - y[i]!) <= 2 ** -10 * Math.max(1, Math.abs(v)), `${k}${off ? ' + offset' : ''} at ${i}: ${y[i]} against ${v}`));
    }
    assert.notDeepEqual(ops.toHost(updated.scale), ops.toHost(before.scale), 'the writes changed the statistics');
  }

  // a change over channels outside the map, or overlapping another, and base sums of another shape: refused by name
  assert.throws(() => norm(concat(), undefined, { base: before.sums, changes: [{ change: ofB[0]!, channel: ca + 1 }] }), /sums change of channels .* outside/);
  assert.throws(() => norm(concat(), undefined, { base: before.sums, changes: [{ change: ofA[0]!, channel: 0 }, { change: ofB[0]!, channel: 0 }] }), /overlaps another/);
  assert.throws(() => ops.groupNormAffine(a, groups, t([ca]), t([ca]), 1e-5, { base: ops.sliceBatch(before.sums, 0), changes: [] }), /base sums .* do not fit/);
  return norm(concat(), offset, { base: beforeOff.sums, changes });
}
