// Each op of the cuda backend against the cpu backend on random inputs, odd sizes included.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CpuBackend } from '../../src/backend/cpu/cpu.js';
import { CudaBackend } from '../../src/backend/cuda/cuda.js';
import { GpuOutOfMemory } from '../../src/backend/cuda/driver.js';
import { flashLaunch } from '../../src/backend/cuda/flash-splits.js';
import { gemmRowsDefaultRows, gemmRowsLaunch } from '../../src/backend/cuda/gemm-rows.js';
import { WGMMA_KEY_TILE, WGMMA_QUERY_ROWS } from '../../src/backend/cuda/kernels.js';
import { convInputOf, type Backend, type Conv2dOptions } from '../../src/backend/backend.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { floatToHalf, halfToFloat } from '../../src/tensor/dtype.js';
import { Random } from '../../src/util/random.js';
import { maxAbsDiff } from '../../src/verify/compare.js';
import { automaticMask } from '../../src/edit/mask.js';

const cpu = new CpuBackend();
const rnd = new Random(1234);
/**
 * fp16 storage's bound for one op: this fraction of the largest reference magnitude (at least 1).
 * Inputs are rounded to half (4.9e-4 relative) before the op and its result again after.
 */
const FP16_OP_RELATIVE = 4e-3;

