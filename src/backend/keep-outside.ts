// What toHost keeps of another array (Backend.toHost's `outside`): an edited image is its decode
// inside the edit's region and its base image outside it (edit/composite.ts pixelRegion makes the
// region). The check and the host's pass are here; the cuda backend does the pass on the device where
// both images are page-locked (CudaDevice.toHost).
import { FiseditError } from '../io/errors.js';

/**
 * What toHost keeps of another array: `values` (the same size as the tensor's) at the positions
 * `region` leaves unmarked (one flag per position of a channels-last tensor; 1: the tensor's own
 * values).
 */
export interface KeepOutside {
  region: Uint8Array;
  values: Float32Array;
}

/** Throws unless `outside` fits a tensor of n values: its values n, its region a whole number of positions; returns the values a position has. */
export function checkOutside(n: number, outside: KeepOutside): number {
  const { region, values } = outside;
  if (values.length !== n || !region.length || n % region.length !== 0) {
    throw new FiseditError(`toHost: ${n} values, ${values.length} to keep outside the region, for a region of ${region.length} positions`);
  }
  return n / region.length;
}

/**
 * outside.values into `into` wherever outside.region is 0 (toHost's `outside` on the host). Runs of
 * unmarked positions are copied whole (indexOf finds a run's end at memchr speed); into the array
 * the tensor's values went to, not a copy of the kept one: one pass, no new array (768 px, 2-core
 * machine: 1.97 -> 0.83 ms, bench/results/2026-11-30-host-steps*.json).
 */
export function keepOutside(into: Float32Array, outside: KeepOutside): Float32Array {
  const c = checkOutside(into.length, outside), { region, values } = outside;
  for (let i = 0; i < region.length; ) {
    let j = region.indexOf(1, i);
    if (j < 0) j = region.length;
    if (j > i) into.set(values.subarray(i * c, j * c), i * c);
    if (j === region.length) break;
    i = region.indexOf(0, j);
    if (i < 0) break;
  }
  return into;
}
