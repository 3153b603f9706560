// Each op of the cuda backend against the cpu backend on random inputs, odd sizes included.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CpuBackend } from '../../src/backend/cpu/cpu.js';
import { CudaBackend } from '../../src/backend/cuda/cuda.js';
import { GpuOutOfMemory } from '../../src/backend/cuda/driver.js';
import type { Backend } from '../../src/backend/backend.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { Random } from '../../src/util/random.js';
import { maxAbsDiff } from '../../src/verify/compare.js';

const cpu = new CpuBackend();
const rnd = new Random(1234);
/**
 * fp16 storage's bound for one op: this fraction of the largest reference magnitude (at least 1).
 * Inputs are rounded to half (4.9e-4 relative) before the op and its result again after.
 */
const FP16_OP_RELATIVE = 4e-3;

for (const math of ['fp32', 'fp16'] as const) {
const gpu = new CudaBackend({ math });

/** The same random tensor on both backends. */
function pair(shape: number[], scale = 1): [Tensor, Tensor] {
  const d = rnd.normal(shape.reduce((a, b) => a * b, 1)).map((v) => v * scale);
  return [cpu.fromHost(d, shape), gpu.fromHost(d, shape)];
}

/** fp32: within tol (0 = exact); fp16: within the relative bound. */
function close(what: string, a: Tensor, b: Tensor, tol = 1e-4): void {
  assert.deepEqual(b.shape, a.shape, what);
  const want = cpu.toHost(a);
  const d = maxAbsDiff(want, gpu.toHost(b));
  const bound = math === 'fp16' ? FP16_OP_RELATIVE * want.reduce((m, v) => Math.max(m, Math.abs(v)), 1) : tol;
  assert.ok(d <= bound, `${math} ${what}: max abs difference ${d} (bound ${bound})`);
}

describe(`cuda ops vs cpu (${gpu.description})`, () => {
  it('linear, with and without bias, odd sizes', () => {
    for (const [m, k, n] of [[1, 1, 1], [7, 13, 5], [77, 32, 64], [300, 320, 1280], [4100, 64, 40], [9000, 33, 7]] as const) {
      const [xc, xg] = pair([m, k]), [wc, wg] = pair([n, k], 0.1), [bc, bg] = pair([n]);
      close(`linear ${m}x${k}x${n}`, cpu.linear(xc, wc, bc), gpu.linear(xg, wg, bg));
      close(`linear ${m}x${k}x${n} no bias`, cpu.linear(xc, wc), gpu.linear(xg, wg));
    }
  });

  it('conv2d: 3x3, 1x1, stride 2, asymmetric padding', () => {
    for (const [h, w, ci, co, k, s, p] of [[9, 11, 5, 6, 3, 1, 1], [8, 8, 3, 4, 3, 2, 1], [7, 5, 4, 3, 1, 1, 0], [16, 16, 8, 8, 3, 2, [0, 1, 0, 1]]] as const) {
      const [xc, xg] = pair([2, h, w, ci]);
      const wd = rnd.normal(co * ci * k * k).map((v) => v * 0.2);
      const [bc, bg] = pair([co]);
      const opts = { stride: s, padding: p as number | [number, number, number, number] };
      close(`conv ${JSON.stringify([h, w, ci, co, k, s, p])}`, cpu.conv2d(xc, cpu.convWeight(wd, [co, ci, k, k]), bc, opts), gpu.conv2d(xg, gpu.convWeight(wd, [co, ci, k, k]), bg, opts));
    }
  });

  it('normalisation: groupNorm (+SiLU), layerNorm, group statistics, channel affine', () => {
    const [xc, xg] = pair([2, 5, 7, 12], 3);
    const [gc, gg] = pair([12]), [bc, bg] = pair([12]);
    const norm = (ops: Backend, x: Tensor, groups: number, g: Tensor, b: Tensor, eps: number, silu = false) => ops.channelAffine(x, ops.groupNormAffine(x, groups, g, b, eps), silu);
    close('groupNorm', norm(cpu, xc, 4, gc, bc, 1e-5), norm(gpu, xg, 4, gg, bg, 1e-5));
    close('groupNorm silu', norm(cpu, xc, 3, gc, bc, 1e-6, true), norm(gpu, xg, 3, gg, bg, 1e-6, true));
    close('layerNorm', cpu.layerNorm(xc, gc, bc, 1e-5), gpu.layerNorm(xg, gg, bg, 1e-5));
    const ac = cpu.groupNormAffine(xc, 4, gc, bc, 1e-5), ag = gpu.groupNormAffine(xg, 4, gg, bg, 1e-5);
    close('groupNormAffine scale', ac.scale, ag.scale, 1e-6);
    close('groupNormAffine shift', ac.shift, ag.shift, 1e-6);
    const [scC, scG] = pair([2, 12]), [shC, shG] = pair([2, 12]);
    close('channelAffine', cpu.channelAffine(xc, { scale: scC, shift: shC }, true), gpu.channelAffine(xg, { scale: scG, shift: shG }, true));
  });

  it('attention: self, cross, causal, probabilities and their remapping', () => {
    const [qc, qg] = pair([2, 37, 24]), [kc, kg] = pair([2, 29, 24]), [vc, vg] = pair([2, 29, 24]);
    close('attention', cpu.attention(qc, kc, vc, { heads: 3 }), gpu.attention(qg, kg, vg, { heads: 3 }));
    const [k2c, k2g] = pair([2, 37, 24]), [v2c, v2g] = pair([2, 37, 24]);
    close('causal', cpu.attention(qc, k2c, v2c, { heads: 4, causal: true }), gpu.attention(qg, k2g, v2g, { heads: 4, causal: true }));
    const [k4c, k4g] = pair([2, 64, 24]), [v4c, v4g] = pair([2, 64, 24]);
    close('attention, keys a multiple of 4 (vectorised softmax)', cpu.attention(qc, k4c, v4c, { heads: 3 }), gpu.attention(qg, k4g, v4g, { heads: 3 }));
    const pc = cpu.attentionProbs(qc, kc, 3), pg = gpu.attentionProbs(qg, kg, 3);
    close('probs', pc, pg, 1e-6);
    close('applyProbs', cpu.applyProbs(pc, vc), gpu.applyProbs(pg, vg));
    const [sc, sg] = pair([1, 3, 37, 11]);
    const map = Int32Array.from({ length: 29 }, (_, j) => (j % 3 === 0 ? j % 11 : -1));
    close('remapProbs', cpu.remapProbs(pc, 1, sc, map), gpu.remapProbs(pg, 1, sg, map), 1e-6);
  });

  it('attention at the head dims of SD (flash attention in fp16, GEMM + softmax in fp32), odd lengths', () => {
    // flash attention as chosen (gpu), with 32 query rows per warp (where d <= 64), with 16, and the GEMM path
    const others = {
      '32 rows per warp': new CudaBackend({ math, flashRowsPerWarp: 32 }),
      '16 rows per warp': new CudaBackend({ math, flashRowsPerWarp: 16 }),
      GEMM: new CudaBackend({ math, flashAttention: false }),
    };
    for (const [d, heads, lq, lk] of [[8, 3, 5, 3], [16, 2, 77, 77], [40, 5, 130, 77], [64, 2, 300, 1000], [64, 1, 129, 65], [80, 3, 64, 64], [120, 2, 70, 130], [160, 1, 100, 257]] as const) {
      const w = d * heads;
      const [qc, qg] = pair([2, lq, w], 2), [kc, kg] = pair([2, lk, w], 2), [vc, vg] = pair([2, lk, w]);
      const want = cpu.attention(qc, kc, vc, { heads });
      close(`flash attention d ${d}, heads ${heads}, ${lq}x${lk}`, want, gpu.attention(qg, kg, vg, { heads }));
      for (const [what, other] of Object.entries(others)) {
        const [q2, k2, v2] = [qg, kg, vg].map((t) => other.fromHost(gpu.toHost(t), t.shape)) as [Tensor, Tensor, Tensor];
        // each backend has its own stream: its result comes back through its own toHost
        const r = other.attention(q2, k2, v2, { heads });
        close(`${what} attention d ${d}, heads ${heads}, ${lq}x${lk}`, want, gpu.fromHost(other.toHost(r), r.shape));
      }
    }
  });

  it('pointwise, layout and row ops', () => {
    const [ac, ag] = pair([3, 5, 6]), [bc, bg] = pair([3, 5, 6]);
    close('add', cpu.add(ac, bc, 0.5), gpu.add(ag, bg, 0.5), 0);
    close('scale', cpu.scale(ac, 3), gpu.scale(ag, 3), 0);
    close('silu', cpu.silu(ac), gpu.silu(ag), 1e-6);
    close('gelu', cpu.gelu(ac), gpu.gelu(ag), 1e-6);
    close('quickGelu', cpu.quickGelu(ac), gpu.quickGelu(ag), 1e-6);
    close('geglu', cpu.geglu(ac), gpu.geglu(ag), 1e-6);
    const [vc, vg] = pair([3, 6]);
    close('addPerChannel', cpu.addPerChannel(ac, vc), gpu.addPerChannel(ag, vg), 0);
    const [cc, cg] = pair([3, 5, 2]);
    close('concat', cpu.concatChannels(ac, cc), gpu.concatChannels(ag, cg), 0);
    const [uc, ug] = pair([2, 3, 5, 4]);
    close('upsample', cpu.upsampleNearest2x(uc), gpu.upsampleNearest2x(ug), 0);
    const [tc, tg] = pair([50, 8]);
    const ids = Int32Array.from([0, 49, 7, 7]);
    close('embedding', cpu.embedding(tc, ids), gpu.embedding(tg, ids), 0);
    const sc = cpu.splitChannels(ac, [1, 2, 3]), sg = gpu.splitChannels(ag, [1, 2, 3]);
    sc.forEach((t, i) => close(`split ${i}`, t, sg[i]!, 0));
    close('sliceBatch', cpu.sliceBatch(ac, 2), gpu.sliceBatch(ag, 2), 0);
    const idx = Int32Array.from([4, 0, 2]);
    close('gatherRows', cpu.gatherRows(ac, idx), gpu.gatherRows(ag, idx), 0);
    const [rc, rg] = pair([3, 3, 6]);
    close('scatterRows', cpu.scatterRows(ac, rc, idx), gpu.scatterRows(ag, rg, idx), 0);
  });

  it('tiles: gather with affine + SiLU and halo, scatter into active positions', () => {
    const [xc, xg] = pair([2, 9, 10, 5]);
    const [sc, sg] = pair([2, 5]), [hc, hg] = pair([2, 5]);
    const tiles = { origins: Int32Array.from([-1, -1, 3, 4, 7, 8]), side: 4 };
    close('gatherTiles', cpu.gatherTiles(xc, tiles, { scale: sc, shift: hc }, true), gpu.gatherTiles(xg, tiles, { scale: sg, shift: hg }, true), 1e-6);
    close('gatherTiles plain', cpu.gatherTiles(xc, tiles), gpu.gatherTiles(xg, tiles), 0);
    const [bc, bg] = pair([2, 9, 10, 5]), [srcC, srcG] = pair([6, 2, 2, 5]);
    const corners = Int32Array.from([0, 0, 4, 4, 8, 9]);
    const active = Uint8Array.from({ length: 90 }, (_, i) => (i % 4 === 0 ? 1 : 0));
    close('scatterBlocks', cpu.scatterBlocks(bc, srcC, corners, active), gpu.scatterBlocks(bg, srcG, corners, active), 0);
  });

  it('replayable: a call captured as a CUDA graph replays with new inputs as it runs eagerly', () => {
    // with one convolution method the replay is bit for bit the eager call; 'auto' switches to cuDNN in graphs
    for (const convolution of ['cudnn', 'gemm', 'auto'] as const) replayMatchesEager(new CudaBackend({ math, convolution }), convolution !== 'auto');
  });

  function replayMatchesEager(gpu: CudaBackend, exact: boolean): void {
    const rand = (shape: number[], scale = 1) => gpu.fromHost(rnd.normal(shape.reduce((a, b) => a * b, 1)).map((v) => v * scale), shape);
    const wc = gpu.convWeight(rnd.normal(8 * 8 * 9).map((v) => v * 0.2), [8, 8, 3, 3]);
    const wl = rand([24, 8], 0.2), gamma = rand([8]), beta = rand([8]);
    // a convolution, GroupNorm + SiLU, a linear layer and attention: the kinds of work a U-Net step has
    const f = (x: Tensor, ctx: Tensor) => {
      const y = gpu.conv2d(x, wc, beta, { padding: 1 });
      const h = gpu.channelAffine(y, gpu.groupNormAffine(y, 2, gamma, beta, 1e-5), true);
      const tokens = gpu.reshape(h, [2, 36, 8]);
      const [q, k, v] = gpu.splitChannels(gpu.linear(tokens, wl), [8, 8, 8]) as [Tensor, Tensor, Tensor];
      return gpu.add(gpu.attention(q, gpu.add(k, ctx), v, { heads: 1 }), tokens);
    };
    for (let i = 0; i < 4; i++) {
      const x = rand([2, 6, 6, 8]), ctx = rand([2, 36, 8]);
      const want = gpu.toHost(f(x, ctx));
      const got = gpu.toHost(gpu.tidy(() => gpu.replayable('test', [x, ctx], (a, b) => [f(a, b)])[0]!));
      if (exact) assert.deepEqual(got, want, `${gpu.description}: call ${i}`);
      else assert.ok(maxAbsDiff(got, want) <= (math === 'fp16' ? 2e-2 : 1e-4), `${gpu.description}: call ${i} differs by ${maxAbsDiff(got, want)}`);
    }
    gpu.forget('test');
  }
});
}

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