for (const math of ['fp32', 'fp16'] as const) {
// the fused tile convolution (k_tile_conv, or k_tile_conv_wg* on Hopper; not the default) is what these op tests check of convTilesInto
const gpu = new CudaBackend({ math, tileConvolution: 'fused' });
/** Origins of `count` one-position tiles (side 3) at distinct positions of a map `width` wide, row by row. */
const onePositions = (count: number, width: number) => Array.from({ length: count }, (_, i) => [Math.floor(i / width) - 1, (i % width) - 1]).flat();

/** The same random tensor on both backends (the cuda one `on`). */
function pair(shape: number[], scale = 1, on: CudaBackend = gpu): [Tensor, Tensor] {
  const d = rnd.normal(shape.reduce((a, b) => a * b, 1)).map((v) => v * scale);
  return [cpu.fromHost(d, shape), on.fromHost(d, shape)];
}

/** fp32: within tol (0 = exact); fp16: within `relative` of the largest value. */
function close(what: string, a: Tensor, b: Tensor, tol = 1e-4, relative = FP16_OP_RELATIVE): void {
  assert.deepEqual(b.shape, a.shape, what);
  const want = cpu.toHost(a);
  const d = maxAbsDiff(want, gpu.toHost(b));
  const bound = math === 'fp16' ? relative * want.reduce((m, v) => Math.max(m, Math.abs(v)), 1) : tol;
  assert.ok(d <= bound, `${math} ${what}: max abs difference ${d} (bound ${bound})`);
}

/** A tensor of the same backend holding the same values (swaps write in place). */
function copyOf(ops: Backend, t: Tensor): Tensor {
  return ops.fromHost(Float32Array.from(ops.toHost(t)), t.shape);
}

/**
 * An in-place write into a copy of each backend's base: the bases compared after it, and what each
 * returned; or, where that is defined only at the written places (`undo`: its write back), the
 * base after writing it back: the original, bit for bit.
 */
function written(what: string, base: [Tensor, Tensor], write: (ops: Backend, b: Tensor) => Tensor, tol = 0, undo?: (ops: Backend, b: Tensor, held: Tensor) => void): void {
  const bc = copyOf(cpu, base[0]), bg = copyOf(gpu, base[1]);
  const hc = write(cpu, bc), hg = write(gpu, bg);
  close(`${what}: base`, bc, bg, tol);
  if (!undo) return close(`${what}: what it held`, hc, hg, tol);
  undo(gpu, bg, hg);
  assert.deepEqual(gpu.toHost(bg), gpu.toHost(base[1]), `${what}: written back`);
}

/**
 * `swap` (a write's displaced rows exchanged with the base's, in place) twice then once more on the
 * cuda backend: the base written again after the second, bit for bit as after the write; the base
 * undone after the third (what `written` then checks).
 */
function swapTwice(base: Tensor, rows: Tensor, swap: (base: Tensor, rows: Tensor) => void): void {
  const after = gpu.toHost(base);
  swap(base, rows);
  swap(base, rows);
  assert.deepEqual(gpu.toHost(base), after, 'swapped twice: the write again');
  swap(base, rows);
}

describe(`cuda ops vs cpu (${gpu.description})`, () => {
  it('linear, with and without bias, odd sizes', () => {
    for (const [m, k, n] of [[1, 1, 1], [7, 13, 5], [77, 32, 64], [300, 320, 1280], [4100, 64, 40], [9000, 33, 7]] as const) {
      const [xc, xg] = pair([m, k]), [wc, wg] = pair([n, k], 0.1), [bc, bg] = pair([n]);
      close(`linear ${m}x${k}x${n}`, cpu.linear(xc, wc, bc), gpu.linear(xg, wg, bg));
      close(`linear ${m}x${k}x${n} no bias`, cpu.linear(xc, wc), gpu.linear(xg, wg));
      const [rc, rg] = pair([m, n]);
      close(`linear ${m}x${k}x${n} + residual`, cpu.linear(xc, wc, bc, rc), gpu.linear(xg, wg, bg, rg));
    }
  });

  it('linear of few rows: k_gemm_rows on Hopper in fp16 while x is at most 128 Ki values (gemmRowsDefaultRows); the kernel at a sparse step\'s shapes (odd rows, K split among a cluster, bias and residual): the same bits again, with its weights a parameter read before its wait too, near cuBLASLt', () => {
    const hopperHalf = math === 'fp16' && gpu.driver.computeCapability[0] === 9;
    // [rows, k, n]: a time embedding's 2 rows, a last slab in part, a ~5% step's layers (K split 4 ways, 2, one), several row blocks (1000: 8 of 8 slabs, the last in part), K = 5120 (no build: cuBLASLt), K = 320 unsplit
    for (const [m, k, n] of [[2, 1280, 320], [13, 320, 64], [76, 1280, 1280], [252, 640, 640], [768, 320, 320], [252, 2560, 640], [1000, 640, 640], [40, 5120, 1280], [7, 320, 128]] as const) {
      const [xc, xg] = pair([m, k]), [wc, wg] = pair([n, k], 1 / Math.sqrt(k)), [bc, bg] = pair([n], 0.1), [rc, rg] = pair([m, n]);
      const what = `linear ${m}x${k}x${n}`;
      gpu.profileStart(1);
      const got = gpu.linear(xg, wg, bg, rg);
      const ops = gpu.profileEnd().ops.map((o) => o.op.split(' ')[0]!);
      const kernel = hopperHalf && m <= gemmRowsDefaultRows(k) && typeof gemmRowsLaunch(m, n, k, gpu.driver.multiprocessors) !== 'string'; // linear's rule
      assert.equal(ops.some((o) => o.startsWith('k_gemm_rows')), kernel, `${what} ran ${ops.join(', ')}`);
      close(`${what} + bias + residual`, cpu.linear(xc, wc, bc, rc), got);
      close(`${what} no bias`, cpu.linear(xc, wc), gpu.linear(xg, wg));
      if (!hopperHalf || typeof gemmRowsLaunch(m, n, k, gpu.driver.multiprocessors) === 'string') continue; // 252 x 2560 -> 640: not one wave; K = 5120: no build
      // the kernel whatever the rows: against cpu, the same bits twice (the splits added in split order), near cuBLASLt
      const mine = gpu.toHost(gpu.linearRowsKernel(xg, wg, bg, rg));
      close(`${what} by k_gemm_rows`, cpu.linear(xc, wc, bc, rc), gpu.linearRowsKernel(xg, wg, bg, rg));
      assert.deepEqual(gpu.toHost(gpu.linearRowsKernel(xg, wg, bg, rg)), mine, `${what}: the same bits again`);
      // the weights a model's parameter: not read before the kernel waits while the launch just ahead
      // may have written them (here k_from_f32 or the upload), then read so; the same bits both ways
      const wp = gpu.parameter(gpu.fromHost(gpu.toHost(wg), [n, k]));
      assert.equal(gpu.settledParameter(wp), false, `${what}: a parameter just written is read after the wait`);
      assert.deepEqual(gpu.toHost(gpu.linearRowsKernel(xg, wp, bg, rg)), mine, `${what}: a parameter read after the wait`);
      assert.ok(gpu.settledParameter(wp), `${what}: a parameter read before the wait once a launch has passed`);
      assert.deepEqual(gpu.toHost(gpu.linearRowsKernel(xg, wp, bg, rg)), mine, `${what}: a parameter read before the wait`);
      const lib = gpu.toHost(gpu.linearLibrary(xg, wg, bg, rg));
      const d = maxAbsDiff(lib, mine), top = lib.reduce((a, v) => Math.max(a, Math.abs(v)), 1);
      assert.ok(d <= 2e-3 * top, `${what} against cuBLASLt: ${d} (largest ${top})`);
    }
    // where it cannot run, an error that says why
    assert.throws(() => gpu.linearRowsKernel(gpu.zeros([7, 24]), gpu.zeros([64, 24])), hopperHalf ? /k_gemm_rows: 24 inputs/ : /k_gemm_rows: off here/);
    assert.throws(() => gpu.linearRowsKernel(gpu.zeros([2000, 320]), gpu.zeros([320, 320])), hopperHalf ? /k_gemm_rows: 2000 rows \(1 to 1024\)/ : /k_gemm_rows: off here/);
  });

  it('linearMany: projections of one input as one batched GEMM (pointer arrays), as linear() of each', () => {
    for (const [m, k, n] of [[77, 64, 64], [300, 320, 320], [5, 1280, 1280]] as const) {
      const [xc, xg] = pair([m, k]), ws = [0, 1, 2].map(() => pair([n, k], 0.1));
      const launches = gpu.launches;
      const got = gpu.linearMany(xg, ws.map(([, g]) => g));
      // fp16 (measured, bench:gemm-qkv): the pointer arrays' kernel and one GEMM, not three; fp32 may fall back
      if (math === 'fp16') assert.equal(gpu.launches - launches, 2, `${m}x${k}x${n}: the pointer arrays' kernel and one GEMM, not three`);
      got.forEach((y, i) => {
        close(`linearMany ${m}x${k}x${n} #${i}`, cpu.linear(xc, ws[i]![0]), y);
        // linear() may run k_gemm_rows (other sums, so other roundings): within an fp16 step of the largest value
        const one = gpu.toHost(gpu.linear(xg, ws[i]![1])), d = maxAbsDiff(one, gpu.toHost(y));
        assert.ok(d <= 1e-3 * one.reduce((a, v) => Math.max(a, Math.abs(v)), 1), `linearMany ${m}x${k}x${n} #${i} against linear(): ${d}`);
      });
    }
    // weights of two shapes: linear() of each
    const [xc, xg] = pair([9, 64]), [w1c, w1g] = pair([64, 64], 0.1), [w2c, w2g] = pair([32, 64], 0.1);
    const [y1, y2] = gpu.linearMany(xg, [w1g, w2g]);
    close('linearMany, unlike weights #0', cpu.linear(xc, w1c), y1!);
    close('linearMany, unlike weights #1', cpu.linear(xc, w2c), y2!);
  });

  it('linearGeglu: geglu(linear()), one kernel (k_gemm_geglu) on Hopper in fp16 from 1024 rows, the two ops below', () => {
    const hopperHalf = math === 'fp16' && gpu.driver.computeCapability[0] === 9;
    // [x's shape, F]: a last row tile part full (2 x 517 rows), K of one and of five k-tiles, more
    // tiles than SMs (5000 x 640 / 128: each block loops, the stages' phases wrap); then the two ops
    for (const [shape, f] of [[[2, 517, 64], 256], [[1100, 320], 128], [[5000, 320], 640], [[50, 64], 128], [[7, 24], 10]] as const) {
      const k = shape.at(-1)!, rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const [xc, xg] = pair([...shape]), [wc, wg] = pair([2 * f, k], 1 / Math.sqrt(k)), [bc, bg] = pair([2 * f], 0.1);
      gpu.profileStart(1);
      const got = gpu.linearGeglu(xg, wg, bg);
      const ops = gpu.profileEnd().ops.map((o) => o.op.split(' ')[0]!);
      const what = `linearGeglu ${shape.join('x')} -> ${f}`;
      assert.equal(ops.includes('k_gemm_geglu'), hopperHalf && rows >= 1024, `${what} ran ${ops.join(', ')}`);
      close(what, cpu.linearGeglu(xc, wc, bc), got);
      // as the library path rounds (bench:gemm-geglu: the same bits at the U-Net's shapes)
      const twoOps = gpu.toHost(gpu.geglu(gpu.linear(xg, wg, bg))), d = maxAbsDiff(twoOps, gpu.toHost(got));
      assert.ok(d <= 2e-3 * twoOps.reduce((m, v) => Math.max(m, Math.abs(v)), 1), `${what} against geglu(linear()): ${d}`);
    }
    // the kernel asked for where it cannot run: an error that says why
    assert.throws(() => gpu.linearGegluKernel(gpu.zeros([7, 24]), gpu.zeros([20, 24]), gpu.zeros([20])), hopperHalf ? /k_gemm_geglu: weight \[20, 24\]: outputs a multiple of 256/ : /k_gemm_geglu: off here/);
    // a bias of another length: refused, not read past its end
    assert.throws(() => gpu.linearGegluKernel(gpu.zeros([7, 64]), gpu.zeros([256, 64]), gpu.zeros([255])), hopperHalf ? /k_gemm_geglu: bias of 255 values for 256 outputs/ : /k_gemm_geglu: off here/);
  });

  it('linear and conv2d refuse a bias of another length (the libraries would read past its end)', () => {
    assert.throws(() => gpu.linear(gpu.zeros([7, 24]), gpu.zeros([20, 24]), gpu.zeros([21])), /linear: bias of 21 values for 20 outputs/);
    assert.throws(() => gpu.conv2d(gpu.zeros([1, 4, 4, 8]), gpu.convWeight(new Float32Array(8 * 8 * 9), [8, 8, 3, 3]), gpu.zeros([5]), { padding: 1 }), /conv2d: bias of 5 values for 8 output channels/);
  });

  it('conv2d: 3x3, 1x1, stride 2, asymmetric padding, + residual, input read through an affine and SiLU; by im2col + GEMM and by cuDNN (engines timed (fused runtime-compiled ones among them), the heuristic\'s first engine + our epilogue, the legacy call)', () => {
    const dnns = (['timed', 'heuristic', 'off'] as const).map((cudnnEngines) => new CudaBackend({ math, convolution: 'cudnn', cudnnEngines }));
    const viaDnn = (x: Tensor, w: Float32Array, shape: [number, number, number, number], b: Tensor, opts: Conv2dOptions, r?: Tensor) => dnns.map((dnn) => {
      const [x2, b2, r2] = [x, b, r].map((t) => t && dnn.fromHost(gpu.toHost(t), t.shape));
      const y = dnn.conv2d(x2!, dnn.convWeight(w, shape), b2, opts, r2);
      return gpu.fromHost(dnn.toHost(y), y.shape); // each backend has its own stream
    });
    for (const [h, w, ci, co, k, s, p] of [[9, 11, 5, 6, 3, 1, 1], [8, 8, 3, 4, 3, 2, 1], [7, 5, 4, 3, 1, 1, 0], [16, 16, 8, 8, 3, 2, [0, 1, 0, 1]], [12, 10, 32, 64, 3, 1, 1], [24, 24, 64, 128, 3, 1, 1], [20, 20, 128, 64, 3, 2, 1]] as const) {
      const [xc, xg] = pair([2, h, w, ci]);
      const shape: [number, number, number, number] = [co, ci, k, k];
      const wd = rnd.normal(co * ci * k * k).map((v) => v * 0.2);
      const [bc, bg] = pair([co]);
      const opts = { stride: s, padding: p as number | [number, number, number, number] };
      const what = `conv ${JSON.stringify([h, w, ci, co, k, s, p])}`;
      const want = cpu.conv2d(xc, cpu.convWeight(wd, shape), bc, opts);
      close(what, want, gpu.conv2d(xg, gpu.convWeight(wd, shape), bg, opts));
      viaDnn(xg, wd, shape, bg, opts).forEach((y, i) => close(`${what} cuDNN ${dnns[i]!.description}`, want, y));
      const [rc, rg] = pair(want.shape as number[]);
      const wantSum = cpu.conv2d(xc, cpu.convWeight(wd, shape), bc, opts, rc);
      close(`${what} + residual`, wantSum, gpu.conv2d(xg, gpu.convWeight(wd, shape), bg, opts, rg));
      viaDnn(xg, wd, shape, bg, opts, rg).forEach((y, i) => close(`${what} + residual, cuDNN ${dnns[i]!.description}`, wantSum, y));
      // x read through a norm's affine and SiLU, and through SiLU alone (into the im2col matrix on the GEMM path)
      const [ac, ag] = pair([2, ci]), [hc, hg] = pair([2, ci]);
      for (const [ic, ig] of [[{ affine: { scale: ac, shift: hc }, silu: true }, { affine: { scale: ag, shift: hg }, silu: true }], [{ affine: undefined, silu: true }, { affine: undefined, silu: true }]] as const) {
        const through = `${what} through ${ic.affine ? 'an affine and ' : ''}SiLU`;
        const got = gpu.conv2d(xg, gpu.convWeight(wd, shape), bg, opts, undefined, ig);
        close(through, cpu.conv2d(xc, cpu.convWeight(wd, shape), bc, opts, undefined, ic), got);
        assert.deepEqual(gpu.toHost(got), gpu.toHost(gpu.conv2d(convInputOf(gpu, xg, ig), gpu.convWeight(wd, shape), bg, opts)), `${through}: the bits of reading through, then convolving`);
      }
    }
  });

  it('conv2d by Winograd\'s F(2x2, 3x3) (fp16, 3x3 stride 1 padding 1, even maps from 12 x 12 and 320 channels, a parameter weight, in graphs): against the cpu, + bias, + residual, through an affine and SiLU, through SiLU alone, replays the recording\'s bits, other bits than the direct convolution', () => {
    if (math !== 'fp16') return assert.equal(gpu.winograd, false, 'Winograd is fp16\'s only');
    assert.equal(gpu.winograd, true);
    // (28 x 24 and 12 x 12: blocks of k_wino2_input past the map's edge both ways)
    winogradCases(gpu, [[12, 12, 320, 320], [24, 24, 320, 320], [28, 24, 320, 640], [48, 48, 640, 320]], FP16_OP_RELATIVE);
  });

  it('conv2d by Winograd\'s F(4x4, 3x3) (CudaOptions.winograd \'f4\': maps from 48 x 48 of sides in fours; smaller ones by F(2x2, 3x3), the same bits): as F(2x2, 3x3)\'s case, within 2.5x its bound, other bits than F(2x2, 3x3)', () => {
    if (math !== 'fp16') return;
    const f4 = new CudaBackend({ math, tileConvolution: 'fused', winograd: 'f4' });
    // (52 x 48: blocks of k_wino4_input past the map's edge; one batch item, 320 channels: the cpu's
    // reference convolutions are most of the case's time, and 52 x 48 x 640 -> 320 at two items with
    // 48 x 48 took the GPU cases past 120 s in session 61's call 5; 2.5x the bound: its fp16 error is
    // ~4x F(2x2, 3x3)'s in RMS, simulated)
    winogradCases(f4, [[48, 48, 320, 320], [52, 48, 320, 320]], 2.5 * FP16_OP_RELATIVE, 1);
    const f2 = (h: number, w: number) => assert.deepEqual(recordedConv(f4, h, w), recordedConv(gpu, h, w), `${h} x ${w}: with 'f4', F(2x2, 3x3)'s bits`);
    assert.notDeepEqual(recordedConv(f4, 48, 48), recordedConv(gpu, 48, 48), '48 x 48: with \'f4\', other bits than F(2x2, 3x3)\'s');
    f2(24, 24); // too few positions
    f2(50, 50); // sides not in fours
  });

  it("conv2dTiles and convTilesInto by Winograd's F(2x2, 3x3) over the tiles (fp16 graphs; blocks of 4 to 16 outputs a side, 320 channels and up, a parameter weight): against the cpu, through an affine and SiLU, + projection, written into the base (+ residual, undone bit for bit), replays the recording's bits, other bits than gathering and convolving", () => {
    if (math !== 'fp16') return;
    // the default tile convolution ('library', a sparse step's), against the same without Winograd
    const lib = new CudaBackend({ math }), direct = new CudaBackend({ math, winograd: false });
    const [n, h, w, cp] = [2, 18, 20, 320];
    for (const [bo, ci, co] of [[4, 320, 320], [8, 320, 640], [12, 640, 320], [16, 320, 320]] as const) {
      // blocks on a grid from (0, 0) as plans lay them, every other one and the last past the map's edges
      const corners: number[] = [];
      for (let y = 0; y < h; y += bo) for (let x = 0; x < w; x += bo) if ((y + x) % (2 * bo) === 0 || y + bo >= h) corners.push(y, x);
      const what = `winograd tiles of ${bo} x ${bo} outputs, ${corners.length / 2} a map, ${ci} -> ${co}`;
      const tiles = { origins: Int32Array.from(corners, (v) => v - 1), side: bo + 2 }, blocks = { origins: Int32Array.from(corners), side: bo };
      const host = (size: number, scale = 1) => rnd.normal(size).map((v) => v * scale);
      const [xd, sd, hd, bd, x2d, pbd, based, resd] = [host(n * h * w * ci), host(n * ci, 0.5), host(n * ci), host(co), host(n * h * w * cp), host(co), host(n * h * w * co), host(n * h * w * co)];
      const [wd, pd] = [host(co * ci * 9, 1 / Math.sqrt(9 * ci)), host(co * cp, 1 / Math.sqrt(cp))];
      const active = Uint8Array.from({ length: h * w }, (_, i) => (i % 3 === 0 ? 0 : 1));
      const inputs = (ops: Backend, parameter: (t: Tensor) => Tensor) => ({
        x: ops.fromHost(xd, [n, h, w, ci]), affine: { scale: ops.fromHost(sd, [n, ci]), shift: ops.fromHost(hd, [n, ci]) }, b: ops.fromHost(bd, [co]),
        w: parameter(ops.convWeight(wd, [co, ci, 3, 3])), projection: { x: ops.fromHost(x2d, [n, h, w, cp]), tiles: blocks, w: ops.convWeight(pd, [co, cp, 1, 1]), b: ops.fromHost(pbd, [co]) },
        base: ops.fromHost(based, [n, h, w, co]), residual: ops.fromHost(resd, [n, h, w, co]),
      });
      const c = inputs(cpu, (t) => t);
      const want = cpu.conv2dTiles(c.x, tiles, c.affine, true, c.w, c.b, 1, c.projection);
      cpu.convTilesInto(c.base, c.x, { tiles, affine: c.affine, silu: true, w: c.w, b: c.b, stride: 1 }, { corners: Int32Array.from(corners), active, residual: c.residual });
      // each recorded, then replayed: the recording's bits
      const recorded = (ops: CudaBackend) => {
        const g = inputs(ops, (t) => ops.parameter(t));
        const run = (key: string, f: (x: Tensor) => Tensor, result: (out: Tensor) => Float32Array) => {
          const go = () => result(ops.tidy(() => ops.replayable(`${what} ${key}`, [g.x], (x) => [f(x)])[0]!));
          const first = go();
          assert.deepEqual(go(), first, `${what} ${key}: replayed, the recording's bits`);
          ops.forget(`${what} ${key}`);
          return first;
        };
        const conv = run('conv2dTiles', (x) => ops.conv2dTiles(x, tiles, g.affine, true, g.w, g.b, 1, g.projection), (y) => ops.toHost(y));
        // what it displaced, written back, is the base again, bit for bit (so the replay writes the same base)
        const before = ops.toHost(g.base);
        const base = run('convTilesInto', (x) => ops.convTilesInto(g.base, x, { tiles, affine: g.affine, silu: true, w: g.w, b: g.b, stride: 1 }, { corners: Int32Array.from(corners), active, residual: g.residual }), (held) => {
          const after = ops.toHost(g.base);
          ops.overwriteBlocks(g.base, held, Int32Array.from(corners), active);
          assert.deepEqual(ops.toHost(g.base), before, `${what} convTilesInto: undone`);
          return after;
        });
        return { conv, base };
      };
      const got = recorded(lib);
      close(what, want, gpu.fromHost(got.conv, want.shape));
      close(`${what}: convTilesInto's base`, c.base, gpu.fromHost(got.base, c.base.shape));
      const plain = recorded(direct);
      assert.notDeepEqual(got.conv, plain.conv, `${what}: Winograd ran (other bits than gathering and convolving)`);
      assert.notDeepEqual(got.base, plain.base, `${what}: convTilesInto by Winograd (other bits than gathering and convolving)`);
    }
  });

  /** A recorded 320 -> 320 convolution of an h x w map on `ops`, of inputs drawn from a seed of their own (the same on every backend): its output's values. */
  function recordedConv(ops: CudaBackend, h: number, w: number): Float32Array {
    const r = new Random(h * 1000 + w), [ci, co] = [320, 320], shape: [number, number, number, number] = [co, ci, 3, 3];
    const [x, wt, b] = [ops.fromHost(r.normal(2 * h * w * ci), [2, h, w, ci]), ops.parameter(ops.convWeight(r.normal(co * ci * 9).map((v) => v / Math.sqrt(9 * ci)), shape)), ops.fromHost(r.normal(co), [co])];
    const y = ops.tidy(() => ops.replayable(`recorded conv ${h}x${w}`, [x], (t) => [ops.conv2d(t, wt, b, { padding: 1 })])[0]!);
    ops.forget(`recorded conv ${h}x${w}`);
    return ops.toHost(y);
  }

  /** Winograd's convolution on `ops` for each [h, w, ci, co] of `items` batch items against the cpu within `relative`, replayed to the recording's bits, other bits than the direct convolution's, and direct for a weight not declared a parameter. */
  function winogradCases(ops: CudaBackend, cases: readonly (readonly [number, number, number, number])[], relative: number, items = 2): void {
    const direct = new CudaBackend({ math, tileConvolution: 'fused', winograd: false });
    for (const [h, w, ci, co] of cases) {
      const what = `winograd ${h}x${w} ${ci}->${co}`;
      const shape: [number, number, number, number] = [co, ci, 3, 3];
      const wd = rnd.normal(co * ci * 9).map((v) => v / Math.sqrt(9 * ci));
      const [[xc, xg], [bc, bg], [rc, rg]] = [pair([items, h, w, ci], 1, ops), pair([co], 1, ops), pair([items, h, w, co], 1, ops)];
      const [[ac, ag], [sc, sg]] = [pair([items, ci], 1, ops), pair([items, ci], 1, ops)];
      const wc = cpu.convWeight(wd, shape), wg = ops.parameter(ops.convWeight(wd, shape));
      const ic = { affine: { scale: ac, shift: sc }, silu: true }, ig = { affine: { scale: ag, shift: sg }, silu: true };
      const opts = { padding: 1 };
      // (close reads the cuda side through `gpu`)
      const near = (name: string, want: Tensor, y: Tensor) => close(name, want, ops === gpu ? y : gpu.fromHost(ops.toHost(y), y.shape), 1e-4, relative);
      // Winograd runs in graphs only: each case recorded (the weight's transform made then, on the main stream, not in the graph) and replayed
      const recorded = (key: string, f: (x: Tensor) => Tensor) => {
        const run = () => ops.tidy(() => ops.replayable(`${what} ${key}`, [xg], (x) => [f(x)])[0]!);
        const first = ops.toHost(run());
        assert.deepEqual(ops.toHost(run()), first, `${what} ${key}: replayed, the recording's bits`);
        ops.forget(`${what} ${key}`);
        return ops.fromHost(first, [items, h, w, co]);
      };
      const got = recorded('plain', (x) => ops.conv2d(x, wg, bg, opts));
      near(what, cpu.conv2d(xc, wc, bc, opts), got);
      near(`${what} + residual`, cpu.conv2d(xc, wc, bc, opts, rc), recorded('residual', (x) => ops.conv2d(x, wg, bg, opts, rg)));
      near(`${what} through an affine and SiLU + residual`, cpu.conv2d(xc, wc, bc, opts, rc, ic), recorded('through', (x) => ops.conv2d(x, wg, bg, opts, rg, ig)));
      near(`${what} through SiLU alone`, cpu.conv2d(xc, wc, bc, opts, undefined, { affine: undefined, silu: true }), recorded('silu', (x) => ops.conv2d(x, wg, bg, opts, undefined, { affine: undefined, silu: true })));
      const [xd, wdd, bd] = [direct.fromHost(ops.toHost(xg), xg.shape), direct.parameter(direct.convWeight(wd, shape)), direct.fromHost(ops.toHost(bg), [co])];
      const directBits = (wt: Tensor) => {
        const y = direct.tidy(() => direct.replayable(what, [xd], (x) => [direct.conv2d(x, wt, bd, opts)])[0]!);
        direct.forget(what);
        return direct.toHost(y);
      };
      assert.notDeepEqual(directBits(wdd), ops.toHost(got), `${what}: Winograd ran (other bits than the direct convolution's)`);
      // a weight not declared a parameter (it might be written later) takes the direct convolution
      // (weights made before the recordings: a recording may not upload host data)
      const plainWeight = ops.convWeight(wd, shape), plainDirect = direct.convWeight(wd, shape);
      assert.deepEqual(ops.toHost(recorded('not a parameter', (x) => ops.conv2d(x, plainWeight, bg, opts))), directBits(plainDirect), `${what}: not a parameter, direct`);
    }
  }

  // widths of 12 and 6 run the element-per-thread builds of the kernels, 320 and 16 (multiples of 8)
  // the 16-byte vector builds
  it('normalisation: groupNorm (+SiLU), layerNorm, group statistics, channel affine', () => {
    for (const [c, groups] of [[12, 4], [320, 32]] as const) normalisation(c, groups);
  });

  function normalisation(c: number, groups: number): void {
    const [xc, xg] = pair([2, 5, 7, c], 3);
    const [gc, gg] = pair([c]), [bc, bg] = pair([c]);
    const norm = (ops: Backend, x: Tensor, groups: number, g: Tensor, b: Tensor, eps: number, silu = false) => ops.channelAffine(x, ops.groupNormAffine(x, groups, g, b, eps), silu);
    close(`groupNorm ${c}/${groups}`, norm(cpu, xc, groups, gc, bc, 1e-5), norm(gpu, xg, groups, gg, bg, 1e-5));
    close(`groupNorm silu ${c}/${c / 4}`, norm(cpu, xc, c / 4, gc, bc, 1e-6, true), norm(gpu, xg, c / 4, gg, bg, 1e-6, true));
    close(`layerNorm ${c}`, cpu.layerNorm(xc, gc, bc, 1e-5), gpu.layerNorm(xg, gg, bg, 1e-5));
    // more rows than a block an SM takes (the vector build that loads gamma and beta after the
    // statistics) against one batch item's (the one that loads them with the row): the same bits
    const [mc, mg] = pair([2, 48, 48, c], 2);
    const many = gpu.layerNorm(mg, gg, bg, 1e-5);
    close(`layerNorm ${c}, 48x48`, cpu.layerNorm(mc, gc, bc, 1e-5), many);
    assert.deepEqual(gpu.toHost(gpu.layerNorm(gpu.sliceBatch(mg, 1), gg, bg, 1e-5)), gpu.toHost(gpu.sliceBatch(many, 1)), `layerNorm ${c}: a batch item's bits alone and in the map`);
    const ac = cpu.groupNormAffine(xc, groups, gc, bc, 1e-5), ag = gpu.groupNormAffine(xg, groups, gg, bg, 1e-5);
    close(`groupNormAffine scale ${c}`, ac.scale, ag.scale, 1e-6);
    close(`groupNormAffine shift ${c}`, ac.shift, ag.shift, 1e-6);
    // an offset per batch item and channel (a resnet's time embedding) taken into the statistics
    const [oc, og] = pair([2, c]);
    const offC = cpu.groupNormAffine(xc, groups, gc, bc, 1e-5, undefined, oc), offG = gpu.groupNormAffine(xg, groups, gg, bg, 1e-5, undefined, og);
    close(`groupNormAffine + offset scale ${c}`, offC.scale, offG.scale, 1e-6);
    close(`groupNormAffine + offset shift ${c}`, offC.shift, offG.shift, 1e-5);
    close(`groupNorm + offset silu ${c}`, cpu.channelAffine(xc, offC, true), gpu.channelAffine(xg, offG, true));
    const [scC, scG] = pair([2, c]), [shC, shG] = pair([2, c]);
    close(`channelAffine ${c}`, cpu.channelAffine(xc, { scale: scC, shift: shC }, true), gpu.channelAffine(xg, { scale: scG, shift: shG }, true));
    // statistics over many positions (several blocks per batch item)
    const [lc, lg] = pair([2, 40, 41, c], 2);
    close(`groupNormAffine scale ${c}, 40x41`, cpu.groupNormAffine(lc, groups, gc, bc, 1e-5).scale, gpu.groupNormAffine(lg, groups, gg, bg, 1e-5).scale, 1e-6);
    updatedStatistics(c, groups, Uint8Array.from([0, 1, 0, 0, 1, 0]));
  }

  it('group statistics updated in many rows, and over groups of 80 channels', () => {
    updatedStatistics(12, 4, Uint8Array.from({ length: 80 }, (_, y) => (y % 8 ? 1 : 0)));
    updatedStatistics(2560, 32, Uint8Array.from([1, 0, 0, 1]));
  });

  /**
   * Statistics updated in the changed rows (`rows` flags, of a map 100 wide): the same bits as over
   * the whole map, and the cpu's sums.
   */
  function updatedStatistics(c: number, groups: number, rows: Uint8Array): void {
    const h = rows.length, shape = [2, h, 100, c];
    const [gc, gg] = pair([c]), [bc, bg] = pair([c]);
    const [, baseG] = pair(shape, 2);
    const changed = gpu.toHost(baseG), fresh = rnd.normal(changed.length), per = 100 * c;
    for (let i = 0; i < 2 * h; i++) if (rows[i % h]) changed.set(fresh.subarray(i * per, (i + 1) * per), i * per);
    const xg = gpu.fromHost(changed, shape);
    // the cpu sums the values the gpu stores (fp16 storage rounds them)
    const xc = cpu.fromHost(gpu.toHost(xg), shape), baseC = cpu.fromHost(gpu.toHost(baseG), shape);
    const baseStats = gpu.groupNormAffine(baseG, groups, gg, bg, 1e-5);
    const whole = gpu.groupNormAffine(xg, groups, gg, bg, 1e-5);
    const updated = gpu.groupNormAffine(xg, groups, gg, bg, 1e-5, { base: baseStats.sums, rows });
    for (const k of ['scale', 'shift', 'sums'] as const) assert.deepEqual(gpu.toBytes(updated[k]), gpu.toBytes(whole[k]), `updated ${k} ${c}`);
    const none = gpu.groupNormAffine(baseG, groups, gg, bg, 1e-5, { base: baseStats.sums, rows: new Uint8Array(h) });
    for (const k of ['scale', 'shift', 'sums'] as const) assert.deepEqual(gpu.toBytes(none[k]), gpu.toBytes(baseStats[k]), `no rows ${k} ${c}`);
    // the sums against the cpu's (float64 both: the same values added in another order)
    const want = cpu.groupNormAffine(xc, groups, gc, bc, 1e-5, { base: cpu.groupNormAffine(baseC, groups, gc, bc, 1e-5).sums, rows });
    const doubles = (b: Uint8Array) => new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
    const a = doubles(cpu.toBytes(want.sums)), b = doubles(gpu.toBytes(updated.sums));
    assert.equal(b.length, a.length);
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= 1e-9 * Math.max(1, Math.abs(v)), `sums ${c} at ${i}: ${v} vs ${b[i]}`));
    close(`updated groupNormAffine scale ${c}`, want.scale, updated.scale, 1e-6);
    // with an offset: updated rows give the whole map's bits too
    const offset = gpu.fromHost(rnd.normal(2 * c), [2, c]);
    const baseOff = gpu.groupNormAffine(baseG, groups, gg, bg, 1e-5, undefined, offset), wholeOff = gpu.groupNormAffine(xg, groups, gg, bg, 1e-5, undefined, offset);
    const updatedOff = gpu.groupNormAffine(xg, groups, gg, bg, 1e-5, { base: baseOff.sums, rows }, offset);
    for (const k of ['scale', 'shift', 'sums'] as const) assert.deepEqual(gpu.toBytes(updatedOff[k]), gpu.toBytes(wholeOff[k]), `updated ${k} + offset ${c}`);
  }

  it('attention: self, cross, causal (a text encoder\'s by k_attend_short in fp16), probabilities and their remapping', () => {
    const [qc, qg] = pair([2, 37, 24]), [kc, kg] = pair([2, 29, 24]), [vc, vg] = pair([2, 29, 24]);
    close('attention', cpu.attention(qc, kc, vc, { heads: 3 }), gpu.attention(qg, kg, vg, { heads: 3 }));
    const [k2c, k2g] = pair([2, 37, 24]), [v2c, v2g] = pair([2, 37, 24]);
    close('causal', cpu.attention(qc, k2c, v2c, { heads: 4, causal: true }), gpu.attention(qg, k2g, v2g, { heads: 4, causal: true }));
    // a text encoder's causal self-attention at head dims of the flash kernels, up to SHORT_KEYS tokens
    // and past them: in fp16 k_attend_short with a causal mask, a launch a batch item
    for (const [l, width, heads] of [[77, 1024, 16], [37, 64, 1], [80, 128, 2], [81, 64, 1]] as const) {
      const [qtc, qtg] = pair([2, l, width]), [ktc, ktg] = pair([2, l, width]), [vtc, vtg] = pair([2, l, width]);
      close(`causal, ${l} tokens, d ${width / heads}`, cpu.attention(qtc, ktc, vtc, { heads, causal: true }), gpu.attention(qtg, ktg, vtg, { heads, causal: true }));
    }
    if (math === 'fp16') {
      const [qt, kt, vt] = [pair([2, 77, 1024])[1], pair([2, 77, 1024])[1], pair([2, 77, 1024])[1]];
      gpu.profileStart(1);
      gpu.attention(qt, kt, vt, { heads: 16, causal: true });
      const ran = gpu.profileEnd().ops.flatMap((o) => Array<string>(o.count).fill(o.op.split(' ')[0]!));
      assert.deepEqual(ran, ['k_attend_short_64', 'k_attend_short_64'], `a text encoder's causal attention ran ${ran.join(', ')}`);
    }
    const [k4c, k4g] = pair([2, 64, 24]), [v4c, v4g] = pair([2, 64, 24]);
    close('attention, keys a multiple of 4 (vectorised softmax)', cpu.attention(qc, k4c, v4c, { heads: 3 }), gpu.attention(qg, k4g, v4g, { heads: 3 }));
    const pc = cpu.attentionProbs(qc, kc, 3), pg = gpu.attentionProbs(qg, kg, 3);
    close('probs', pc, pg, 1e-6);
    close('applyProbs', cpu.applyProbs(pc, vc), gpu.applyProbs(pg, vg));
    const [sc, sg] = pair([1, 3, 37, 11]);
    const map = Int32Array.from({ length: 29 }, (_, j) => (j % 3 === 0 ? j % 11 : -1));
    const mapOn = (ops: Backend, m: Int32Array) => ops.fromHost(Float32Array.from(m), [m.length]);
    close('probs under cross-attention control', cpu.attentionProbs(qc, kc, 3, { item: 1, source: sc, map: mapOn(cpu, map) }), gpu.attentionProbs(qg, kg, 3, { item: 1, source: sg, map: mapOn(gpu, map) }), 1e-6);
    // what the recording of cross-attention does (attentionWithProbs: probabilities of a text's keys,
    // remapped under cross-attention control, of one item, the other item by attention()) at the
    // widths of SD, at 80 keys and one more (in fp16 k_attend_short takes up to 80, the GEMMs and softmax
    // more) and past 256 keys, against the cpu's definition (every item's probabilities)
    const recorded = (ops: Backend, q: Tensor, k: Tensor, v: Tensor, heads: number, item: number, control?: { source: Tensor; map: Int32Array }) =>
      ops.attentionWithProbs(q, k, v, heads, item, control && { item, source: control.source, map: mapOn(ops, control.map) });
    for (const [lk, width, heads] of [[29, 24, 3], [77, 320, 5], [77, 320, 2], [80, 64, 1], [81, 64, 1], [300, 24, 3]] as const) {
      const [q1c, q1g] = pair([2, 37, width]), [k1c, k1g] = pair([2, lk, width]), [v1c, v1g] = pair([2, lk, width]);
      const [s1c, s1g] = pair([1, heads, 37, 11]);
      const m1 = Int32Array.from({ length: lk }, (_, j) => (j % 3 === 0 ? j % 11 : -1));
      for (const control of [false, true]) for (const item of [0, 1]) {
        const want = recorded(cpu, q1c, k1c, v1c, heads, item, control ? { source: s1c, map: m1 } : undefined);
        const got = recorded(gpu, q1g, k1g, v1g, heads, item, control ? { source: s1g, map: m1 } : undefined);
        const what = `recorded attention, ${lk} keys, d ${width / heads}, item ${item}${control ? ', controlled' : ''}`;
        close(`${what}: output`, want[0], got[0]);
        close(`${what}: probabilities`, want[1], got[1], 1e-6);
      }
    }
    if (math === 'fp16') {
      // a text's keys, controlled: one kernel of ours (k_attend_short), no QK and PV GEMMs, no copies of K and V
      const [q1, k1, v1] = [pair([2, 37, 320])[1], pair([2, 77, 320])[1], pair([2, 77, 320])[1]];
      const source = pair([1, 5, 37, 77])[1], m = Int32Array.from({ length: 77 }, (_, j) => (j % 2 ? j : -1));
      gpu.profileStart(1);
      gpu.attentionWithProbs(q1, k1, v1, 5, 1, { item: 1, source, map: mapOn(gpu, m) });
      const ops = gpu.profileEnd().ops.map((o) => o.op.split(' ')[0]!);
      assert.ok(ops.includes('k_attend_short_64') && !ops.some((o) => o === 'gemm' || o.startsWith('k_copy')), `controlled cross-attention ran ${ops.join(', ')}`);
    }
    assert.throws(() => gpu.attentionWithProbs(qg, kg, vg, 3, 0, { item: 1, source: sg, map: mapOn(gpu, map) }), /control of item 1, probabilities of item 0/);
    assert.throws(() => gpu.attentionProbs(qg, kg, 3, { item: 2, source: sg, map: mapOn(gpu, map) }), /attentionProbs: item 2 of a batch of 2/);
  });

  it('attention at the head dims of SD (flash attention in fp16, GEMM + softmax in fp32), odd lengths', () => {
    // flash attention as chosen (gpu: on Hopper, wgmma at d = 64, its pipelined kernel where a launch is
    // one wave of it; each kernel alone, bit for bit), by
    // mma.sync with 32 query rows per warp (where d <= 64) and with 16, and the GEMM path
    const others = {
      '32 rows per warp': new CudaBackend({ math, flashRowsPerWarp: 32, wgmmaAttention: false }),
      '16 rows per warp': new CudaBackend({ math, flashRowsPerWarp: 16, wgmmaAttention: false }),
      GEMM: new CudaBackend({ math, flashAttention: false }),
    };
    const wgmmaKernels = { k_flash_wg64_pipe: new CudaBackend({ math, wgmmaPipeline: true }), k_flash_wg64: new CudaBackend({ math, wgmmaPipeline: false }) };
    // 300x1000, 70x3000 and 64x4480 split the keys on wgmma (few query blocks, many key tiles; the
    // last: eight splits of five tiles over 35, the last split empty)
    for (const [d, heads, lq, lk] of [[8, 3, 5, 3], [16, 2, 77, 77], [40, 5, 130, 77], [64, 2, 300, 1000], [64, 2, 70, 3000], [64, 2, 64, 4480], [64, 1, 129, 65], [64, 5, 2304, 77], [80, 3, 64, 64], [120, 2, 70, 130], [160, 1, 100, 257]] as const) {
      const w = d * heads;
      const [qc, qg] = pair([2, lq, w], 2), [kc, kg] = pair([2, lk, w], 2), [vc, vg] = pair([2, lk, w]);
      const want = cpu.attention(qc, kc, vc, { heads });
      const got = gpu.attention(qg, kg, vg, { heads });
      close(`flash attention d ${d}, heads ${heads}, ${lq}x${lk}`, want, got);
      if (gpu.wgmma && d === 64) {
        // the pipelined kernel does the same arithmetic in the same order, the next tile's scores queued earlier
        for (const [kernel, b] of Object.entries(wgmmaKernels)) {
          const [q2, k2, v2] = [qg, kg, vg].map((t) => b.fromHost(gpu.toHost(t), t.shape)) as [Tensor, Tensor, Tensor];
          assert.deepEqual(b.toHost(b.attention(q2, k2, v2, { heads })), gpu.toHost(got), `${kernel} alone against the kernels as chosen, heads ${heads}, ${lq}x${lk}`);
        }
      }
      for (const [what, other] of Object.entries(others)) {
        const [q2, k2, v2] = [qg, kg, vg].map((t) => other.fromHost(gpu.toHost(t), t.shape)) as [Tensor, Tensor, Tensor];
        // each backend has its own stream: its result comes back through its own toHost
        const r = other.attention(q2, k2, v2, { heads });
        // the GEMM path stores scores and probabilities in fp16 between its kernels (flash attention keeps
        // them in fp32 registers): twice the bound (64x4480 came to 1.08 times the single one)
        close(`${what} attention d ${d}, heads ${heads}, ${lq}x${lk}`, want, gpu.fromHost(other.toHost(r), r.shape), undefined, what === 'GEMM' ? 2 * FP16_OP_RELATIVE : FP16_OP_RELATIVE);
      }
    }
  });

  it('wgmma attention: the query blocks of a short last wave split among blocks (flash-splits.ts) as one block each computes them, within fp16 bounds', { skip: !gpu.wgmma && 'the wgmma attention runs in fp16 on Hopper only' }, () => {
    const whole = new CudaBackend({ math, flashSplits: 1 });
    // a sparse step's 2816 and 3712 active rows over a 768 px map's keys (440 and 580 blocks, 396 a wave)
    for (const [lq, lk] of [[2816, 9216], [3712, 9216]] as const) {
      const heads = 5, w = 64 * heads, items = Math.ceil(lq / WGMMA_QUERY_ROWS) * 2 * heads;
      const launch = flashLaunch(items, Math.ceil(lk / WGMMA_KEY_TILE), gpu.driver.multiprocessors, 'auto', 'auto');
      assert.ok(launch.whole > 0 && launch.whole < items && launch.splits > 1, `${lq}x${lk}: a tail split on this GPU (${JSON.stringify(launch)})`);
      const q = rnd.normal(2 * lq * w), kv = rnd.normal(2 * lk * w);
      const got = gpu.attention(gpu.fromHost(q, [2, lq, w]), ...(Array(2).fill(gpu.fromHost(kv, [2, lk, w])) as [Tensor, Tensor]), { heads });
      const want = whole.attention(whole.fromHost(q, [2, lq, w]), ...(Array(2).fill(whole.fromHost(kv, [2, lk, w])) as [Tensor, Tensor]), { heads });
      close(`${lq}x${lk} split after ${launch.whole} of ${items}`, cpu.fromHost(whole.toHost(want), want.shape), got);
    }
  });

  it('pointwise, layout and row ops', () => {
    for (const c of [6, 16]) pointwise(c);
  });

  function pointwise(c: number): void {
    const [ac, ag] = pair([3, 5, c]), [bc, bg] = pair([3, 5, c]);
    close(`add ${c}`, cpu.add(ac, bc, 0.5), gpu.add(ag, bg, 0.5), 0);
    close(`scale ${c}`, cpu.scale(ac, 3), gpu.scale(ag, 3), 0);
    close(`silu ${c}`, cpu.silu(ac), gpu.silu(ag), 1e-6);
    close(`gelu ${c}`, cpu.gelu(ac), gpu.gelu(ag), 1e-6);
    close(`quickGelu ${c}`, cpu.quickGelu(ac), gpu.quickGelu(ag), 1e-6);
    close(`unitRange ${c}`, cpu.unitRange(ac), gpu.unitRange(ag), 1e-6);
    const [dc, dg] = pair([3, 5, 2 * c]);
    close(`geglu ${c}`, cpu.geglu(dc), gpu.geglu(dg), 1e-6);
    const [cc, cg] = pair([3, 5, c / 2]);
    close(`concat ${c}`, cpu.concatChannels(ac, cc), gpu.concatChannels(ag, cg), 0);
    const [uc, ug] = pair([2, 3, 5, c]);
    close(`upsample ${c}`, cpu.upsampleNearest2x(uc), gpu.upsampleNearest2x(ug), 0);
    // of flagged rows only (a sparse step's): those rows as the cpu makes them
    const [mc, mg] = pair([2, 4, 3, c]), [nc, ng] = pair([2, 4, 3, c / 2]);
    const rows = Uint8Array.from([1, 0, 0, 1]), upRows = Uint8Array.from([0, 1, 1, 0, 0, 0]);
    const flaggedRows = (ops: Backend, t: Tensor, flags: Uint8Array) => {
      const [, h, w, ch] = t.shape as number[];
      return ops.fromHost(ops.toHost(t).filter((_, i) => flags[Math.floor(i / (w! * ch!)) % h!]), [t.size * flags.filter((f) => f).length / h!]);
    };
    close(`concat of rows ${c}`, flaggedRows(cpu, cpu.concatChannels(mc, nc, rows), rows), flaggedRows(gpu, gpu.concatChannels(mg, ng, rows), rows), 0);
    close(`upsample of rows ${c}`, flaggedRows(cpu, cpu.upsampleNearest2x(uc, upRows), upRows), flaggedRows(gpu, gpu.upsampleNearest2x(ug, upRows), upRows), 0);
    assert.throws(() => gpu.concatChannels(mg, ng, upRows), /concatChannels: 6 row flags for an output \[2, 4, 3, \d+\]/);
    const [tc, tg] = pair([50, 8]);
    const ids = Int32Array.from([0, 49, 7, 7]);
    close('embedding', cpu.embedding(tc, ids), gpu.embedding(tg, ids), 0);
    const widths = c === 16 ? [8, 8] : [1, 2, 3];
    const sc = cpu.splitChannels(ac, widths), sg = gpu.splitChannels(ag, widths);
    sc.forEach((t, i) => close(`split ${c} ${i}`, t, sg[i]!, 0));
    // more pieces than one k_split_cols launch takes (SPLIT_PIECES), in whole vectors and not
    if (c === 16)
      for (const many of [Array.from({ length: 30 }, (_, i) => 8 * (1 + (i % 3))), Array.from({ length: 27 }, (_, i) => 1 + (i % 4))]) {
        const [mc, mg] = pair([2, 3, many.reduce((a, w) => a + w, 0)]);
        const want = cpu.splitChannels(mc, many), got = gpu.splitChannels(mg, many);
        want.forEach((t, i) => close(`split into ${many.length}, ${i}`, t, got[i]!, 0));
      }
    close(`sliceBatch ${c}`, cpu.sliceBatch(ac, 2), gpu.sliceBatch(ag, 2), 0);
    const idx = Int32Array.from([4, 0, 2]);
    close(`gatherRows ${c}`, cpu.gatherRows(ac, idx), gpu.gatherRows(ag, idx), 0);
    const [rc, rg] = pair([3, 3, c]);
    written(`overwriteRows ${c}`, [ac, ag], (ops, b) => ops.overwriteRows(b, ops === cpu ? rc : rg, idx));
    const [fc, fg] = pair(ac.shape as number[]);
    written(`overwriteRows from the same rows ${c}`, [ac, ag], (ops, b) => ops.overwriteRows(b, ops === cpu ? fc : fg, idx, true));
    written(`swapEach rows ${c}`, [ac, ag], (ops, b) => ops.overwriteRows(b, ops === cpu ? rc : rg, idx), 0, (ops, b, held) => swapTwice(b, held, (x, r) => ops.swapEach([{ base: x, rows: r, at: { rows: idx } }])));
    // the fused forms: the same values as their definitions (one launch each on cuda)
    const [scC, scG] = pair([3, c]), [shC, shG] = pair([3, c]);
    const [rowsC, normedC] = cpu.gatherRowsAffine(ac, idx, { scale: scC, shift: shC });
    const [rowsG, normedG] = gpu.gatherRowsAffine(ag, idx, { scale: scG, shift: shG });
    close(`gatherRowsAffine rows ${c}`, rowsC, rowsG, 0);
    close(`gatherRowsAffine affine ${c}`, normedC, normedG);
    assert.deepEqual(gpu.toHost(normedG), gpu.toHost(gpu.channelAffine(rowsG, { scale: scG, shift: shG })), `gatherRowsAffine: channelAffine's bits ${c}`);
    const [r2c, r2g] = pair([3, 3, c]), [b2c, b2g] = pair(ac.shape as number[]);
    const both = (ops: Backend, [a, b, x, y]: readonly Tensor[]) => {
      const [ac2, xc2] = [copyOf(ops, a!), copyOf(ops, x!)];
      return [ac2, xc2, ...ops.overwriteRowsPair([ac2, b!], [xc2, y!], idx)];
    };
    const pairC = both(cpu, [ac, rc, b2c, r2c]), pairG = both(gpu, [ag, rg, b2g, r2g]);
    pairC.forEach((t, i) => close(`overwriteRowsPair ${i} ${c}`, t, pairG[i]!, 0));
    assert.throws(() => gpu.overwriteRowsPair([ag, rg], [rg, r2g], idx), /overwriteRowsPair: bases \[3, 5, \d+\] and \[3, 3, \d+\] differ/);
  }

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

  it('latents: float32 on the device, each op as the host computes it (combine, clamp, where, absolute differences, sample, guidance)', () => {
    const host = cpu.latents, dev = gpu.latents;
    const n = 4 * 37; // 37 pixels of 4 channels
    const vs = [0, 1, 2, 3].map(() => rnd.normal(n));
    const d = vs.map((v) => dev.fromHost(v));
    const near = (what: string, want: Float32Array, got: Float32Array, tol = 2e-6) => {
      assert.equal(got.length, want.length, what);
      const diff = maxAbsDiff(want, got), bound = tol * Math.max(1, ...want.map(Math.abs));
      assert.ok(diff <= bound, `${what}: max abs difference ${diff} (bound ${bound})`);
    };
    assert.deepEqual(dev.toHost(d[0]!), vs[0], 'latents go up and come back bit for bit');
    for (let terms = 1; terms <= 4; terms++) {
      const t = vs.slice(0, terms).map((v, i) => [0.5 - i * 0.7, v] as const);
      near(`combine of ${terms}`, host.toHost(host.combine(t)), dev.toHost(dev.combine(t.map(([c], i) => [c, d[i]!] as const))));
    }
    assert.throws(() => dev.combine([]), /0 terms/);
    near('clamp', host.toHost(host.clamp(vs[0]!, 0.5)), dev.toHost(dev.clamp(d[0]!, 0.5)), 0);
    const mask = Uint8Array.from({ length: 37 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    assert.deepEqual(dev.toHost(dev.where(mask, d[0]!, d[1]!)), host.toHost(host.where(mask, vs[0]!, vs[1]!)), 'where picks values bit for bit');
    near('channelAbsDiff', host.toHost(host.channelAbsDiff(vs[0]!, vs[1]!, 4)), dev.toHost(dev.channelAbsDiff(d[0]!, d[1]!, 4)));
    // the U-Net's sample (in storage) and the guided output (from storage)
    const scale = 0.8;
    const sample = gpu.latents.sample(d[0]!, [37, 1, 4], 2, scale);
    assert.deepEqual(sample.shape, [2, 37, 1, 4]);
    close('sample', cpu.latents.sample(vs[0]!, [37, 1, 4], 2, scale), sample);
    const yg = gpu.fromHost(rnd.normal(2 * n), [2, 37, 1, 4]), yc = cpu.fromHost(gpu.toHost(yg), yg.shape); // the same stored values
    near('guide', host.toHost(host.guide(yc, 7.5)), dev.toHost(dev.guide(yg, 7.5)));
    near('guide, one item', host.toHost(host.guide(cpu.sliceBatch(yc, 0), 7.5)), dev.toHost(dev.guide(gpu.sliceBatch(yg, 0), 7.5)), 0);
    assert.throws(() => dev.where(new Uint8Array(5), d[0]!, d[1]!), /mask of 5 pixels/);
    assert.throws(() => dev.combine([[1, vs[0]!]]), /does not belong to the cuda backend/);
  });

  it('automatic mask where the maps are: the host recipe bit for bit (levels, counts, opened mask)', () => {
    const host = cpu.latents, dev = gpu.latents;
    const r = new Random(11); // its own numbers: the other tests' inputs stay as they were
    for (const [h, w] of [[96, 96], [7, 13], [128, 40]] as const) {
      // ten difference maps of uneven scales over a changed block, one constant (normalised to zeros)
      const inBlock = (p: number) => Math.floor(p / w) >= h / 4 && Math.floor(p / w) < h / 2 && p % w >= w / 4 && p % w < w / 2;
      const maps = Array.from({ length: 10 }, (_, i) =>
        i === 4 ? new Float32Array(h * w).fill(3) : r.normal(h * w).map((v, p) => (Math.abs(v) + (inBlock(p) ? 6 : 0)) * (i + 1) ** 2));
      const levelsHost = host.differenceLevels(maps), levelsDev = dev.differenceLevels(maps.map((m) => dev.fromHost(m)));
      assert.deepEqual(dev.toHost(levelsDev), host.toHost(levelsHost), `levels ${h}x${w}`);
      const counts = host.levelCounts(levelsHost);
      assert.deepEqual(dev.levelCounts(levelsDev), counts, `counts ${h}x${w}`);
      for (const threshold of ['otsu', { targetSize: 0.05 }, { targetSize: 0.3 }] as const) {
        const want = automaticMask(host, maps, h, w, threshold);
        const got = automaticMask(dev, maps.map((m) => dev.fromHost(m)), h, w, threshold);
        assert.deepEqual(got, want, `mask ${h}x${w} ${JSON.stringify(threshold)}`);
        if (threshold === 'otsu') assert.ok(want.some((v) => v === 1) && want.some((v) => v === 0), `the block found ${h}x${w}`);
      }
    }
    assert.throws(() => dev.differenceLevels([]), /no difference maps/);
    assert.throws(() => dev.openedMask(dev.fromHost(new Float32Array(6)), new Uint8Array(256), 2, 2), /openedMask: 6 levels for a 2x2 mask/);
  });

  it('replayable: a call captured as a CUDA graph replays with new inputs as it runs eagerly', () => {
    // with one convolution method the replay is bit for bit the eager call ('auto' uses cuDNN in graphs)
    for (const convolution of ['cudnn', 'gemm'] as const) replayMatchesEager(new CudaBackend({ math, convolution }));
  });

  it('snapshot: eagerly the tensor itself; in a replayable call a copy made on a branch of its graph as soon as the tensor is final, in buffers of its own at each replay, as the eager call computes', () => {
    for (const convolution of ['cudnn', 'gemm'] as const) snapshotsMatchEager(new CudaBackend({ math, convolution }));
  });

  it('aside: eagerly in line; in a replayable call on a branch of its graph, its reads kept from the work recorded after it, as the eager call computes', () => {
    asideMatchesEager(gpu);
  });

  /** n float32s of page-locked host memory (hostBuffer's), as StableDiffusion.imageBuffer makes an image's. */
  const pinnedFloats = (n: number) => {
    const bytes = gpu.hostBuffer(n * 4);
    return new Float32Array(bytes.buffer, bytes.byteOffset, n);
  };

  it('toHost into a given array: the values a fresh one gets, below and above the page-locked staging size, and into page-locked memory; a wrong length refused', () => {
    const pinned = (n: number) => pinnedFloats(n).fill(7);
    for (const [n, make] of [[1000, undefined], [600 * 1024, undefined], [600 * 1024, pinned]] as const) { // 4 KB; 2.4 MB through the staging memory, or straight into page-locked memory
      const values = rnd.normal(n), t = gpu.fromHost(values, [n]), into = make ? make(n) : new Float32Array(n).fill(7);
      assert.equal(gpu.toHost(t, into), into);
      // the values as stored (fp16 rounds them), not another download's
      assert.deepEqual(into, math === 'fp16' ? values.map((v) => halfToFloat(floatToHalf(v))) : values, `${n} values`);
      assert.deepEqual(into, gpu.toHost(t), `${n} values, as a fresh array gets them`);
    }
    assert.throws(() => gpu.toHost(gpu.fromHost(new Float32Array(4), [2, 2]), new Float32Array(3)), /toHost: 3 values for shape \[2, 2\]/);
  });

  it('toHost keeping values outside a region: from the device into page-locked memory (both arrays there), else on the host, the same values', () => {
    const rnd2 = new Random(11);
    const positions = 700 * 500, c = 3, n = positions * c; // 4.2 MB of values: above the staging size
    const values = Float32Array.from({ length: n }, () => Math.round(rnd2.uniform() * 64) / 64); // exact in fp16
    const t = gpu.fromHost(values, [positions, c]);
    const region = Uint8Array.from({ length: positions }, () => (rnd2.uniform() < 0.4 ? 1 : 0));
    const base = Float32Array.from({ length: n }, (_, i) => -1 - (i % 97) / 7); // not fp16's: the kept values must not pass through storage
    const want = Float32Array.from({ length: n }, (_, i) => (region[Math.floor(i / c)] ? values[i]! : base[i]!));
    for (const [intoPinned, basePinned] of [[true, true], [true, false], [false, true], [false, false]]) {
      const into = intoPinned ? pinnedFloats(n).fill(7) : new Float32Array(n).fill(7);
      const kept = basePinned ? pinnedFloats(n) : new Float32Array(n);
      kept.set(base);
      const how = `into ${intoPinned ? 'page-locked' : 'pageable'}, base ${basePinned ? 'page-locked' : 'pageable'}`;
      gpu.profileStart(1); // which kernels ran: the device's pass where both arrays are page-locked, else the host's
      assert.equal(gpu.toHost(t, into, { region, values: kept }), into);
      const ops = gpu.profileEnd().ops.map((o) => o.op);
      assert.equal(ops.includes('k_to_host_keeping'), intoPinned && basePinned, `${how}: ${ops.join(', ')}`);
      assert.ok(into.every((v, i) => v === want[i]), how);
      assert.ok(kept.every((v, i) => v === base[i]), 'the base left as it was');
    }
    // 11 positions do not divide 1,050,000 values (7, in session 65's call 6, did: no error, the assertion failed)
    assert.throws(() => gpu.toHost(t, pinnedFloats(n), { region: new Uint8Array(11), values: pinnedFloats(n) }), /toHost: 1050000 values, 1050000 to keep outside the region, for a region of 11 positions/);
  });

  it('prefetch: from page-locked memory on a copy stream, after the work queued before, before the work after ready()', () => {
    const shape = [4, 256, 256, 32], n = 4 * 256 * 256 * 32;
    const values = rnd.normal(n), other = rnd.normal(n);
    const host = gpu.hostBuffer(n * gpu.elementBytes);
    gpu.toBytes(gpu.fromHost(values, shape), host);
    // a block released while queued work still reads it may be the prefetch's destination
    const a = gpu.fromHost(other, shape);
    let b = a;
    for (let i = 0; i < 20; i++) b = gpu.add(b, a);
    gpu.dispose(a);
    const p = gpu.prefetch([{ bytes: host, shape }, { bytes: host.slice(), shape }]); // the second from pageable memory
    p.ready();
    const [c, d] = p.tensors.map((t) => gpu.toHost(gpu.scale(t!, 2)));
    const want = gpu.toHost(gpu.scale(gpu.fromHost(values, shape), 2));
    assert.deepEqual(c, want, 'page-locked copy');
    assert.deepEqual(d, want, 'pageable copy');
    // odd sizes at unaligned places (one value apart), into and out of page-locked memory
    const sizes = [1, 7, 8, 4095, 4096, 16384, 16389, 70001];
    const pinned = gpu.hostBuffer(sizes.reduce((a, n) => a + (n + 1) * gpu.elementBytes, 0));
    let at = 0;
    const odd = sizes.map((n) => {
      const want = gpu.fromHost(rnd.normal(n), [n]);
      const bytes = gpu.toBytes(want, pinned.subarray(at, at + n * gpu.elementBytes));
      at += (n + 1) * gpu.elementBytes;
      return { want: gpu.toHost(want), item: { bytes, shape: [n] } };
    });
    const q = gpu.prefetch(odd.map((o) => o.item));
    q.ready();
    q.tensors.forEach((t, i) => assert.deepEqual(gpu.toHost(t!), odd[i]!.want, `prefetch of ${sizes[i]} values`));
    const expected = gpu.toHost(gpu.scale(gpu.fromHost(other, shape), 21));
    assert.ok(maxAbsDiff(gpu.toHost(b), expected) <= (math === 'fp16' ? 0.05 * 21 * 5 : 1e-3), 'the work queued before read its input, not the prefetched data');
  });

  /** Random tensors of a shape on `gpu` (normal values, times `scale`): the replay cases' inputs and weights. */
  const randomOn = (gpu: CudaBackend) => (shape: number[], scale = 1) => gpu.fromHost(rnd.normal(shape.reduce((a, b) => a * b, 1)).map((v) => v * scale), shape);

  function snapshotsMatchEager(gpu: CudaBackend): void {
    const rand = randomOn(gpu);
    const wc = gpu.convWeight(rnd.normal(8 * 8 * 9).map((v) => v * 0.2), [8, 8, 3, 3]);
    const gamma = rand([8]), beta = rand([8]);
    // a library's output (the convolution) and one of ours (the sum), each read by work after its snapshot
    const f = (x: Tensor) => {
      const y = gpu.conv2d(x, wc, beta, { padding: 1 });
      const s1 = gpu.snapshot(y);
      const z = gpu.add(y, x);
      const s2 = gpu.snapshot(z);
      return [gpu.channelAffine(z, gpu.groupNormAffine(z, 2, gamma, beta, 1e-5), true), s1, s2];
    };
    const x0 = rand([2, 6, 6, 8]);
    assert.equal(gpu.snapshot(x0), x0, `${gpu.description}: eagerly, the tensor itself`);
    // the copies are the graph's branch nodes, re-pointed at each replay's buffers (not copied out after it)
    const driver = gpu.driver, repoint = driver.setCopyDestination.bind(driver);
    let repointed = 0;
    driver.setCopyDestination = (exec, node, params, dst) => (repointed++, repoint(exec, node, params, dst));
    const calls: [Tensor[], Float32Array[]][] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const x = rand([2, 6, 6, 8]);
        const want = f(x).map((t) => gpu.toHost(t));
        const results = gpu.tidy(() => gpu.replayable('snapshots', [x], f));
        results.forEach((t, j) => assert.deepEqual(gpu.toHost(t), want[j], `${gpu.description}: call ${i}, result ${j}`));
        calls.push([results, want]);
      }
    } finally {
      driver.setCopyDestination = repoint;
    }
    assert.equal(repointed, 2 * 4, `${gpu.description}: both snapshots' copy nodes re-pointed at every replay (the first call records and replays)`);
    // each replay's snapshots are its own (not the buffers the next replay's copies write)
    calls.forEach(([results, want], i) => results.forEach((t, j) => assert.deepEqual(gpu.toHost(t), want[j], `${gpu.description}: call ${i}'s result ${j} kept`)));
    assert.equal(new Set(calls.flatMap(([results]) => results.slice(1).map((t) => t.storage))).size, 2 * calls.length);
    gpu.forget('snapshots');
  }

  function asideMatchesEager(gpu: CudaBackend): void {
    const rand = randomOn(gpu);
    const w = rand([16, 8], 0.3), rows = Int32Array.from([1, 4, 5, 9]);
    // as a fast-attention sparse step writes its all-token keys and values: fresh rows (temporaries of
    // a GEMM) into the base's in place, beside later work whose temporaries are as large as theirs
    const f = (x: Tensor, kAll: Tensor, vAll: Tensor) => {
      const [k, v] = gpu.splitChannels(gpu.linear(x, w), [8, 8]) as [Tensor, Tensor];
      const held = gpu.aside([k, v, kAll, vAll], () => gpu.overwriteRowsPair([kAll, k], [vAll, v], rows));
      const later = gpu.add(gpu.linear(x, w), gpu.linear(gpu.silu(x), w));
      return [...held, later];
    };
    const driver = gpu.driver, onBranch = driver.onBranch.bind(driver);
    let branches = 0;
    driver.onBranch = <R>(work: () => R): R => (branches++, onBranch(work));
    try {
      for (let i = 0; i < 4; i++) {
        const x = rand([2, 4, 8]), kAll = rand([2, 12, 8]), vAll = rand([2, 12, 8]);
        const [kEager, vEager] = [gpu.fromHost(gpu.toHost(kAll), [2, 12, 8]), gpu.fromHost(gpu.toHost(vAll), [2, 12, 8])];
        const want = f(x, kEager, vEager).map((t) => gpu.toHost(t));
        const results = gpu.tidy(() => gpu.replayable('aside', [x, kAll, vAll], f));
        results.forEach((t, j) => assert.deepEqual(gpu.toHost(t), want[j], `${gpu.description}: call ${i}, result ${j}`));
        assert.deepEqual(gpu.toHost(kAll), gpu.toHost(kEager), `${gpu.description}: call ${i}, the keys written in place`);
        assert.deepEqual(gpu.toHost(vAll), gpu.toHost(vEager), `${gpu.description}: call ${i}, the values written in place`);
      }
    } finally {
      driver.onBranch = onBranch;
    }
    assert.equal(branches, 1, `${gpu.description}: the recording's write on a branch; eager calls and replays run none`);
    gpu.forget('aside');
  }

  function replayMatchesEager(gpu: CudaBackend): void {
    const rand = randomOn(gpu);
    const wc = gpu.convWeight(rnd.normal(8 * 8 * 9).map((v) => v * 0.2), [8, 8, 3, 3]);
    const wl = rand([24, 8], 0.2), gamma = rand([8]), beta = rand([8]), wq = rand([8, 8], 0.2), wk = rand([8, 8], 0.2);
    // a convolution, GroupNorm + SiLU, linear layers (one, and projections as one batched GEMM) and
    // attention: the kinds of work a U-Net step has
    const f = (x: Tensor, ctx: Tensor) => {
      const y = gpu.conv2d(x, wc, beta, { padding: 1 });
      const h = gpu.channelAffine(y, gpu.groupNormAffine(y, 2, gamma, beta, 1e-5), true);
      const tokens = gpu.reshape(h, [2, 36, 8]);
      const [q, k, v] = gpu.splitChannels(gpu.linear(tokens, wl), [8, 8, 8]) as [Tensor, Tensor, Tensor];
      const [q2, k2] = gpu.linearMany(tokens, [wq, wk]) as [Tensor, Tensor];
      return gpu.add(gpu.attention(gpu.add(q, q2), gpu.add(gpu.add(k, k2), ctx), v, { heads: 1 }), tokens);
    };
    // a write into an input (the caller's tensor, written in place as an eager call writes it), what it
    // displaced (a buffer of its own at each replay), the input itself and an input passed through;
    // projections of an input (their pointer arrays move with it at each replay)
    const rows = Int32Array.from([5, 0, 33]);
    const g = (x: Tensor, ctx: Tensor) => {
      const held = gpu.overwriteRows(ctx, gpu.gatherRows(gpu.reshape(x, [2, 36, 8]), rows), rows);
      return [f(x, ctx), held, ctx, x, ...gpu.linearMany(gpu.reshape(x, [2, 36, 8]), [wq, wk])];
    };
    const helds: [Tensor, Float32Array][] = [];
    for (let i = 0; i < 4; i++) {
      const x = rand([2, 6, 6, 8]), ctx = rand([2, 36, 8]), eagerCtx = copyOf(gpu, ctx);
      const want = g(x, eagerCtx).map((t) => gpu.toHost(t));
      const results = gpu.tidy(() => gpu.replayable('test', [x, ctx], g));
      const got = results.map((t) => gpu.toHost(t));
      got.forEach((r, j) => assert.deepEqual(r, want[j], `${gpu.description}: call ${i}, result ${j}`));
      assert.deepEqual(gpu.toHost(ctx), gpu.toHost(eagerCtx), `${gpu.description}: call ${i} wrote into its input as the eager call did`);
      helds.push([results[1]!, got[1]!]);
    }
    // each replay's displaced rows are its own (not the buffer the next replay writes)
    helds.forEach(([t, values], i) => assert.deepEqual(gpu.toHost(t), values, `${gpu.description}: call ${i}'s displaced rows kept`));
    assert.equal(new Set(helds.map(([t]) => t.storage)).size, helds.length);
    gpu.forget('test');
  }
});
}

