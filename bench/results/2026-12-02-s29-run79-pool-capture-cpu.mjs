import { MemoryPool } from '/work/main/dist/src/backend/cuda/memory.js';
class D { next = 1 << 20; alloc(b) { const p = this.next; this.next += Math.ceil(b / 4096) * 4096; return p; } free() {} memInfo() { return { free: 1e15, total: 1e15 }; } }
const p = new MemoryPool(new D());
const sizes = Array.from({ length: 3000 }, (_, i) => 4096 * (1 + (i * 7919) % 400));
// five dense-like graphs of 3000 blocks each, then time a capture of 1500 allocs/frees
for (let g = 0; g < 5; g++) p.reserveDuring(() => { p.tidy(() => sizes.map((s) => p.alloc(s)), (r) => r); });
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  p.reserveDuring(() => { for (let i = 0; i < 1500; i++) p.tidy(() => { p.alloc(sizes[i]); p.alloc(sizes[i + 1]); }); });
  console.log('capture of 3000 allocs with', p.graphBytes() / 2 ** 20 | 0, 'MiB of graph blocks:', (performance.now() - t0).toFixed(1), 'ms');
}
