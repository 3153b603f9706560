// Device memory for tensors: a caching allocator (freed blocks are kept by size and reused, so a
// U-Net step does not call cuMemAlloc per op) and tidy scopes that return a step's temporaries
// to the cache when the step ends. Buffers that outlive their scope (weights, the edit cache,
// results) are released when JavaScript collects them.
import { GpuOutOfMemory, type Driver } from './driver.js';

export class DeviceBuffer {
  kept = false;
  freed = false;
  constructor(readonly ptr: number, readonly bytes: number) {}
}

const GRANULE = 512;

export class MemoryPool {
  private readonly cached = new Map<number, number[]>();
  private readonly scopes: Set<DeviceBuffer>[] = [];
  private readonly registry: FinalizationRegistry<{ ptr: number; bytes: number }>;
  /** Blocks handed out while a graph was being captured (undefined when not capturing). */
  private capturing: Map<number, number> | undefined;
  /** Blocks a captured graph writes when replayed: never handed to anyone else. */
  private readonly reserved = new Set<number>();
  inUse = 0;
  peak = 0;
  cachedBytes = 0;

  constructor(private readonly driver: Driver) {
    this.registry = new FinalizationRegistry(({ ptr, bytes }) => this.recycle(ptr, bytes));
  }

  alloc(bytes: number): DeviceBuffer {
    const size = Math.max(GRANULE, Math.ceil(bytes / GRANULE) * GRANULE);
    let ptr = this.cached.get(size)?.pop();
    if (ptr !== undefined) this.cachedBytes -= size;
    else {
      try {
        ptr = this.driver.alloc(size);
      } catch (e) {
        if (!(e instanceof GpuOutOfMemory) || this.cachedBytes === 0) throw e;
        this.trim(); // give cached blocks back and try once more
        ptr = this.driver.alloc(size);
      }
    }
    this.inUse += size;
    this.peak = Math.max(this.peak, this.inUse);
    this.capturing?.set(ptr, size);
    const buf = new DeviceBuffer(ptr, size);
    const scope = this.scopes[this.scopes.length - 1];
    if (scope) scope.add(buf);
    else this.persist(buf);
    return buf;
  }

  /** Makes a buffer outlive the current scope (it is released when collected). */
  persist(buf: DeviceBuffer): void {
    if (buf.kept || buf.freed) return;
    buf.kept = true;
    for (const s of this.scopes) s.delete(buf);
    this.registry.register(buf, { ptr: buf.ptr, bytes: buf.bytes }, buf);
  }

  release(buf: DeviceBuffer): void {
    if (buf.freed) return;
    buf.freed = true;
    if (buf.kept) this.registry.unregister(buf);
    this.recycle(buf.ptr, buf.bytes);
  }

  private recycle(ptr: number, bytes: number): void {
    if (this.reserved.has(ptr)) return; // a graph's block: it stays the graph's
    this.inUse -= bytes;
    this.cachedBytes += bytes;
    let list = this.cached.get(bytes);
    if (!list) this.cached.set(bytes, (list = []));
    list.push(ptr);
  }

  /**
   * Runs f; buffers allocated inside go back to the cache afterwards, except those kept and those
   * in the result, which move to the enclosing scope (or become persistent at the top).
   */
  tidy<T>(f: () => T, results: (result: T) => DeviceBuffer[] = () => []): T {
    const scope = new Set<DeviceBuffer>();
    this.scopes.push(scope);
    let result: T;
    try {
      result = f();
      const parent = this.scopes[this.scopes.length - 2];
      for (const b of results(result)) {
        if (!scope.delete(b) || b.kept) continue;
        if (parent) parent.add(b);
        else this.persist(b);
      }
    } finally {
      this.scopes.pop();
      for (const b of scope) if (!b.kept) this.release(b);
    }
    return result;
  }

  /**
   * Runs f (which captures a graph); every block handed out meanwhile becomes the graph's: taken
   * out of the cache and never reused until `unreserve`. Returns those blocks.
   */
  reserveDuring(f: () => void): Map<number, number> {
    const blocks = (this.capturing = new Map());
    try {
      f();
    } finally {
      this.capturing = undefined; // on failure nothing is reserved: the blocks went back as usual
    }
    for (const [ptr, size] of blocks) {
      const list = this.cached.get(size);
      const i = list?.indexOf(ptr) ?? -1;
      if (i >= 0) {
        list!.splice(i, 1);
        this.cachedBytes -= size;
        this.inUse += size;
      }
      this.reserved.add(ptr);
    }
    return blocks;
  }

  /** Gives a graph's blocks back to the cache. */
  unreserve(blocks: Map<number, number>): void {
    for (const [ptr, size] of blocks) {
      if (!this.reserved.delete(ptr)) continue;
      this.recycle(ptr, size);
    }
  }

  /** Returns every cached block to the driver. */
  trim(): void {
    for (const list of this.cached.values()) for (const p of list) this.driver.free(p);
    this.cached.clear();
    this.cachedBytes = 0;
  }
}
