// The cuda backend's warm-up: cuBLASLt algorithms prepared for row counts a GEMM shape has not met,
// so their first real call (inside an edit's graph capture) skips the heuristic, and results stay right.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CpuBackend } from '../../src/backend/cpu/cpu.js';
import { CudaBackend } from '../../src/backend/cuda/cuda.js';
import { Random } from '../../src/util/random.js';
import { maxAbsDiff } from '../../src/verify/compare.js';

describe('cuda warm-up', () => {
  it('prepares the octaves below the rows seen; a later count of them needs no heuristic and computes right', () => {
    const gpu = new CudaBackend({ math: 'fp16' }), cpu = new CpuBackend(), rnd = new Random(21);
    const [out, k] = [640, 320];
    const host = (n: number) => rnd.normal(n).map((v) => v * 0.5);
    const wd = host(out * k), bd = host(out);
    const w = gpu.fromHost(wd, [out, k]), b = gpu.fromHost(bd, [out]);
    gpu.linear(gpu.fromHost(host(40 * k), [40, k]), w, b); // the shape seen: 40 rows (octave 33-64)
    gpu.synchronize();
    gpu.hostCosts.take();
    gpu.warmUp({ untilIdle: false });
    const warmed = gpu.hostCosts.take();
    // octaves 1, 2, 3-4, 5-8, 9-16, 17-32: six new families, each the heuristic's and a first matmul
    assert.equal(warmed['warm-up: cuBLASLt heuristic']?.calls, 6, JSON.stringify(warmed));
    const xd = host(20 * k);
    const y = gpu.linear(gpu.fromHost(xd, [20, k]), w, b);
    const want = cpu.toHost(cpu.linear(cpu.fromHost(xd, [20, k]), cpu.fromHost(wd, [out, k]), cpu.fromHost(bd, [out])));
    const costs = gpu.hostCosts.take();
    assert.equal(costs['cuBLASLt heuristic'], undefined, `20 rows planned without the heuristic: ${JSON.stringify(costs)}`);
    assert.equal(costs['cuBLASLt plan']?.calls, 1);
    const bound = 4e-3 * want.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
    assert.ok(maxAbsDiff(want, gpu.toHost(y)) <= bound, 'warmed 20-row GEMM against the cpu backend');
  });
});
