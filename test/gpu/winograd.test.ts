// Winograd's convolutions on the cuda backend (fp16 graphs): F(2x2, 3x3) and the opt-in F(4x4, 3x3) over
// maps, F(2x2, 3x3) over a sparse step's tiles, against the cpu's direct convolution and the direct kernels.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CudaBackend } from '../../src/backend/cuda/cuda.js';
import type { Backend } from '../../src/backend/backend.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { Random } from '../../src/util/random.js';
import { FP16_OP_RELATIVE, MATHS, cpu, opChecks } from './op-checks.js';

const rnd = new Random(4321);

for (const math of MATHS) {
const { gpu, pair, close } = opChecks(math, rnd);

describe(`Winograd on cuda vs cpu (${gpu.description})`, () => {
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
});
}
