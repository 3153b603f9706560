// CudaBackend.normLinearMany by k_norm_gemm (normGemm 'fused') against the cpu backend's layerNorm
// and linear, on random inputs: row counts that leave a block's tile part empty, one and three
// products, with and without the norm and a bias; and shapes the kernel does not take, which run
// as the two ops.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CpuBackend } from '../../src/backend/cpu/cpu.js';
import { CudaBackend } from '../../src/backend/cuda/cuda.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { Random } from '../../src/util/random.js';
import { maxAbsDiff } from '../../src/verify/compare.js';

const cpu = new CpuBackend();
const gpu = new CudaBackend({ normGemm: 'fused' });
const rnd = new Random(77);
/** fp16 storage's bound: this fraction of the largest reference magnitude (inputs, the norm's output and the product each rounded to half). */
const RELATIVE = 4e-3;

function pair(shape: number[], scale = 1, shift = 0): [Tensor, Tensor] {
  const d = rnd.normal(shape.reduce((a, b) => a * b, 1)).map((v) => v * scale + shift);
  return [cpu.fromHost(d, shape), gpu.fromHost(d, shape)];
}

/** normLinearMany on the GPU against layerNorm + linear on the CPU; the launches it took. */
function check(m: number, k: number, n: number, products: number, bias: boolean, normed: boolean): number {
  const [xc, xg] = pair([m, k], 1, 0.5);
  const ws = Array.from({ length: products }, () => pair([n, k], 0.05));
  const bs = Array.from({ length: products }, () => (bias ? pair([n]) : undefined));
  const [gc, gg] = pair([k], 0.2, 1), [bc, bg] = pair([k], 0.1);
  const before = gpu.launches;
  const ys = gpu.normLinearMany(xg, normed ? { gamma: gg, beta: bg, eps: 1e-5 } : undefined, ws.map((w) => w[1]), bs.map((b) => b?.[1]));
  const launches = gpu.launches - before;
  const normedX = normed ? cpu.layerNorm(xc, gc, bc, 1e-5) : xc;
  ys.forEach((y, i) => {
    const want = cpu.toHost(cpu.linear(normedX, ws[i]![0], bs[i]?.[0]));
    assert.deepEqual(y.shape, [m, n]);
    const d = maxAbsDiff(want, gpu.toHost(y)), bound = RELATIVE * want.reduce((a, v) => Math.max(a, Math.abs(v)), 1);
    assert.ok(d <= bound, `${m}x${n}x${k}, product ${i} of ${products}${bias ? ', bias' : ''}${normed ? ', normed' : ''}: max abs difference ${d} (bound ${bound})`);
  });
  return launches;
}

describe('cuda normLinearMany (k_norm_gemm)', () => {
  it('takes few rows in one launch: LayerNorm, then one or three products, with or without a bias, a block one or more column tiles', () => {
    for (const [m, k, n, products, bias, normed] of [
      [1, 320, 64, 1, false, true], [37, 320, 320, 3, false, true], [76, 1280, 1280, 1, false, true],
      [100, 640, 5120, 1, true, true], [300, 320, 2560, 1, true, true], [33, 1280, 64, 3, false, true], [70, 320, 320, 1, true, false], [64, 64, 128, 2, true, true],
    ] as const) {
      assert.equal(check(m, k, n, products, bias, normed), 1, `${m}x${n}x${k}: one launch`);
    }
  });

  it('runs the shapes it does not take as layerNorm and linear', () => {
    // features not a multiple of the k-tile; outputs not a multiple of the column tile; more features than a block holds
    for (const [m, k, n] of [[20, 100, 64], [20, 320, 100], [20, 1344, 64]] as const) assert.ok(check(m, k, n, 1, true, true) >= 2, `${m}x${n}x${k}`);
  });

  it('says what is wrong with its arguments', () => {
    const [, x] = pair([4, 320]), [, w] = pair([64, 320]), [, w2] = pair([64, 640]), [, b] = pair([32]);
    assert.throws(() => gpu.normLinearMany(x, undefined, [w2]), /input has 320 features, weight \[64, 640\] expects 640/);
    assert.throws(() => gpu.normLinearMany(x, undefined, [w, w2]), /weights \[64, 320\], \[64, 640\] differ/);
    assert.throws(() => gpu.normLinearMany(x, undefined, [w], [b]), /a bias for each of 1 weights of 64 outputs, got 32/);
  });
});
