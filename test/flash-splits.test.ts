// The warpgroup-MMA attention's launch choice (backend/cuda/flash-splits.ts), checked without a
// GPU: on the H200's 132 SMs it picks what bench:attention measured fastest among its candidates
// for a 768 px sparse step's shapes (bench/results/2026-12-02-s33-call2-attention-sparse.log), a
// dense call's launches stay unsplit, and forced choices are honoured within the key tiles there are.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flashLaunch } from '../src/backend/cuda/flash-splits.js';

const SMS = 132;
/** Query blocks of 64 rows over batch 2 and the heads of an SD 2 level. */
const blocks = (rows: number, heads: number) => Math.ceil(rows / 64) * 2 * heads;

describe('wgmma attention launch choice', () => {
  it("takes the sweep's fastest for long key ranges: k_flash_wg64 over ~1.5 waves", () => {
    // 640 / 1280 / 1920 / 2816 query rows over 9216 keys (72 tiles), 5 heads
    for (const [rows, splits] of [[640, 6], [1280, 3], [1920, 2], [2816, 2]] as const)
      assert.deepEqual(flashLaunch(blocks(rows, 5), 72, SMS, 'auto', 'auto'), { splits, pipelined: false }, `${rows} rows`);
    // more rows than 3.75 blocks an SM: unsplit
    assert.deepEqual(flashLaunch(blocks(3712, 5), 72, SMS, 'auto', 'auto'), { splits: 1, pipelined: false });
  });

  it('fills idle SMs with the pipelined kernel where blocks are few, but not by a split in two', () => {
    assert.deepEqual(flashLaunch(blocks(256, 5), 72, SMS, 'auto', 'auto'), { splits: 6, pipelined: true });
    assert.deepEqual(flashLaunch(blocks(128, 10), 18, SMS, 'auto', 'auto'), { splits: 4, pipelined: true });
    assert.deepEqual(flashLaunch(blocks(384, 10), 18, SMS, 'auto', 'auto'), { splits: 1, pipelined: true });
    // short key ranges: no split (576 keys: 5 tiles)
    assert.deepEqual(flashLaunch(blocks(64, 20), 5, SMS, 'auto', 'auto'), { splits: 1, pipelined: true });
  });

  it("leaves a dense call's self-attentions unsplit on k_flash_wg64", () => {
    for (const [tokens, heads] of [[9216, 5], [2304, 10], [576, 20], [4096, 5], [16384, 5]] as const)
      assert.deepEqual(flashLaunch(blocks(tokens, heads), Math.ceil(tokens / 128), SMS, 'auto', 'auto'), { splits: 1, pipelined: false }, `${tokens} tokens`);
  });

  it('honours forced splits (at most one a key tile) and a forced kernel', () => {
    assert.deepEqual(flashLaunch(blocks(1280, 5), 72, SMS, 'auto', 4), { splits: 4, pipelined: false });
    assert.deepEqual(flashLaunch(blocks(64, 20), 5, SMS, 'auto', 12), { splits: 5, pipelined: true });
    assert.deepEqual(flashLaunch(blocks(1280, 5), 72, SMS, true, 'auto'), { splits: 3, pipelined: true });
    assert.deepEqual(flashLaunch(blocks(256, 5), 72, SMS, false, 'auto'), { splits: 6, pipelined: false });
  });
});
