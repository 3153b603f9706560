// Summaries the benches print, and timing an op as the steps run it (inside a CUDA graph).
import type { CudaBackend } from '../src/backend/cuda/cuda.js';
import type { Driver } from '../src/backend/cuda/driver.js';
import type { Tensor } from '../src/tensor/tensor.js';
import type { BackToBack } from './clocks.js';

/** A cuda backend tensor's device address (for the benches that call a library or the driver directly). */
export const devicePtr = (t: { storage: unknown }): number => (t.storage as { ptr: number }).ptr;

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

/**
 * Microseconds per launch of `launch` (library or driver calls queued on the driver's stream),
 * `perGraph` of them recorded in one graph (the i-th given i), median of `replays` replays.
 */
export function graphLaunchUs(driver: Driver, launch: (i: number) => void, perGraph: number, replays: number): number {
  const exec = driver.capture(() => {
    for (let i = 0; i < perGraph; i++) launch(i);
  });
  driver.replay(exec);
  const us = (medianSynchronisedMs(replays, () => driver.synchronize(), () => driver.replay(exec)) * 1000) / perGraph;
  driver.destroyGraph(exec);
  return us;
}

/**
 * Microseconds per call of op(x) on `gpu`, as a step runs it: `perGraph` calls recorded as one
 * replayable call (one graph launch and input copy shared by all), median of `replays` replays; and
 * the output of the recorded run. With `energy` (given one replay and its time, what the replays
 * take back to back, per call: clocks.ts backToBack and perCall), also that. The recording is
 * forgotten and x disposed after.
 */
export function graphOpUs(gpu: CudaBackend, x: Tensor, key: string, op: (x: Tensor) => Tensor, perGraph: number, replays: number, energy?: (replay: () => void, msPerReplay: number) => BackToBack): { us: number; out: Tensor; backToBack?: BackToBack } {
  const run = () => gpu.replayable(key, [x], (xi: Tensor) => {
    let y = op(xi);
    for (let i = 1; i < perGraph; i++) y = op(xi);
    return [y];
  });
  const out = gpu.tidy(run)[0]!; // recorded here
  // each replay's output is a buffer of its own (GraphReplays.output): given back at once (kept, the
  // outputs of session 39's first back-to-back run, ~70,000 replays over six shapes, filled the GPU)
  const replay = () => gpu.tidy(run).forEach((t) => gpu.dispose(t));
  const msPerReplay = medianSynchronisedMs(replays, () => gpu.synchronize(), replay);
  const back = energy?.(replay, msPerReplay);
  gpu.forget(key);
  gpu.dispose(x);
  return { us: (msPerReplay * 1000) / perGraph, out, ...(back && { backToBack: back }) };
}

/**
 * BENCH_COLD=on: a graph's ops take copies of their weights in turn, enough to pass twice the L2 (at
 * most 8), so each reads them from memory, as a layer does in a step; off, the weights stay in L2
 * after the first. How many copies of `bytes` of weights that is on `gpu`.
 */
export const benchCold = process.env.BENCH_COLD === 'on';
export function weightCopies(gpu: CudaBackend, bytes: number): number {
  return benchCold ? Math.min(8, Math.ceil((2 * gpu.driver.l2Bytes) / bytes)) : 1;
}
