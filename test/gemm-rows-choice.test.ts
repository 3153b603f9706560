// The few-row GEMM's launch choice (backend/cuda/gemm-rows.ts), checked without a GPU: every launch
// covers the rows, the outputs and K exactly once in one wave of blocks that fit a Hopper
// multiprocessor, names a kernel the module builds, and what it refuses it says why.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GEMM_ROWS_COLS, GEMM_ROWS_KERNELS, GEMM_ROWS_SLABS, SHARED_BYTES_PER_SM } from '../src/backend/cuda/kernels.js';
import { GEMM_ROWS_MAX_ROWS, gemmRowsDefaultRows, gemmRowsLaunch } from '../src/backend/cuda/gemm-rows.js';

const SMS = 132;
/** The most dynamic shared memory a Hopper block may take (227 KiB). */
const MAX_SHARED = 227 * 1024;

describe('few-row GEMM launch choice', () => {
  // a sparse step's linear layers at 768 px (~5-30% of the map) and a time embedding's 2 rows: [rows, n, k]
  const shapes: [number, number, number][] = [];
  for (const rows of [2, 13, 40, 76, 252, 768, 1000, 1024])
    for (const [n, k] of [[320, 320], [640, 640], [1280, 1280], [320, 1280], [640, 2560], [1280, 5120], [1280, 320]]) shapes.push([rows, n!, k!]);

  it('covers the product once, in one wave of blocks that fit a multiprocessor; a sparse step\'s shapes all', () => {
    for (const [rows, n, k, slabs] of shapes.flatMap((s) => [undefined, 4, 2, 1].map((slabs) => [...s, slabs] as const))) {
      const l = gemmRowsLaunch(rows, n, k, SMS, { slabs });
      if (slabs !== undefined && typeof l === 'string') continue; // fewer slabs a block: more blocks, perhaps more than a wave
      // a ~5-30% step at 768 px: 40-800 rows at 320 channels, 40-160 at 640 and 1280 (K = 2560 and 5120 have no build)
      const sparse = rows <= (n === 320 || k === 320 ? 800 : 160) && k < 2560;
      if (typeof l === 'string') {
        assert.ok(!sparse, `${rows}x${n}x${k}: ${l}`);
        assert.match(l, k >= 2560 ? / inputs \(/ : /waves of blocks \(one at most/);
        continue;
      }
      const m = /^k_gemm_rows(\d+)_(\d+)$/.exec(l.name);
      assert.ok(m && l.name in GEMM_ROWS_KERNELS, `${rows}x${n}x${k}: ${l.name}`);
      const [chunks, splits] = [Number(m[1]), Number(m[2])];
      assert.equal(l.splits, splits);
      assert.equal(32 * chunks * splits, k, `${rows}x${n}x${k}: K split once`);
      assert.ok(l.slabs >= 1 && l.slabs <= (slabs ?? GEMM_ROWS_SLABS), `${rows}x${n}x${k}: ${l.slabs} slabs a block (at most ${slabs ?? GEMM_ROWS_SLABS})`);
      const rowBlocks = l.grid / (n / GEMM_ROWS_COLS);
      assert.ok(Number.isInteger(rowBlocks) && rowBlocks * 16 * l.slabs >= rows && (rowBlocks - 1) * 16 * l.slabs < rows, `${rows}x${n}x${k}: ${rowBlocks} row blocks of ${l.slabs} slabs`);
      assert.ok(l.sharedBytes <= MAX_SHARED, `${l.name}: ${l.sharedBytes} bytes`);
      const waves = Math.ceil((l.grid * l.splits) / (SMS * Math.floor(SHARED_BYTES_PER_SM / (l.sharedBytes + 1024))));
      // a ~5-30% step at 768 px: 40-800 rows at 320 channels, 40-350 at 640 and 1280
      assert.equal(waves, 1, `${rows}x${n}x${k}: ${l.name}, one wave`);
    }
  });

  it('takes the most blocks a wave holds, of the fewest splits among those: a ~5% step\'s 76 x 1280 x 1280 in 3 blocks of rows, split four ways', () => {
    assert.deepEqual(gemmRowsLaunch(76, 1280, 1280, SMS), { name: 'k_gemm_rows10_4', grid: 60, splits: 4, slabs: 2, sharedBytes: 16 * 2 * (10 * 64 + 64) + 16 * 2 * (64 + 8) * 4 });
    // 128 x 640: 160 blocks split 2 ways (a slab each) rather than 4 (2 slabs each)
    const l = gemmRowsLaunch(128, 640, 640, SMS);
    assert.ok(typeof l !== 'string' && l.grid === 80 && l.slabs === 1 && l.splits === 2, JSON.stringify(l));
    // 768 x 320 split 2 ways: blocks of 2 slabs (240 blocks; of 1, 480 would take two waves)
    const two = gemmRowsLaunch(768, 320, 320, SMS, { splits: 2 });
    assert.ok(typeof two !== 'string' && two.grid === 120 && two.slabs === 2 && two.splits === 2, JSON.stringify(two));
    // at most the slabs asked for (bench:gemm-rows)
    const upTo8 = gemmRowsLaunch(768, 320, 320, SMS, { splits: 2, slabs: 8 });
    assert.ok(typeof upTo8 !== 'string' && upTo8.slabs === 2, JSON.stringify(upTo8));
    assert.match(String(gemmRowsLaunch(768, 320, 320, SMS, { splits: 2, slabs: 1 })), /2 waves of blocks/);
  });

  it('runs by default while x is at most 128 Ki values (256 KiB), about where it beat cuBLASLt', () => {
    assert.deepEqual([320, 640, 1280].map(gemmRowsDefaultRows), [409, 204, 102]);
  });

  it('says why it cannot run a shape', () => {
    assert.match(String(gemmRowsLaunch(GEMM_ROWS_MAX_ROWS + 1, 320, 320, SMS)), /1025 rows \(1 to 1024\)/);
    assert.match(String(gemmRowsLaunch(0, 320, 320, SMS)), /0 rows/);
    assert.match(String(gemmRowsLaunch(76, 330, 320, SMS)), /330 outputs \(a multiple of 64\)/);
    assert.match(String(gemmRowsLaunch(76, 320, 1024, SMS)), /1024 inputs \(160, 320, 640, 1280\)/);
    assert.match(String(gemmRowsLaunch(76, 320, 1000, SMS)), /1000 inputs/);
    assert.match(String(gemmRowsLaunch(1000, 1280, 1280, SMS)), /1000 x 1280 x 1280: 3 waves of blocks/);
  });
});
