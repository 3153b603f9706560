// The fused tile convolution's launch choice (backend/cuda/tile-conv.ts), checked without a GPU:
// every launch covers the product and K exactly once, fits a Hopper multiprocessor, names a kernel
// the module defines, and takes the shapes the estimate is for (many splits for few rows, 128-row
// blocks for many).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TILE_CONV_COLS, TILE_CONV_COUNTERS, TILE_CONV_WG_BUILDS, TILE_CONV_WG_K, TILE_CONV_WG_KERNELS, tileConvWgThreads } from '../src/backend/cuda/kernels.js';
import { tileConvKernel } from '../src/backend/cuda/tile-conv.js';

const SMS = 132;
/** The most dynamic shared memory a Hopper block may take (227 KiB). */
const MAX_SHARED = 227 * 1024;

describe('tile convolution launch choice', () => {
  // the SD 2 shapes of bench:tile-conv (3x3): C -> Cout over rows of 64 to 2048
  const shapes: [number, number, number][] = [];
  for (const [c, co] of [[320, 320], [640, 640], [1280, 1280], [2560, 1280], [1920, 640], [960, 320]])
    for (const rows of [40, 64, 76, 120, 256, 1280, 2048, 7680]) shapes.push([rows, c!, co!]);

  it('on Hopper: a wgmma build whose blocks cover the product and whose splits cover K once', () => {
    for (const [rows, c, co] of shapes) {
      const kdim = 9 * c, k = tileConvKernel(rows, c, co, kdim, SMS, true);
      const m = /^k_tile_conv_wg(s?)(\d+)x(\d+)_(\d+)$/.exec(k.name);
      assert.ok(m && k.name in TILE_CONV_WG_KERNELS, `${rows}x${c}->${co}: ${k.name}`);
      const [swapped, r, cols, s] = [m[1] === 's', Number(m[2]), Number(m[3]), Number(m[4])];
      const build = TILE_CONV_WG_BUILDS.find((b) => b.swapped === swapped && b.rows === r && b.cols === cols && (b.splits as readonly number[]).includes(s));
      assert.ok(build, k.name);
      assert.equal(k.splits, s);
      assert.equal(k.tiles, Math.ceil(rows / r) * Math.ceil(co / cols));
      const ktiles = kdim / TILE_CONV_WG_K;
      assert.ok(k.perSplit * k.splits >= ktiles && k.perSplit * (k.splits - 1) < ktiles, `${k.name}: ${k.splits} splits of ${k.perSplit} for ${ktiles} k-tiles`);
      assert.equal(k.threads, tileConvWgThreads(build));
      assert.ok(k.sharedBytes <= MAX_SHARED, `${k.name}: ${k.sharedBytes} bytes of shared memory`);
      assert.equal(k.partials, false);
      assert.equal(k.swapped, swapped, `${k.name}: swapped`);
      // k_tile_conv_wgs's weight boxes are a block's output channels
      assert.equal(k.outputsPerBlock, cols, `${k.name}: output channels a block`);
    }
  });

  it('few rows split K among many blocks; many rows take 128-row blocks', () => {
    const few = tileConvKernel(64, 1280, 1280, 9 * 1280, SMS, true);
    assert.ok(few.splits >= 4 && few.tiles * few.splits >= 100, `${few.name}: ${few.tiles} tiles split ${few.splits} ways`);
    assert.match(tileConvKernel(7680, 320, 320, 9 * 320, SMS, true).name, /^k_tile_conv_wg128x/);
    // a ~5% step's 12 x 12 convolutions (40 rows) and 24 x 24 ones (76): the weights as M, the rows as N
    assert.match(tileConvKernel(40, 1280, 1280, 9 * 1280, SMS, true).name, /^k_tile_conv_wgs40x/);
    assert.match(tileConvKernel(76, 1280, 1280, 9 * 1280, SMS, true).name, /^k_tile_conv_wgs80x/);
  });

  it('elsewhere (channels not multiples of 64, or no wgmma): k_tile_conv, its splits meeting in global memory', () => {
    for (const [rows, c, co, wgmma] of [[256, 32, 64, true], [256, 64, 72, true], [2048, 1280, 1280, false]] as const) {
      const k = tileConvKernel(rows, c, co, 9 * c, SMS, wgmma);
      assert.equal(k.name, 'k_tile_conv');
      assert.equal(k.partials, true);
      assert.equal(k.swapped, false);
      assert.equal(k.outputsPerBlock, TILE_CONV_COLS);
      const ktiles = Math.ceil((9 * c) / 32);
      assert.ok(k.perSplit * k.splits >= ktiles && k.perSplit * (k.splits - 1) < ktiles);
    }
    // more tiles than the split counters: unsplit
    assert.equal(tileConvKernel(64 * (TILE_CONV_COUNTERS + 1), 64, 64, 9 * 64, SMS, false).splits, 1);
  });
});
