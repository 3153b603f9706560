// Page-locked host memory for the host cache tier, mapped into the device's address space: a kernel
// copies from it while other kernels run, and the host goes on. Each buffer is a view of the
// driver's memory. When JavaScript collects a view, its memory is kept for the next allocation of
// the same size, up to `spareBytes` in all, and given back to the driver beyond that: page-locking
// is what makes moving caches to the host tier slow (5.5-11 s for 12.4 GiB,
// bench/results/2026-11-30-edit-cuda-fp16-host-loops.json), and a server moves sessions back and
// forth between the tiers.
import type { Driver, HostMemory } from './driver.js';

/** Page-locked memory kept for reuse by default: two 768 px 20-step caches' worth. */
export const PINNED_SPARE_BYTES = 32 * 2 ** 30;

export class PinnedMemory {
  /** Device address of each buffer's first byte. */
  private readonly addresses = new WeakMap<ArrayBufferLike, number>();
  private readonly registry: FinalizationRegistry<HostMemory>;
  /** Memory whose views were collected, by size. */
  private readonly spare = new Map<number, HostMemory[]>();
  private spareTotal = 0;
  /** Allocations served from spare memory (no page-locking) and from the driver. */
  reused = 0;
  locked = 0;

  constructor(private readonly driver: Driver, private readonly spareBytes = PINNED_SPARE_BYTES) {
    this.registry = new FinalizationRegistry((m) => this.recycle(m));
  }

  /** `bytes` of page-locked memory, or of ordinary memory when the driver will not lock more. */
  alloc(bytes: number): Uint8Array {
    const m = this.takeSpare(bytes) ?? this.lock(bytes);
    if (!m) return new Uint8Array(bytes);
    const view = this.driver.hostView(m);
    this.addresses.set(view, m.device);
    this.registry.register(view, m);
    return new Uint8Array(view);
  }

  /** The device address of the view's first byte if it lies in page-locked memory. */
  address(view: ArrayBufferView): number | undefined {
    const base = this.addresses.get(view.buffer);
    return base === undefined ? undefined : base + view.byteOffset;
  }

  /** Gives every spare buffer back to the driver. */
  release(): void {
    for (const list of this.spare.values()) for (const m of list) this.driver.hostFree(m.host);
    this.spare.clear();
    this.spareTotal = 0;
  }

  private takeSpare(bytes: number): HostMemory | undefined {
    const m = this.spare.get(bytes)?.pop();
    if (m) {
      this.spareTotal -= bytes;
      this.reused++;
    }
    return m;
  }

  private lock(bytes: number): HostMemory | undefined {
    let m = this.driver.hostAlloc(bytes);
    if (!m && this.spareTotal) {
      this.release(); // spare buffers of other sizes may be what stands in the way
      m = this.driver.hostAlloc(bytes);
    }
    if (m) this.locked++;
    return m;
  }

  private recycle(m: HostMemory): void {
    if (this.spareTotal + m.bytes > this.spareBytes) {
      this.driver.hostFree(m.host);
      return;
    }
    const list = this.spare.get(m.bytes);
    if (list) list.push(m);
    else this.spare.set(m.bytes, [m]);
    this.spareTotal += m.bytes;
  }
}
