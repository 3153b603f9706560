// Page-locked host memory for the host cache tier, mapped into the device's address space: a kernel
// copies from it while other kernels run, and the host goes on. Each buffer is a view of the
// driver's memory, given back to the driver when JavaScript collects the view's ArrayBuffer.
import type { Driver } from './driver.js';

export class PinnedMemory {
  /** Device address of each buffer's first byte. */
  private readonly addresses = new WeakMap<ArrayBufferLike, number>();
  private readonly registry: FinalizationRegistry<bigint>;

  constructor(private readonly driver: Driver) {
    this.registry = new FinalizationRegistry((address) => this.driver.hostFree(address));
  }

  /** `bytes` of page-locked memory, or of ordinary memory when the driver will not lock more. */
  alloc(bytes: number): Uint8Array {
    const m = this.driver.hostAlloc(bytes);
    if (!m) return new Uint8Array(bytes);
    this.addresses.set(m.memory, m.device);
    this.registry.register(m.memory, m.host);
    return new Uint8Array(m.memory);
  }

  /** The device address of the view's first byte if it lies in page-locked memory. */
  address(view: ArrayBufferView): number | undefined {
    const base = this.addresses.get(view.buffer);
    return base === undefined ? undefined : base + view.byteOffset;
  }
}
