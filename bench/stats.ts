// Summaries the benches print.

/** The middle value (the upper one of an even count); the input is left as it is. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const m = sorted[Math.floor(sorted.length / 2)];
  if (m === undefined) throw new Error('median of no values');
  return m;
}

/** The median wall-clock milliseconds of `f` over `runs` runs, each between two synchronisations (the GPU's queue drained before and after). */
export function medianSynchronisedMs(runs: number, synchronize: () => void, f: () => void): number {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    synchronize();
    const t0 = performance.now();
    f();
    synchronize();
    times.push(performance.now() - t0);
  }
  return median(times);
}
