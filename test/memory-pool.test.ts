// The cuda backend's caching allocator against a pretend driver (no GPU needed): slabs, size
// classes, scopes, blocks captured graphs hold (and share), stale releases, giving memory back when full.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Driver } from '../src/backend/cuda/driver.js';
import { MemoryPool } from '../src/backend/cuda/memory.js';
import { GpuOutOfMemory } from '../src/io/errors.js';

const MiB = 2 ** 20;

/** Device memory as address ranges, with a capacity. */
class FakeDriver {
  next = 1 << 20;
  live = new Map<number, number>();
  allocs = 0;
  constructor(readonly capacity = 4096 * MiB) {}
  used(): number {
    return [...this.live.values()].reduce((a, b) => a + b, 0);
  }
  alloc(bytes: number): number {
    if (this.used() + bytes > this.capacity) throw new GpuOutOfMemory(bytes, this.capacity - this.used(), this.capacity);
    this.allocs++;
    const p = this.next;
    this.next += Math.ceil(bytes / 4096) * 4096;
    this.live.set(p, bytes);
    return p;
  }
  free(p: number): void {
    assert.ok(this.live.delete(p), `free of ${p}, which is not allocated`);
  }
  memInfo() {
    return { free: this.capacity - this.used(), total: this.capacity };
  }
}

const pool = (d: FakeDriver) => new MemoryPool(d as unknown as Driver);

describe('cuda memory pool (pretend driver)', () => {
  it('carves small blocks from slabs and reuses freed ones by size class', () => {
    const d = new FakeDriver(), p = pool(d);
    const blocks = p.tidy(() => Array.from({ length: 300 }, () => p.alloc(100 * 1024)));
    assert.equal(blocks.length, 300);
    assert.equal(d.allocs, 1, 'one 256 MiB slab for 300 blocks of 100 KiB');
    assert.equal(new Set(blocks.map((b) => b.ptr)).size, 300);
    for (const b of blocks) assert.ok(b.freed, 'the scope gave them back');
    // 100 KiB and 104 KiB share a class (eight per power of two): the freed blocks serve them
    const again = p.tidy(() => Array.from({ length: 300 }, () => p.alloc(104 * 1024).ptr));
    assert.deepEqual(new Set(again), new Set(blocks.map((b) => b.ptr)));
    assert.equal(d.allocs, 1);
    const big = p.alloc(64 * MiB);
    assert.equal(d.allocs, 2, 'blocks over 16 MiB come from the driver directly');
    p.release(big);
  });

  it('a block a graph holds is handed to nobody else, and a stale release of it is ignored', () => {
    const d = new FakeDriver(), p = pool(d);
    let inside = 0;
    const blocks = p.reserveDuring(() => {
      p.tidy(() => {
        inside = p.alloc(4096).ptr; // freed when this scope ends, during the capture
      });
    });
    assert.deepEqual([...blocks.keys()], [inside]);
    const others = p.tidy(() => Array.from({ length: 5 }, () => p.alloc(4096).ptr));
    assert.ok(!others.includes(inside), 'the graph keeps its block');
    p.unreserve(blocks);
    const after = p.tidy(() => Array.from({ length: 6 }, () => p.alloc(4096).ptr));
    assert.ok(after.includes(inside), 'given back once the graph is gone');
  });

  it('graphs share their blocks (they run one at a time), which nothing else is handed until the last of them is gone', () => {
    const d = new FakeDriver(), p = pool(d);
    const capture = (sizes: number[], fail = false) => {
      let ptrs: number[] = [];
      const blocks = p.reserveDuring(() => {
        // each block kept to the end (a result), but for the last, freed mid-capture
        ptrs = p.tidy(() => sizes.map((b) => p.alloc(b)), (r) => r.slice(0, -1)).map((b) => b.ptr);
        if (fail) throw new Error('capture failed');
      });
      return { blocks, ptrs };
    };
    const a = capture([8192, 8192, 128 * 1024]);
    const held = p.graphBytes();
    assert.equal(held, 2 * 8192 + 128 * 1024);
    const b = capture([8192, 128 * 1024, 4096]);
    assert.ok(a.ptrs.includes(b.ptrs[0]!) && a.ptrs.includes(b.ptrs[1]!), 'a capture takes blocks another graph holds first');
    assert.ok(!a.ptrs.includes(b.ptrs[2]!), 'and new ones where none fits');
    assert.equal(p.graphBytes(), held + 4096, 'a shared block counts once');
    assert.throws(() => capture([8192, 8192, 8192, 8192], true), /capture failed/);
    const outside = p.tidy(() => Array.from({ length: 8 }, () => p.alloc(8192).ptr));
    assert.ok(!outside.some((q) => a.ptrs.includes(q)), 'no tensor gets a graph\'s block, not even after a failed capture took them');
    p.unreserve(a.blocks);
    const afterA = p.tidy(() => Array.from({ length: 8 }, () => p.alloc(128 * 1024).ptr));
    assert.ok(!afterA.includes(b.ptrs[1]!), 'a block the other graph still holds stays out');
    assert.equal(p.graphBytes(), 8192 + 128 * 1024 + 4096);
    p.unreserve(b.blocks);
    assert.equal(p.graphBytes(), 0);
    const afterB = p.tidy(() => Array.from({ length: 9 }, () => p.alloc(128 * 1024).ptr));
    assert.ok(afterB.includes(b.ptrs[1]!), 'given back once no graph holds it');
  });

  it('releasing a buffer twice, or after its block went to someone else, changes nothing', () => {
    const d = new FakeDriver(), p = pool(d);
    const a = p.alloc(8192);
    p.release(a);
    const b = p.alloc(8192);
    assert.equal(b.ptr, a.ptr, 'the block is reused');
    p.release(a); // stale: a is gone
    const c = p.alloc(8192);
    assert.notEqual(c.ptr, b.ptr, 'b still owns its block');
    p.release(b);
    p.release(c);
  });

  it('when the driver is full, cached blocks and idle slabs go back and the allocation is retried', () => {
    const d = new FakeDriver(700 * MiB), p = pool(d);
    p.tidy(() => {
      for (let i = 0; i < 40; i++) p.alloc(8 * MiB); // two 256 MiB slabs
      p.alloc(100 * MiB); // direct, in the 104 MiB class
    });
    assert.equal(d.used(), 616 * MiB, 'all of it cached, none given back yet');
    const big = p.alloc(500 * MiB); // the 512 MiB class: fits only once the cache is given back
    assert.equal(d.live.get(big.ptr), 512 * MiB);
    assert.equal(d.used(), 512 * MiB, 'idle slabs and the cached direct block were freed');
    assert.throws(() => p.alloc(200 * MiB), GpuOutOfMemory);
    p.release(big);
    assert.equal(p.alloc(200 * MiB).bytes, 208 * MiB, 'usable after running out: the cached block went back for it');
    assert.equal(d.used(), 208 * MiB);
  });
});
