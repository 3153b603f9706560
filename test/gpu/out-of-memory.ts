// GPU memory running out on the cuda backend. Not a *.test file: it fills the GPU, so npm run test:gpu
// runs it alone, after the other files (which run side by side) have ended.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CudaBackend } from '../../src/backend/cuda/cuda.js';
import { GpuOutOfMemory } from '../../src/backend/cuda/driver.js';

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
