// Which form of Winograd's convolution a map takes (conv-paths.ts winogradTile) and what the forms
// declare (kernels.ts WINOGRAD_FORMS), checked without a GPU; the GPU suite checks their results.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WINOGRAD4_MIN_POSITIONS, WINOGRAD_TILES_MAX_BLOCK, winogradShape, winogradTile, winogradTilesShape, winogradTilesSlice } from '../src/backend/cuda/conv-paths.js';
import { APSC_BLOCKS } from '../src/edit/plan.js';
import { WINOGRAD_FORMS, WINOGRAD_INPUT_BLOCK, WINOGRAD_KERNELS } from '../src/backend/cuda/kernels.js';

describe('Winograd forms', () => {
  it('F(4x4, 3x3) only when asked, for maps from 48 x 48 whose sides are multiples of 4; F(2x2, 3x3) otherwise', () => {
    assert.equal(WINOGRAD4_MIN_POSITIONS, 48 * 48);
    for (const [h, w] of [[96, 96], [48, 48], [52, 48], [192, 64]]) {
      assert.equal(winogradTile(h, w, true), 4, `${h} x ${w}`);
      assert.equal(winogradTile(h, w, false), 2, `${h} x ${w}, not asked`);
    }
    for (const [h, w] of [[24, 24], [12, 12], [44, 44], [50, 50], [96, 98], [46, 52]]) assert.equal(winogradTile(h, w, true), 2, `${h} x ${w}`);
  });

  it('every map F(4x4, 3x3) takes is one winogradShape takes (its blocks and channels are F(2x2, 3x3)\'s)', () => {
    for (const side of [48, 52, 96, 128]) {
      assert.equal(winogradTile(side, side, true), 4);
      assert.ok(winogradShape(side, side, 320, 320, 3, 3, 1, [1, 1, 1, 1]));
    }
  });

  it("a sparse step's tile convolutions over F(2x2, 3x3): 3x3, stride 1, even blocks from 4 to APSC's largest, channels as the maps' rule; tiles that small never take F(4x4, 3x3)", () => {
    assert.equal(WINOGRAD_TILES_MAX_BLOCK, Math.max(...APSC_BLOCKS));
    for (const bo of [4, 8, 12, 16]) {
      assert.ok(winogradTilesShape(bo, 320, 640, 3, 1), `${bo}`);
      assert.equal(winogradTile(bo, bo, true), 2, `${bo}`);
    }
    for (const bo of [1, 2, 7, 18]) assert.ok(!winogradTilesShape(bo, 320, 320, 3, 1), `${bo}`);
    assert.ok(!winogradTilesShape(8, 320, 320, 3, 2), 'stride 2');
    assert.ok(!winogradTilesShape(8, 320, 320, 1, 1), '1x1');
    for (const [ci, co] of [[160, 320], [320, 160], [336, 320], [320, 324]]) assert.ok(!winogradTilesShape(8, ci, co, 3, 1), `${ci} -> ${co}`);
  });

  it("k_wino2_input_tiles's channels a block: slices of 32 dividing the channels, ~256 threads, the tile's patches within 48 KiB of shared memory", () => {
    for (const [bo, c, want] of [[4, 1280, 256], [4, 320, 160], [4, 640, 160], [8, 320, 64], [8, 1280, 64], [12, 640, 32], [16, 320, 32]] as const) {
      const slice = winogradTilesSlice(bo, c);
      assert.equal(slice, want, `${bo} x ${bo}, ${c} channels`);
      assert.equal(c % slice, 0);
      assert.ok(((bo / 2) ** 2 * slice) / 4 <= 512 && (bo + 2) ** 2 * slice * 4 <= 48 * 1024, `${bo}, ${c}: threads and shared memory`);
    }
  });

  it('each form: (tile + 2)^2 products, its three kernels declared with one parameter list across forms (winograd-ops.ts launches both from one call each), a block\'s threads by its tiles and channels a thread', () => {
    const { rows, cols, channels } = WINOGRAD_INPUT_BLOCK;
    for (const form of Object.values(WINOGRAD_FORMS)) {
      assert.equal(form.products, (form.tile + 2) ** 2);
      for (const part of ['input', 'output', 'weights']) assert.deepEqual(WINOGRAD_KERNELS[`k_wino${form.tile}_${part}`], WINOGRAD_KERNELS[`k_wino2_${part}`], `k_wino${form.tile}_${part}`);
      // a block's outputs are 2 rows x 2 cols positions in both forms: (2 rows / tile) x (2 cols / tile) tiles
      const tiles = ((2 * rows) / form.tile) * ((2 * cols) / form.tile), perThread = form.tile === 2 ? 4 : 2;
      assert.equal(form.inputThreads, (tiles * channels) / perThread);
      assert.equal(form.outputChannels, perThread);
    }
  });
});
