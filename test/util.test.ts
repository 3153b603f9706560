import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePng, encodePng } from '../src/io/png.js';
import { Random } from '../src/util/random.js';
import { maxAbsDiff, relativeRmsDiff } from '../src/verify/compare.js';

describe('seeded generator', () => {
  it('gives pinned values for a seed (the same on every machine)', () => {
    const r = new Random(42);
    // If these change, every seeded generation changes: bump the default model version and say so.
    assert.deepEqual([r.nextUint32(), r.nextUint32(), r.nextUint32()], PINNED_42);
    assert.deepEqual([...new Random(7).normal(3)].map((v) => v.toFixed(6)), PINNED_NORMAL_7);
  });

  it('is reproducible and seed-dependent', () => {
    assert.deepEqual(new Random(1).normal(100), new Random(1).normal(100));
    assert.notDeepEqual(new Random(1).normal(100), new Random(2).normal(100));
  });

  it('draws standard normals', () => {
    const x = new Random(3).normal(200_000);
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length;
    assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.01, `variance ${variance}`);
  });

  it('rejects a bad seed', () => {
    assert.throws(() => new Random(-1), /seed must be a non-negative integer/);
    assert.throws(() => new Random(1.5), /seed must be a non-negative integer/);
  });
});

describe('PNG', () => {
  it('round-trips RGB and grey images', () => {
    const rgb = { width: 5, height: 3, channels: 3 as const, data: Uint8Array.from({ length: 45 }, (_, i) => (i * 37) & 255) };
    assert.deepEqual(decodePng(encodePng(rgb)), rgb);
    const grey = { width: 4, height: 4, channels: 1 as const, data: Uint8Array.from({ length: 16 }, (_, i) => i * 16) };
    assert.deepEqual(decodePng(encodePng(grey)), grey);
  });

  it('names a file that is not a PNG or is damaged', () => {
    assert.throws(() => decodePng(Buffer.from('hello world'), 'mask.png'), /mask\.png is not a PNG file/);
    const png = encodePng({ width: 2, height: 2, channels: 1, data: new Uint8Array(4) });
    assert.throws(() => decodePng(png.subarray(0, 40), 'cut.png'), /cut\.png: (chunk .* runs past the end|missing IHDR or IDAT)/);
  });
});

const PINNED_42 = [2837322924, 544945897, 479756282];
const PINNED_NORMAL_7 = ['-1.699767', '-0.130899', '0.590718'];

describe('comparing values', () => {
  it('relativeRmsDiff: the RMS of the difference over the RMS of the reference; Infinity for other lengths or values not finite', () => {
    assert.equal(relativeRmsDiff([1, 2, 3], [1, 2, 3]), 0);
    assert.equal(relativeRmsDiff([3, 4], [6, 8]), 0.5);
    assert.ok(Math.abs(relativeRmsDiff([1.1, -2], [1, -2]) - Math.sqrt(0.01 / 5)) < 1e-12);
    assert.equal(relativeRmsDiff([1, 2], [1, 2, 3]), Infinity);
    assert.equal(relativeRmsDiff([NaN, 1], [1, 1]), Infinity);
    assert.equal(relativeRmsDiff([1], [0]), Infinity);
  });

  it('maxAbsDiff: the largest absolute difference; Infinity for other lengths or a NaN', () => {
    assert.equal(maxAbsDiff([1, 5, 2], [1, 2, 2.5]), 3);
    assert.equal(maxAbsDiff([1], [1, 2]), Infinity);
    assert.equal(maxAbsDiff([NaN], [1]), Infinity);
  });
});
