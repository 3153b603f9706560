/** An error the user caused (bad file, bad option); its message names the cause. */
export class FiseditError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FiseditError';
  }
}

/** A device ran out of memory; the engine stays usable (nothing it held was lost). */
export class GpuOutOfMemory extends FiseditError {
  constructor(bytes: number, free: number, total: number) {
    super(`GPU out of memory: asked for ${(bytes / 2 ** 20).toFixed(1)} MiB with ${(free / 2 ** 20).toFixed(0)} MiB free of ${(total / 2 ** 30).toFixed(1)} GiB`);
    this.name = 'GpuOutOfMemory';
  }
}