describe('GEMM algorithms in one process', () => {
  it('two fp16 backends run a shape by the same algorithm (the same bits), whichever shape of its family each met first', () => {
    // rows 300 and 270 share a family (an octave of the row count) of GEMMs timed by trials
    const k = 1152, n = 1280, w = rnd.normal(n * k).map((v) => v * 0.03), x = rnd.normal(300 * k);
    const product = (b: CudaBackend, rows: number) => b.toHost(b.linear(b.fromHost(x.subarray(0, rows * k), [rows, k]), b.fromHost(w, [n, k])));
    const first = new CudaBackend({ math: 'fp16' });
    product(first, 300);
    const want = product(first, 270);
    const second = new CudaBackend({ math: 'fp16' }); // meets 270 rows first
    assert.deepEqual(product(second, 270), want);
  });
});

describe('a GEMM of few rows over a long K (split K by the timed choice)', () => {
  it('a 12 x 12 convolution by rows (40 rows of 11520 against 1280 outputs) computes the product within fp16 bounds', () => {
    const rows = 40, k = 11520, n = 1280, w = rnd.normal(n * k).map((v) => v * 0.01), x = rnd.normal(rows * k);
    const product = (b: Backend) => b.toHost(b.linear(b.fromHost(x, [rows, k]), b.fromHost(w, [n, k])));
    const want = product(cpu), scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
    const d = maxAbsDiff(want, product(new CudaBackend({ math: 'fp16', gemmAlgorithms: 'timed' })));
    assert.ok(d <= FP16_OP_RELATIVE * scale, `max abs difference ${d} (bound ${FP16_OP_RELATIVE * scale})`);
  });
});

