// The order a recording's GEMMs read their weights in, learnt for the next recording's L2 prefetch
// (src/backend/cuda/weight-prefetch.ts); the prefetch itself runs on the GPU (test/gpu).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WeightOrder, type WeightSpan } from '../src/backend/cuda/weight-prefetch.js';

interface Buffer { freed: boolean }
const weight = (ptr: number, bytes = 1024): WeightSpan<Buffer> => ({ ptr, bytes, buffer: { freed: false } });
const alive = (b: Buffer) => !b.freed;

describe('weight prefetch order', () => {
  it('answers nothing in the first recording, then the weight that followed each one', () => {
    const order = new WeightOrder<Buffer>();
    const [a, b, c] = [weight(0x1000, 512), weight(0x2000, 4096), weight(0x3000, 64)];
    for (const w of [a, b, c]) assert.equal(order.read([w], alive), undefined);
    assert.deepEqual(order.read([a], alive), b);
    assert.deepEqual(order.read([b], alive), c);
    assert.equal(order.read([c], alive)?.ptr, a.ptr, 'the last weight is followed by the first of the next recording');
  });

  it("learns a batched GEMM's weights in order and answers what followed the last of them", () => {
    const order = new WeightOrder<Buffer>();
    const [x, q, k, v, o] = [0x10, 0x20, 0x30, 0x40, 0x50].map((p) => weight(p));
    order.read([x], alive);
    order.read([q!, k!, v!], alive);
    order.read([o!], alive);
    assert.equal(order.read([x!], alive)?.ptr, q!.ptr);
    assert.equal(order.read([q!, k!, v!], alive)?.ptr, o!.ptr);
  });

  it('follows a changed order from the recording that changed it', () => {
    const order = new WeightOrder<Buffer>();
    const [a, b, c] = [weight(1), weight(2), weight(3)];
    order.read([a], alive);
    order.read([b], alive);
    order.read([a], alive);
    order.read([c], alive);
    assert.equal(order.read([a], alive)?.ptr, c.ptr);
  });

  it('answers nothing for a weight whose buffer went back to the allocator', () => {
    const order = new WeightOrder<Buffer>();
    const [a, b] = [weight(1), weight(2)];
    order.read([a], alive);
    order.read([b], alive);
    b.buffer.freed = true;
    assert.equal(order.read([a], alive), undefined);
  });
});
