// Device memory for tensors: a caching allocator (freed blocks are kept by size and reused, so a
// U-Net step does not call cuMemAlloc per op) and tidy scopes that return a step's temporaries
// to the cache when the step ends. Buffers that outlive their scope (weights, the edit cache,
// results) are released when JavaScript collects them.
import { GpuOutOfMemory, type Driver } from './driver.js';

export class DeviceBuffer {
  kept = false;
  freed = false;
  /**
   * `id`: which allocation of the block this is (a stale release of an earlier one is ignored);
   * `pool`: the allocator, hence the backend and stream, it belongs to.
   */
  constructor(readonly ptr: number, readonly bytes: number, readonly id: number, readonly pool: MemoryPool) {}
}

/** The owner id of a block a captured graph holds. */
const GRAPH = 0;

const GRANULE = 512;
/**
 * Blocks up to SLAB_MAX bytes are carved from slabs of SLAB_BYTES: a step that keeps hundreds of new
 * tensors (a FISEdit step writing its cache) would otherwise call cuMemAlloc for each, and
 * cuMemAlloc may wait for the device (266 calls took 12 ms of a sparse step,
 * bench/results/2026-11-30-edit-cuda-fp16-phases.json). trim() gives a slab back once none of its
 * blocks is in use.
 */
const SLAB_MAX = 16 * 2 ** 20;
const SLAB_BYTES = 256 * 2 ** 20;

/**
 * Block sizes: multiples of 512 bytes up to 64 KiB, then eight classes per power of two (at most
 * 12.5% waste), so blocks freed by one edit serve the slightly different sizes of the next.
 */
function sizeClass(bytes: number): number {
  if (bytes <= 64 * 1024) return Math.max(GRANULE, Math.ceil(bytes / GRANULE) * GRANULE);
  const step = 2 ** Math.floor(Math.log2(bytes)) / 8;
  return Math.ceil(bytes / step) * step;
}

/** A slab and how many of its blocks are handed out (0: trim() may give it back). */
interface Slab {
  base: number;
  live: number;
}

export class MemoryPool {
  private readonly cached = new Map<number, number[]>();
  private readonly scopes: Set<DeviceBuffer>[] = [];
  private readonly registry: FinalizationRegistry<{ ptr: number; bytes: number; id: number }>;
  /** Block -> the allocation (DeviceBuffer id, or GRAPH) that holds it; cached blocks have none. */
  private readonly owner = new Map<number, number>();
  private nextId = 1;
  /** Blocks handed out while a graph was being captured (undefined when not capturing). */
  private capturing: Map<number, number> | undefined;
  /** The blocks captured graphs hold: bytes, and how many graphs hold each (they share: reserveDuring). */
  private readonly graphBlocks = new Map<number, { bytes: number; graphs: number }>();
  /** While capturing: blocks other graphs hold that the capture may take, by size class. */
  private spare: Map<number, number[]> | undefined;
  inUse = 0;
  peak = 0;
  /** cuMemAlloc calls so far (each may wait for the device). */
  driverAllocs = 0;
  /** The slab being carved: next free address and bytes left. */
  private slab: { of?: Slab; next: number; left: number } = { next: 0, left: 0 };
  /** The slab each carved block belongs to. */
  private readonly slabOf = new Map<number, Slab>();
  /** Blocks that came from cuMemAlloc directly (the only ones trim() can give back). */
  private readonly direct = new Set<number>();
  cachedBytes = 0;

  /** Frees the memory of `own` buffers when they are collected. */
  private readonly owned: FinalizationRegistry<number>;

  constructor(private readonly driver: Driver) {
    this.registry = new FinalizationRegistry(({ ptr, bytes, id }) => this.recycle(ptr, bytes, id));
    this.owned = new FinalizationRegistry((ptr) => this.driver.free(ptr));
  }

  /**
   * Memory of its own from the driver, never from the cache, freed when collected: no work queued or
   * recorded can hold it, so it may be filled from another stream at any time (even mid-capture).
   */
  own(bytes: number): DeviceBuffer {
    const ptr = this.fresh(bytes, false);
    const buf = new DeviceBuffer(ptr, bytes, 0, this);
    buf.kept = true;
    this.owned.register(buf, ptr);
    return buf;
  }

  alloc(bytes: number): DeviceBuffer {
    const size = sizeClass(bytes);
    // while capturing, a block another graph holds before any other (already counted in use)
    let ptr = this.spare?.get(size)?.pop();
    if (ptr === undefined) {
      ptr = this.cached.get(size)?.pop();
      if (ptr !== undefined) this.cachedBytes -= size;
      else ptr = size > SLAB_MAX ? this.fresh(size, true) : this.carve(size);
      const slab = this.slabOf.get(ptr);
      if (slab) slab.live++;
      this.inUse += size;
      this.peak = Math.max(this.peak, this.inUse);
    }
    this.capturing?.set(ptr, size);
    const buf = new DeviceBuffer(ptr, size, this.nextId++, this);
    this.owner.set(ptr, buf.id);
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
    this.registry.register(buf, { ptr: buf.ptr, bytes: buf.bytes, id: buf.id }, buf);
  }