describe('algorithms while the user waits (CudaBackend.urgently)', () => {
  // families of their own here (K = 1088; 96 channels), so that what an earlier test met does not
  // decide, and choice stores of their own, so that what an earlier run timed does not either
  const freshStores = <T>(make: () => T): T => {
    const dir = mkdtempSync(join(tmpdir(), 'fisedit-urgent-'));
    const before = [process.env.FISEDIT_CUBLASLT_CHOICES, process.env.FISEDIT_CUDNN_CHOICES];
    process.env.FISEDIT_CUBLASLT_CHOICES = join(dir, 'cublaslt.json');
    process.env.FISEDIT_CUDNN_CHOICES = join(dir, 'cudnn.json');
    try {
      return make();
    } finally {
      (['FISEDIT_CUBLASLT_CHOICES', 'FISEDIT_CUDNN_CHOICES'] as const).forEach((name, i) => (before[i] === undefined ? delete process.env[name] : (process.env[name] = before[i])));
    }
  };

  it("a GEMM family met for the first time runs the next octave's algorithm, untimed and with no heuristic asked, and keeps it", () => {
    const k = 1088, n = 1280, w = rnd.normal(n * k).map((v) => v * 0.03), x = rnd.normal(600 * k);
    const b = freshStores(() => new CudaBackend({ math: 'fp16' }));
    const product = (rows: number) => b.toHost(b.linear(b.fromHost(x.subarray(0, rows * k), [rows, k]), b.fromHost(w, [n, k])));
    product(300); // rows 257-512: timed at leisure
    b.hostCosts.take();
    const urgent = b.urgently(() => product(600)); // rows 513-1024: new
    const costs = b.hostCosts.take();
    assert.ok(costs['cuBLASLt plan'], 'the new shape was planned');
    assert.equal(costs['cuBLASLt timing trials'], undefined, `no trials while the user waits: ${JSON.stringify(costs)}`);
    assert.equal(costs['cuBLASLt heuristic'], undefined, `no heuristic asked: ${JSON.stringify(costs)}`);
    assert.match(costs['cuBLASLt borrowed algorithm']?.of?.[0] ?? '', /^1,0,1280,1024,1088,.* from n512$/, JSON.stringify(costs));
    assert.deepEqual(product(600), urgent, 'the family keeps the borrowed algorithm at leisure');
  });

  it("a tile convolution family met for the first time borrows the next batch octave's choice, untimed", () => {
    const b = freshStores(() => new CudaBackend({ math: 'fp16', convolution: 'cudnn' }));
    const shape: [number, number, number, number] = [96, 96, 3, 3], w = b.convWeight(rnd.normal(96 * 96 * 9).map((v) => v * 0.05), shape);
    const tiles = (n: number) => b.toHost(b.conv2d(b.fromHost(rnd.normal(n * 6 * 6 * 96), [n, 6, 6, 96]), w, undefined, { padding: 0 }));
    tiles(6); // batches of 5-8 tiles: timed at leisure
    b.hostCosts.take();
    b.urgently(() => tiles(12)); // 9-16: new
    const costs = b.hostCosts.take();
    assert.ok(costs['cuDNN engine plan'], 'the new batch met the engines');
    assert.equal(costs['cuDNN timing trials'], undefined, `no trials while the user waits: ${JSON.stringify(costs)}`);
    assert.match(costs['cuDNN borrowed choice']?.of?.[0] ?? '', /^unpadded 96,96,3,3,.* n16.* from n8$/, JSON.stringify(costs));
  });

  it("a tile convolution family with no choice at any octave takes the heuristic's first while the user waits, untimed, kept for the process to lend", () => {
    const b = freshStores(() => new CudaBackend({ math: 'fp16', convolution: 'cudnn' }));
    const shape: [number, number, number, number] = [104, 88, 3, 3], wd = rnd.normal(104 * 88 * 9).map((v) => v * 0.05), w = b.convWeight(wd, shape);
    const x = rnd.normal(12 * 6 * 6 * 88), tiles = (n: number) => b.conv2d(b.fromHost(x.subarray(0, n * 6 * 6 * 88), [n, 6, 6, 88]), w, undefined, { padding: 0 });
    const urgent = b.toHost(b.urgently(() => tiles(12)));
    const costs = b.hostCosts.take();
    assert.equal(costs['cuDNN timing trials'], undefined, `no trials while the user waits: ${JSON.stringify(costs)}`);
    assert.match(costs['cuDNN heuristic first']?.of?.[0] ?? '', /^unpadded 88,104,3,3,.* n16/, JSON.stringify(costs));
    // the same batch at leisure: the same plan (kept for the shape); a new batch octave of the family is timed then
    assert.deepEqual(b.toHost(tiles(12)), urgent, 'the shape keeps its plan');
    const want = cpu.toHost(cpu.conv2d(cpu.fromHost(x.subarray(0, 12 * 6 * 6 * 88), [12, 6, 6, 88]), cpu.convWeight(wd, shape), undefined, { padding: 0 }));
    const d = maxAbsDiff(want, urgent), scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
    assert.ok(d <= FP16_OP_RELATIVE * scale, `heuristic's first against the cpu: max abs difference ${d} (bound ${FP16_OP_RELATIVE * scale})`);
    // another batch octave while the user waits: the kept configuration, lent, no heuristic asked again
    b.hostCosts.take();
    b.urgently(() => tiles(6));
    const lent = b.hostCosts.take();
    assert.equal(lent['cuDNN heuristic first'], undefined, JSON.stringify(lent));
    assert.match(lent['cuDNN borrowed choice']?.of?.[0] ?? '', /^unpadded 88,104,3,3,.* n8.* from n16$/, JSON.stringify(lent));
    // at leisure a batch octave with no choice is timed
    tiles(3);
    assert.ok(b.hostCosts.take()['cuDNN timing trials'], 'at leisure the family is timed at an octave of its own');
  });
});

describe('cuda out of memory', () => {
  it('GPU memory exhausted: a clear error, and the backend still works', () => {
    const gpu = new CudaBackend({ math: 'fp32' });
    // 15 GiB at a time until the card is full; everything is returned when the scope ends
    assert.throws(() => gpu.tidy(() => { for (let i = 0; i < 20; i++) gpu.zeros([15 * 2 ** 28]); }), (e: Error) => e instanceof GpuOutOfMemory && /GPU out of memory: asked for 15360\.0 MiB/.test(e.message));
    const d = Float32Array.from([1, -2, 3.5, 0]);
    assert.deepEqual(gpu.toHost(gpu.scale(gpu.fromHost(d, [4]), 2)), d.map((v) => v * 2), 'after OOM');
    gpu.pool.trim();
    assert.throws(() => gpu.zeros([2 ** 33]), /more than 2\^32 elements/);
  });
});
