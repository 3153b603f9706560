// The sampling loop's vectors on the host (the cpu backend's latents, what schedulers use by default).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CpuBackend } from '../src/backend/cpu/cpu.js';
import { hostLatentMath } from '../src/backend/latents.js';

const f32 = (...v: number[]) => Float32Array.from(v);

describe('host latents', () => {
  const ops = new CpuBackend();
  const lat = ops.latents;

  it('combines up to four vectors, summing in float64 and rounding once', () => {
    assert.deepEqual(lat.combine([[2, f32(1, 2)], [-1, f32(0.5, 4)]]), f32(1.5, 0));
    // 1 + 2^-30 - 1 is 0 in float32 arithmetic, 2^-30 summed in float64
    assert.deepEqual(lat.combine([[1, f32(1)], [2 ** -30, f32(1)], [-1, f32(1)]]), f32(2 ** -30));
    assert.throws(() => lat.combine([]), /0 terms/);
    assert.throws(() => lat.combine([[1, f32(1)], [1, f32(1)], [1, f32(1)], [1, f32(1)], [1, f32(1)]]), /5 terms/);
    assert.throws(() => lat.combine([[1, f32(1, 2)], [1, f32(1)]]), /vectors of 2 and 1 values/);
    assert.deepEqual(hostLatentMath.clamp(f32(-3, 0.5, 2), 1), f32(-1, 0.5, 1));
  });

  it('keeps the base outside a per-pixel mask, and sums channel differences per pixel', () => {
    const x = f32(1, 2, 3, 4, 5, 6), base = f32(0, 0, 0, 0, 0, 0);
    assert.deepEqual(lat.where(Uint8Array.from([0, 1, 0]), x, base), f32(0, 0, 3, 4, 0, 0));
    assert.throws(() => lat.where(new Uint8Array(4), x, base), /a mask of 4 pixels for 6 values/);
    assert.deepEqual(lat.toHost(lat.channelAbsDiff(f32(1, 2, 3, 4), f32(0, 4, 3, 3), 2)), f32(3, 1));
  });

  it('makes the U-Net sample (copies of scaled latents) and guides its output', () => {
    const sample = lat.sample(f32(1, 2), [1, 1, 2], 2, 0.5);
    assert.deepEqual(sample.shape, [2, 1, 1, 2]);
    assert.deepEqual(ops.toHost(sample), f32(0.5, 1, 0.5, 1));
    const out = ops.fromHost(f32(1, 2, 3, 6), [2, 1, 1, 2]);
    assert.deepEqual(lat.guide(out, 2), f32(1 + 2 * 2, 2 + 2 * 4), 'uncond + g (cond - uncond)');
    assert.deepEqual(lat.guide(ops.sliceBatch(out, 1), 2), f32(3, 6), 'one item: as it is');
  });
});