  release(buf: DeviceBuffer): void {
    if (buf.freed) return;
    buf.freed = true;
    if (buf.kept) this.registry.unregister(buf);
    this.recycle(buf.ptr, buf.bytes, buf.id);
  }

  /** Memory from the driver; when it is full, cached direct blocks go back first and it is asked once more. */
  private fresh(bytes: number, direct: boolean): number {
    this.driverAllocs++;
    let ptr: number;
    try {
      ptr = this.driver.alloc(bytes);
    } catch (e) {
      if (!(e instanceof GpuOutOfMemory) || this.cachedBytes === 0) throw e;
      this.trim();
      ptr = this.driver.alloc(bytes);
    }
    if (direct) this.direct.add(ptr);
    return ptr;
  }

  private carve(size: number): number {
    if (this.slab.left < size) {
      try {
        const base = this.fresh(SLAB_BYTES, false);
        this.slab = { of: { base, live: 0 }, next: base, left: SLAB_BYTES };
      } catch (e) {
        if (e instanceof GpuOutOfMemory) return this.fresh(size, true); // no room for a slab: maybe for this block
        throw e;
      }
    }
    const ptr = this.slab.next;
    this.slab.next += size;
    this.slab.left -= size;
    this.slabOf.set(ptr, this.slab.of!);
    return ptr;
  }

  /** Back to the cache, if `id` still holds the block (not a graph, not a later allocation). */
  private recycle(ptr: number, bytes: number, id: number): void {
    if (this.owner.get(ptr) !== id) return;
    if (this.graphBlocks.has(ptr)) {
      // a block other graphs hold, which the capture under way took: the capture may take it again
      this.owner.set(ptr, GRAPH);
      this.spare?.get(bytes)?.push(ptr);
      return;
    }
    this.owner.delete(ptr);
    const slab = this.slabOf.get(ptr);
    if (slab) slab.live--;
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
   * out of the cache and handed to no tensor until `unreserve`. Returns those blocks.
   * Graphs share blocks: a capture takes the blocks other graphs hold first. The graphs run one at
   * a time on one stream, and each replay's results are copied out of its buffers before anything
   * after it runs (replays.ts), so between replays what a graph's buffers hold is nobody's; each
   * graph kept its own until session 29 (20 GiB of them at 768 px, `…-s29-run78-stdout.log`).
   */
  reserveDuring(f: () => void): Map<number, number> {
    const blocks = (this.capturing = new Map());
    this.spare = new Map();
    for (const [ptr, { bytes }] of this.graphBlocks) {
      let list = this.spare.get(bytes);
      if (!list) this.spare.set(bytes, (list = []));
      list.push(ptr);
    }
    try {
      f();
    } finally {
      // on failure nothing is reserved: the blocks went back as usual, those of other graphs to them
      this.capturing = undefined;
      this.spare = undefined;
      for (const ptr of blocks.keys()) if (this.graphBlocks.has(ptr)) this.owner.set(ptr, GRAPH);
    }
    for (const [ptr, size] of blocks) {
      const held = this.graphBlocks.get(ptr);
      if (held) {
        held.graphs++;
        continue;
      }
      this.graphBlocks.set(ptr, { bytes: size, graphs: 1 });
      const list = this.cached.get(size);
      const i = list?.indexOf(ptr) ?? -1;
      if (i >= 0) {
        list!.splice(i, 1);
        this.cachedBytes -= size;
        this.inUse += size;
        const slab = this.slabOf.get(ptr);
        if (slab) slab.live++;
      }
      this.owner.set(ptr, GRAPH);
    }
    return blocks;
  }

  /** Gives a graph's blocks back to the cache, those no other graph holds. */
  unreserve(blocks: Map<number, number>): void {
    for (const [ptr, size] of blocks) {
      const held = this.graphBlocks.get(ptr);
      if (held && --held.graphs > 0) continue;
      this.graphBlocks.delete(ptr);
      this.recycle(ptr, size, GRAPH);
    }
  }

  /** Device memory the captured graphs hold (each shared block once). */
  graphBytes(): number {
    let bytes = 0;
    for (const { bytes: b } of this.graphBlocks.values()) bytes += b;
    return bytes;
  }

  /** Returns to the driver every cached direct block and every slab none of whose blocks is in use. */
  trim(): void {
    const idle = new Set([...new Set(this.slabOf.values())].filter((s) => s.live === 0));
    for (const [size, list] of this.cached) {
      const keep = list.filter((p) => {
        if (this.direct.delete(p)) {
          this.driver.free(p);
          return false;
        }
        const slab = this.slabOf.get(p);
        if (!slab || !idle.has(slab)) return true;
        this.slabOf.delete(p);
        return false;
      });
      this.cachedBytes -= (list.length - keep.length) * size;
      this.cached.set(size, keep);
    }
    for (const s of idle) this.driver.free(s.base);
    if (this.slab.of && idle.has(this.slab.of)) this.slab = { next: 0, left: 0 };
  }
}
