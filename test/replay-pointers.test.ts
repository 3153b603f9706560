// Which launch arguments a replay re-points at the caller's tensors (cuda/replays.ts inputPointers):
// pointer arguments inside a recording's input buffers, at their offset; nothing else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inputPointers } from '../src/backend/cuda/replays.js';

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
});
