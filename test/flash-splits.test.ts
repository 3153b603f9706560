// The warpgroup-MMA attention's launch choice (backend/cuda/flash-splits.ts), checked without a
// GPU, on the H200's 132 SMs: for a 768 px sparse step's shapes of fewer query blocks than a wave,
// what bench:attention measured fastest (bench/results/2026-12-02-s33-call2-attention-sparse.log);
// from a wave on, the full waves whole and a last wave at most half full split where that saves time;
// forced choices honoured within the key tiles there are.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flashLaunch } from '../src/backend/cuda/flash-splits.js';

const SMS = 132;
/** Query blocks of 64 rows over batch 2 and the heads of an SD 2 level. */
const items = (rows: number, heads: number) => Math.ceil(rows / 64) * 2 * heads;
const split = (splits: number, whole: number, pipelined: boolean) => ({ splits, whole, pipelined });
const unsplit = (rows: number, heads: number, pipelined: boolean) => split(1, items(rows, heads), pipelined);

describe('wgmma attention launch choice', () => {
  it("takes the sweep's fastest for long key ranges under a wave: k_flash_wg64 over ~4.5 blocks an SM", () => {
    // 640 / 1280 / 1920 query rows over 9216 keys (72 tiles), 5 heads
    for (const [rows, splits] of [[640, 6], [1280, 3], [1920, 2]] as const) assert.deepEqual(flashLaunch(items(rows, 5), 72, SMS, 'auto', 'auto'), split(splits, 0, false), `${rows} rows`);
  });

  it('fills idle SMs with the pipelined kernel where blocks are few, but not by a split in two', () => {
    assert.deepEqual(flashLaunch(items(256, 5), 72, SMS, 'auto', 'auto'), split(6, 0, true));
    assert.deepEqual(flashLaunch(items(128, 10), 18, SMS, 'auto', 'auto'), split(4, 0, true));
    assert.deepEqual(flashLaunch(items(384, 10), 18, SMS, 'auto', 'auto'), unsplit(384, 10, true));
    // short key ranges: no split (576 keys: 5 tiles)
    assert.deepEqual(flashLaunch(items(64, 20), 5, SMS, 'auto', 'auto'), unsplit(64, 20, true));
  });

  it('from a wave on, splits only the blocks of a last wave at most half full', () => {
    // 2816 / 3712 rows over 9216 keys: 440 / 580 blocks, 396 a wave
    assert.deepEqual(flashLaunch(items(2816, 5), 72, SMS, 'auto', 'auto'), split(9, 396, false));
    assert.deepEqual(flashLaunch(items(3712, 5), 72, SMS, 'auto', 'auto'), split(2, 396, false));
    // 1024 px: 16384 tokens (2560 blocks, 6.5 waves)
    assert.deepEqual(flashLaunch(items(16384, 5), 128, SMS, 'auto', 'auto'), split(2, 2376, false));
    // fuller last waves (a dense 768 px call's level-1 self-attentions, 1440 blocks; a 512 px call's,
    // 640; 4608 rows, 720), or short key ranges: whole
    assert.deepEqual(flashLaunch(items(9216, 5), 72, SMS, 'auto', 'auto'), unsplit(9216, 5, false));
    assert.deepEqual(flashLaunch(items(4096, 5), 32, SMS, 'auto', 'auto'), unsplit(4096, 5, false));
    assert.deepEqual(flashLaunch(items(4608, 5), 72, SMS, 'auto', 'auto'), unsplit(4608, 5, false));
    assert.deepEqual(flashLaunch(items(2304, 10), 18, SMS, 'auto', 'auto'), unsplit(2304, 10, false));
    assert.deepEqual(flashLaunch(items(576, 20), 5, SMS, 'auto', 'auto'), unsplit(576, 20, false));
  });

  it('honours forced splits (every block, at most one a key tile) and a forced kernel', () => {
    assert.deepEqual(flashLaunch(items(1280, 5), 72, SMS, 'auto', 4), split(4, 0, false));
    assert.deepEqual(flashLaunch(items(64, 20), 5, SMS, 'auto', 12), split(5, 0, true));
    assert.deepEqual(flashLaunch(items(9216, 5), 72, SMS, 'auto', 1), unsplit(9216, 5, false));
    assert.deepEqual(flashLaunch(items(1280, 5), 72, SMS, true, 'auto'), split(3, 0, true));
    assert.deepEqual(flashLaunch(items(256, 5), 72, SMS, false, 'auto'), split(6, 0, false));
  });
});
