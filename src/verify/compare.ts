// Comparing computed values with references: the figures the golden checks print.
export interface Comparison {
  what: string;
  maxAbs: number;
  tolerance: number;
  ok: boolean;
  detail?: string;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

export function compare(what: string, got: ArrayLike<number>, want: ArrayLike<number>, tolerance: number): Comparison {
  const maxAbs = maxAbsDiff(got, want);
  const detail = got.length !== want.length ? `length ${got.length} vs ${want.length}` : undefined;
  return { what, maxAbs, tolerance, ok: maxAbs <= tolerance, ...(detail ? { detail } : {}) };
}

/** The RMS of got - want over the RMS of want: an error that a map's scale does not hide (Infinity where lengths differ or a value is not finite). */
export function relativeRmsDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Infinity;
  let diff = 0, ref = 0;
  for (let i = 0; i < got.length; i++) {
    const d = got[i]! - want[i]!;
    diff += d * d;
    ref += want[i]! * want[i]!;
  }
  const r = Math.sqrt(diff / ref);
  return Number.isFinite(r) ? r : Infinity;
}
