// A sparse step's tile ops on the cuda backend against the cpu backend: gathers with affine, SiLU and halo,
// in-place writes into active positions, and convTilesInto by each of its paths.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CudaBackend } from '../../src/backend/cuda/cuda.js';
import type { Backend } from '../../src/backend/backend.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { Random } from '../../src/util/random.js';
import { maxAbsDiff } from '../../src/verify/compare.js';
import { FP16_OP_RELATIVE, MATHS, copyOf, cpu, onePositions, opChecks } from './op-checks.js';

const rnd = new Random(5678);

for (const math of MATHS) {
const { gpu, pair, close, written, swapTwice } = opChecks(math, rnd);

describe(`cuda tile ops vs cpu (${gpu.description})`, () => {
  it('tiles: gather with affine + SiLU and halo, written into active positions', () => {
    for (const c of [5, 16]) tileOps(c);
  });

  function tileOps(c: number): void {
    const [xc, xg] = pair([2, 9, 10, c]);
    const [sc, sg] = pair([2, c]), [hc, hg] = pair([2, c]);
    const tiles = { origins: Int32Array.from([-1, -1, 3, 4, 7, 8]), side: 4 };
    close(`gatherTiles ${c}`, cpu.gatherTiles(xc, tiles, { scale: sc, shift: hc }, true), gpu.gatherTiles(xg, tiles, { scale: sg, shift: hg }, true), 1e-6);
    close(`gatherTiles plain ${c}`, cpu.gatherTiles(xc, tiles), gpu.gatherTiles(xg, tiles), 0);
    const [bc, bg] = pair([2, 9, 10, c]), [srcC, srcG] = pair([6, 2, 2, c]);
    const corners = Int32Array.from([0, 0, 4, 4, 8, 9]);
    const active = Uint8Array.from({ length: 90 }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const side = (ops: Backend) => (ops === cpu ? 0 : 1);
    const blocks = (what: string, residual?: [Tensor, Tensor], tol = 0) =>
      written(`overwriteBlocks ${what} ${c}`, [bc, bg], (ops, b) => ops.overwriteBlocks(b, [srcC, srcG][side(ops)]!, corners, active, residual?.[side(ops)]), tol,
        (ops, b, held) => void ops.overwriteBlocks(b, held, corners, active));
    blocks('plain');
    const [rc, rg] = pair([2, 9, 10, c]);
    blocks('+ residual', [rc, rg], 1e-6);
    written(`swapEach blocks ${c}`, [bc, bg], (ops, b) => ops.overwriteBlocks(b, [srcC, srcG][side(ops)]!, corners, active), 0, (ops, b, held) => swapTwice(b, held, (x, r) => ops.swapEach([{ base: x, rows: r, at: { corners, active } }])));
    // many swaps in one op (k_swap_each's table), blocks and rows of other maps together: the cpu's values, undone bit for bit, redone
    const [mc, mg] = pair([2, 7, c]), [mrc, mrg] = pair([2, 3, c]), rowIdx = Int32Array.from([6, 0, 3]);
    const state = (ops: Backend, [b, s, m, r]: readonly Tensor[]) => {
      const [bb, mm] = [copyOf(ops, b!), copyOf(ops, m!)];
      const held = [ops.overwriteBlocks(bb, s!, corners, active), ops.overwriteRows(mm, r!, rowIdx)];
      const written = [ops.toHost(bb), ops.toHost(mm)];
      const swaps = [{ base: bb, rows: held[0]!, at: { corners, active } }, { base: mm, rows: held[1]!, at: { rows: rowIdx } }];
      ops.swapEach(swaps);
      return { bases: [bb, mm], written, swaps };
    };
    const sc2 = state(cpu, [bc, srcC, mc, mrc]), sg2 = state(gpu, [bg, srcG, mg, mrg]);
    sc2.bases.forEach((t, i) => close(`swapEach base ${i} ${c}`, t, sg2.bases[i]!, 0));
    assert.deepEqual([gpu.toHost(sg2.bases[0]!), gpu.toHost(sg2.bases[1]!)], [gpu.toHost(bg), gpu.toHost(mg)], `swapEach ${c}: undone`);
    gpu.swapEach(sg2.swaps);
    assert.deepEqual([gpu.toHost(sg2.bases[0]!), gpu.toHost(sg2.bases[1]!)], sg2.written, `swapEach ${c}: redone`);
    // the tiles' convolution, gathered straight into the im2col matrix: as gather then convolve
    for (const stride of [1, 2]) {
      const wd = rnd.normal(3 * c * 9);
      const [cbc, cbg] = pair([3]);
      const wc = cpu.convWeight(wd, [3, c, 3, 3]), wg = gpu.convWeight(wd, [3, c, 3, 3]);
      const want = cpu.conv2dTiles(xc, tiles, { scale: sc, shift: hc }, true, wc, cbc, stride);
      const got = gpu.conv2dTiles(xg, tiles, { scale: sg, shift: hg }, true, wg, cbg, stride);
      close(`conv2dTiles ${c} stride ${stride}`, want, got, 1e-4);
      assert.deepEqual(gpu.toHost(got), gpu.toHost(gpu.conv2d(gpu.gatherTiles(xg, tiles, { scale: sg, shift: hg }, true), wg, cbg, { stride })), `conv2dTiles ${c} stride ${stride}: the bits of gather, then convolve`);
    }
    // + a 1x1 projection of another map at the blocks' outputs (a resnet's shortcut): its rows gathered
    // by the im2col launch, its GEMM adding the convolution's outputs; positions past the map read zeros
    const cp = c === 5 ? 7 : 24, pd = rnd.normal(3 * cp);
    const [x2c, x2g] = pair([2, 9, 10, cp]), [pbc, pbg] = pair([3]);
    const wd = rnd.normal(3 * c * 9);
    const projection = (ops: Backend, x: Tensor, b: Tensor, side = 2) => ({ x, tiles: { origins: Int32Array.from([0, 0, 4, 5, 8, 9]), side }, w: ops.convWeight(pd, [3, cp, 1, 1]), b });
    const want = cpu.conv2dTiles(xc, tiles, { scale: sc, shift: hc }, true, cpu.convWeight(wd, [3, c, 3, 3]), undefined, 1, projection(cpu, x2c, pbc));
    const got = gpu.conv2dTiles(xg, tiles, { scale: sg, shift: hg }, true, gpu.convWeight(wd, [3, c, 3, 3]), undefined, 1, projection(gpu, x2g, pbg));
    close(`conv2dTiles + projection ${c}`, want, got, 1e-4);
    assert.throws(() => gpu.conv2dTiles(xg, tiles, undefined, false, gpu.convWeight(wd, [3, c, 3, 3]), undefined, 1, projection(gpu, x2g, pbg, 3)), /tile projection: 3 tiles of side 3 for 3 blocks of 2 x 2 outputs/);
  }

  it('convTilesInto: the tiles convolved straight into the base (k_tile_conv in fp16, k_tile_conv_wg* on Hopper, K split where rows are few) as conv2dTiles then overwriteBlocks', () => {
    // [items, h, w, c, co, side, stride, origins, affine, silu, residual]
    const cases = [
      [2, 9, 10, 16, 24, 4, 1, [-1, -1, 3, 4, 7, 8], true, true, true],
      [1, 12, 12, 8, 8, 5, 2, [-1, -1, 3, 3], false, true, false],
      [2, 6, 7, 640, 128, 4, 1, [-1, -1, 2, 3, 4, -1], true, true, false], // few rows, K = 5760: split
      [2, 9, 10, 5, 6, 4, 1, [0, 0, 5, 6], true, false, true], // channels not a multiple of 8: the definition
      [2, 20, 20, 64, 72, 6, 1, Array.from({ length: 25 }, (_, i) => [(i % 5) * 4 - 1, Math.floor(i / 5) * 4 - 1]).flat(), true, true, true], // many blocks (on a grid, as plans lay them: a swap writes each position once)
      // channels multiples of 64: k_tile_conv_wg64 / _wg128 on Hopper (64 or 128 output channels a block, partial blocks of rows and channels)
      [2, 20, 20, 64, 64, 6, 1, Array.from({ length: 25 }, (_, i) => [(i % 5) * 4 - 1, Math.floor(i / 5) * 4 - 1]).flat(), true, true, true],
      [2, 11, 13, 320, 320, 5, 2, [-1, -1, 3, 3, 7, 9], true, true, true], // stride 2, K = 2880: split
      [1, 8, 8, 128, 256, 4, 1, [-1, -1, 3, 3], false, false, false],
      [2, 6, 7, 1280, 640, 4, 1, [-1, -1, 2, 3], true, true, true], // K = 11520: split into many
      [2, 34, 34, 64, 192, 10, 1, Array.from({ length: 16 }, (_, i) => [(i % 4) * 8 - 1, Math.floor(i / 4) * 8 - 1]).flat(), true, true, true], // 2048 rows: 128 a block
      [2, 34, 34, 128, 128, 10, 1, Array.from({ length: 16 }, (_, i) => [(i % 4) * 8 - 1, Math.floor(i / 4) * 8 - 1]).flat(), true, false, true],
      // one-position tiles (a plan by rows), few rows: k_tile_conv_wgs (the weights as wgmma's M) on Hopper, 40 or 80 rows a block, partly filled
      [2, 10, 10, 640, 1280, 3, 1, onePositions(10, 10), true, true, true], // 20 rows: wgs40x64, 6 splits (40 rows added 7, 7, ... 5 a block)
      [2, 12, 12, 64, 1280, 3, 1, onePositions(38, 12), true, true, false], // 76 rows, K = 576: wgs80x64, 4 splits
      [2, 12, 12, 64, 1280, 3, 1, onePositions(98, 12), false, true, true], // 196 rows: wgs80x128, 3 blocks of rows
      [2, 12, 12, 128, 768, 3, 1, onePositions(82, 12), true, false, true], // 164 rows: wgs40x128, 5 blocks of rows
      [2, 20, 20, 256, 320, 3, 1, onePositions(400, 20), true, true, false], // 800 rows, 320 output channels: wgs80x128, its last block's weight boxes half past Cout (the TMA's zeros)
    ] as const;
    const hopperHalf = math === 'fp16' && gpu.driver.computeCapability[0] === 9, ran = new Set<string>();
    for (const [n, h, w, c, co, side, stride, o, affine, silu, withResidual] of cases) {
      const what = `${n}x${h}x${w}x${c} -> ${co}, tiles of ${side}, stride ${stride}`;
      const tiles = { origins: Int32Array.from(o), side };
      const bo = Math.floor((side - 3) / stride) + 1, oh = Math.ceil(h / stride), ow = Math.ceil(w / stride);
      const corners = Int32Array.from(o.map((v) => Math.max(0, Math.floor((v + 1) / stride))));
      const active = Uint8Array.from({ length: oh * ow }, (_, i) => (i % 3 === 0 ? 1 : 0));
      const [xc, xg] = pair([n, h, w, c]), [bc, bg] = pair([n, oh, ow, co]), [rc, rg] = pair([n, oh, ow, co]);
      const [sc, sg] = pair([n, c]), [hc, hg] = pair([n, c]), [cbc, cbg] = pair([co]);
      const wd = rnd.normal(co * c * 9).map((v) => v / Math.sqrt(c * 9));
      const conv = (ops: Backend, s: Tensor, hh: Tensor, b: Tensor) => ({ tiles, affine: affine ? { scale: s, shift: hh } : undefined, silu, w: ops.convWeight(wd, [co, c, 3, 3]), b, stride });
      const write = (r: Tensor) => ({ corners, active, residual: withResidual ? r : undefined });
      const base = gpu.toHost(bg).slice();
      cpu.convTilesInto(bc, xc, conv(cpu, sc, hc, cbc), write(rc));
      const displaced = gpu.convTilesInto(bg, xg, conv(gpu, sg, hg, cbg), write(rg));
      close(`convTilesInto ${what}`, bc, bg, 1e-4);
      // outside the written positions: the base's bits
      const out = gpu.toHost(bg).slice();
      const written = (i: number) => {
        const p = Math.floor(i / co) % (oh * ow), y = Math.floor(p / ow), x = p % ow;
        return active[p] === 1 && Array.from({ length: o.length / 2 }, (_, t) => t).some((t) => y - corners[2 * t]! < bo && y >= corners[2 * t]! && x - corners[2 * t + 1]! < bo && x >= corners[2 * t + 1]!);
      };
      const changed = out.findIndex((v, i) => !written(i) && !Object.is(v, base[i]));
      assert.equal(changed, -1, `convTilesInto ${what}: value ${changed} outside the blocks' active positions changed`);
      // what it displaced, written back, is the base again, bit for bit; and the same bits from one launch to the next
      gpu.overwriteBlocks(bg, displaced, corners, active);
      assert.deepEqual(gpu.toHost(bg), base, `convTilesInto ${what}: undone`);
      gpu.convTilesInto(bg, xg, conv(gpu, sg, hg, cbg), write(rg));
      assert.deepEqual(gpu.toHost(bg), out, `convTilesInto ${what}: another launch, other bits`);
      // which kernels ran, from a launch of its own: profiling takes the library path's eager convolutions to cuDNN (conv2d's choice), other bits
      gpu.profileStart(1);
      gpu.convTilesInto(bg, xg, conv(gpu, sg, hg, cbg), write(rg));
      for (const op of gpu.profileEnd().ops) ran.add(op.op.split(' ')[0]!);
    }
    if (hopperHalf) for (const build of ['wgs40x64', 'wgs40x128', 'wgs80x64', 'wgs80x128']) assert.ok([...ran].some((k) => k.startsWith(`k_tile_conv_${build}_`)), `no case ran k_tile_conv_${build}: ${[...ran].join(', ')}`);
  });

  it("convTilesInto with tileConvolution 'rows': a plan's few rows by k_tile_conv_wgs on Hopper in fp16, other tiles by the libraries, as the definition", () => {
    const rowsMode = new CudaBackend({ math, tileConvolution: 'rows' });
    const fusedRows = rowsMode.tileConvolution === 'rows';
    // [c, co, side, origins]: 20 one-position tiles a batch item (40 rows), then tiles of 2 x 2 outputs
    for (const [c, co, side, o] of [[640, 1280, 3, onePositions(20, 10)], [640, 1280, 4, [-1, -1, 3, 3, 5, 7]]] as const) {
      const [n, h, w] = [2, 10, 10];
      const what = `${c} -> ${co}, tiles of ${side}`;
      const tiles = { origins: Int32Array.from(o), side };
      const corners = Int32Array.from(o.map((v) => Math.max(0, v + 1))), active = Uint8Array.from({ length: h * w }, (_, i) => (i % 2 === 0 ? 1 : 0));
      const host = (shape: number[], scale = 1) => rnd.normal(shape.reduce((a, b) => a * b, 1)).map((v) => v * scale);
      const [xd, bd, rd, sd, hd, cbd] = [host([n, h, w, c]), host([n, h, w, co]), host([n, h, w, co]), host([n, c]), host([n, c]), host([co])];
      const wd = host([co * c * 9], 1 / Math.sqrt(c * 9));
      const run = (ops: Backend) => {
        const base = ops.fromHost(bd, [n, h, w, co]);
        ops.convTilesInto(base, ops.fromHost(xd, [n, h, w, c]), { tiles, affine: { scale: ops.fromHost(sd, [n, c]), shift: ops.fromHost(hd, [n, c]) }, silu: true, w: ops.convWeight(wd, [co, c, 3, 3]), b: ops.fromHost(cbd, [co]), stride: 1 }, { corners, active, residual: ops.fromHost(rd, [n, h, w, co]) });
        return ops.toHost(base);
      };
      const want = run(cpu);
      rowsMode.profileStart(1);
      const got = run(rowsMode);
      const ran = rowsMode.profileEnd().ops.map((op) => op.op.split(' ')[0]!);
      const d = maxAbsDiff(want, got), bound = math === 'fp16' ? FP16_OP_RELATIVE * want.reduce((m, v) => Math.max(m, Math.abs(v)), 1) : 1e-4;
      assert.ok(d <= bound, `rows mode ${what}: max abs difference ${d} (bound ${bound})`);
      assert.equal(ran.some((k) => k.startsWith('k_tile_conv_wgs')), fusedRows && side === 3, `rows mode ${what} ran ${ran.join(', ')}`);
    }
  });

  it('convTilesInto by the libraries (cuDNN over the tiles; in fp16 an engine that leaves the bias out): the bits of conv2dTiles then overwriteBlocks, in fp16 a launch fewer', () => {
    const lib = new CudaBackend({ math, convolution: 'cudnn', cudnnEngines: 'heuristic' });
    const up = (shape: number[], scale = 1) => lib.fromHost(rnd.normal(shape.reduce((a, b) => a * b, 1)).map((v) => v * scale), shape);
    const [n, h, w, c, co] = [2, 9, 10, 16, 24];
    const x = up([n, h, w, c]), base = up([n, h, w, co]), residual = up([n, h, w, co]), b = up([co]);
    const conv = {
      tiles: { origins: Int32Array.from([-1, -1, 3, 4, 7, 8]), side: 4 }, affine: { scale: up([n, c]), shift: up([n, c]) }, silu: true,
      w: lib.convWeight(rnd.normal(co * c * 9).map((v) => v / Math.sqrt(c * 9)), [co, c, 3, 3]), b, stride: 1,
    };
    const write = { corners: Int32Array.from([0, 0, 4, 5, 8, 9]), active: Uint8Array.from({ length: h * w }, (_, i) => (i % 3 ? 1 : 0)), residual };
    const want = copyOf(lib, base);
    /** The ops f queues, by name (the profiler's), in order of first use. */
    const opsOf = (f: () => void) => {
      lib.profileStart(1);
      f();
      return lib.profileEnd().ops.map((o) => `${o.op.split(' ')[0]} x${o.count}`).sort();
    };
    const composed = opsOf(() => lib.overwriteBlocks(want, lib.conv2dTiles(x, conv.tiles, conv.affine, conv.silu, conv.w, conv.b, conv.stride), write.corners, write.active, write.residual));
    const direct = opsOf(() => lib.convTilesInto(base, x, conv, write));
    assert.deepEqual(lib.toHost(base), lib.toHost(want), `${math}: convTilesInto against conv2dTiles then overwriteBlocks`);
    // fp16: the heuristic's first engine leaves the bias to our epilogue kernel; fp32 runs the legacy call, which adds it
    const epilogue = (ops: string[]) => ops.filter((o) => o.startsWith('k_conv_epilogue'));
    assert.equal(epilogue(composed).length, math === 'fp16' ? 1 : 0, `${math}: conv2dTiles' ops ${composed.join(', ')}`);
    assert.deepEqual(epilogue(direct), [], `${math}: convTilesInto's ops ${direct.join(', ')}: the bias added by the block write, not a kernel of its own`);
  });
});
}
