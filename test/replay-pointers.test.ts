// Which launch arguments a replay re-points at the caller's tensors (cuda/replays.ts inputPointers):
// pointer arguments inside a recording's input buffers, at their offset; nothing else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inputPointers, sourceAliases } from '../src/backend/cuda/replays.js';

describe('replay input pointers', () => {
  const find = inputPointers([{ ptr: 9000, bytes: 512 }, { ptr: 1024, bytes: 1024 }, { ptr: 4096, bytes: 512 }]);
  const at = (kinds: ('ptr' | 'u64' | 'i32')[], a: number, arg: number) => {
    const s = find(kinds, a, arg);
    return s && { input: s.input, start: s.start };
  };

  it('finds the buffer a pointer argument falls in, first and last byte included', () => {
    assert.deepEqual(at(['ptr'], 1024, 0), { input: 1, start: 1024 });
    assert.deepEqual(at(['ptr'], 2047, 0), { input: 1, start: 1024 });
    assert.deepEqual(at(['i32', 'ptr'], 4100, 1), { input: 2, start: 4096 });
    assert.deepEqual(at(['ptr'], 9511, 0), { input: 0, start: 9000 });
  });

  it('leaves alone addresses outside every buffer, null pointers and arguments that are not pointers', () => {
    for (const a of [0, 1023, 2048, 4095, 4608, 8999, 9512, 1e12]) assert.equal(at(['ptr'], a, 0), undefined, `${a}`);
    assert.equal(at(['u64'], 1500, 0), undefined);
    assert.equal(inputPointers([])(['ptr'], 1500, 0), undefined);
  });

  it('source aliases: one span per input, apart, aligned, above every device address and exact in a double', () => {
    const spans = sourceAliases([100, 0, 4096, 7]);
    assert.equal(spans.length, 4);
    spans.forEach((s, i) => {
      assert.equal(s.ptr % 256, 0);
      assert.ok(s.ptr >= 2 ** 48 && s.ptr + s.bytes < 2 ** 53);
      if (i) assert.ok(s.ptr >= spans[i - 1]!.ptr + Math.max(spans[i - 1]!.bytes, 1), `span ${i} after span ${i - 1}`);
    });
    // found like the input copies, after them: index n + i is input i's alias
    const staged = [{ ptr: 1024, bytes: 100 }, { ptr: 2048, bytes: 1 }, { ptr: 4096, bytes: 4096 }, { ptr: 9000, bytes: 7 }];
    const find = inputPointers([...staged, ...spans]);
    assert.equal(find(['ptr'], spans[2]!.ptr + 10, 0)?.input, 6);
    assert.equal(find(['ptr'], 4100, 0)?.input, 2);
  });
});
