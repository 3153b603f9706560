// Each op of the cuda backend against the cpu backend on random inputs, odd sizes included: linear
// layers, convolutions, norms, attention, pointwise and row ops; GEMM algorithm choices.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CudaBackend } from '../../src/backend/cuda/cuda.js';
import { flashLaunch } from '../../src/backend/cuda/flash-splits.js';
import { gemmRowsDefaultRows, gemmRowsLaunch } from '../../src/backend/cuda/gemm-rows.js';
import { WGMMA_KEY_TILE, WGMMA_QUERY_ROWS } from '../../src/backend/cuda/kernels.js';
import { convInputOf, type Backend, type Conv2dOptions } from '../../src/backend/backend.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { Random } from '../../src/util/random.js';
import { maxAbsDiff } from '../../src/verify/compare.js';
import { FP16_OP_RELATIVE, MATHS, copyOf, cpu, opChecks } from './op-checks.js';

const rnd = new Random(1234);

for (const math of MATHS) {
const { gpu, pair, close, written, swapTwice } = opChecks(math, rnd);

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
      const wp = gpu.parameter(copyOf(gpu, wg));
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
