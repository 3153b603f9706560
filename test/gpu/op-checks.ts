// What the GPU op tests share (ops, winograd, tiles and device.test.ts): the cpu reference backend,
// fp16 storage's bound for one op, and for each precision a cuda backend with the checks of its ops
// against the cpu's on the same random inputs.
import assert from 'node:assert/strict';
import { CpuBackend } from '../../src/backend/cpu/cpu.js';
import { CudaBackend } from '../../src/backend/cuda/cuda.js';
import type { Backend } from '../../src/backend/backend.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import type { Random } from '../../src/util/random.js';
import { maxAbsDiff } from '../../src/verify/compare.js';

export const cpu = new CpuBackend();
/**
 * fp16 storage's bound for one op: this fraction of the largest reference magnitude (at least 1).
 * Inputs are rounded to half (4.9e-4 relative) before the op and its result again after.
 */
export const FP16_OP_RELATIVE = 4e-3;
/** The precisions every op case runs in. */
export const MATHS = ['fp32', 'fp16'] as const;

/** Origins of `count` one-position tiles (side 3) at distinct positions of a map `width` wide, row by row. */
export const onePositions = (count: number, width: number) => Array.from({ length: count }, (_, i) => [Math.floor(i / width) - 1, (i % width) - 1]).flat();

/** A tensor of the same backend holding the same values (swaps write in place). */
export function copyOf(ops: Backend, t: Tensor): Tensor {
  return ops.fromHost(Float32Array.from(ops.toHost(t)), t.shape);
}

/** A cuda backend in `math` and the checks of its ops against the cpu's, drawing inputs from `rnd`. */
export function opChecks(math: (typeof MATHS)[number], rnd: Random) {
  // the fused tile convolution (k_tile_conv, or k_tile_conv_wg* on Hopper; not the default) is what these op tests check of convTilesInto
  const gpu = new CudaBackend({ math, tileConvolution: 'fused' });

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

  return { gpu, pair, close, written, swapTwice };
}
