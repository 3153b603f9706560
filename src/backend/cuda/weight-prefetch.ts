// Which weight to bring into L2 while a graph is recorded (CudaOptions.weightPrefetch). A recorded
// step reads each layer's weights once, long after the step before evicted them (trials.ts
// COLD_BYTES), and a sparse step's GEMMs of few rows wait mostly on those reads: session 32 measured
// a 40 x 1280 x 11520 GEMM at 10.0 us with its weights in L2 against 13.1 from memory. A model's GEMMs
// read their weights in the same order recording after recording (a U-Net's layers come in one order,
// dense or sparse), so the order is learnt from the recordings already made: as a GEMM is recorded,
// the weight that followed its weight last time is the one to prefetch, on a branch of the graph
// beside the work between the two GEMMs.

/** A weight as the prefetch reads it: its bytes at ptr, alive while its buffer is. */
export interface WeightSpan<B extends object> {
  ptr: number;
  bytes: number;
  buffer: B;
}

interface Learnt<B extends object> {
  ptr: number;
  bytes: number;
  buffer: WeakRef<B>;
}

/** The order in which GEMMs read weights, as last recorded. Holds no weight alive (a model's weights go when it does). */
export class WeightOrder<B extends object> {
  /** For each weight (by address), the weight read after it last time. */
  private readonly after = new Map<number, Learnt<B>>();
  private last: number | undefined;

  /**
   * Notes that a GEMM reading `weights` (one, or a batched GEMM's several in order) was recorded, and
   * returns the weight that was read after the last of them the time before, if it is still alive
   * (`alive`: its buffer has not gone back to the allocator).
   */
  read(weights: readonly WeightSpan<B>[], alive: (buffer: B) => boolean): WeightSpan<B> | undefined {
    for (const w of weights) {
      if (this.last !== undefined && this.last !== w.ptr) this.after.set(this.last, { ptr: w.ptr, bytes: w.bytes, buffer: new WeakRef(w.buffer) });
      this.last = w.ptr;
    }
    const next = this.last === undefined ? undefined : this.after.get(this.last);
    const buffer = next?.buffer.deref();
    return next && buffer && alive(buffer) ? { ptr: next.ptr, bytes: next.bytes, buffer } : undefined;
  }
}
