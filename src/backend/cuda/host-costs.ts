// Host time spent in the GPU libraries' calls, by kind (a new cuBLASLt plan, its first matmul, later
// matmuls; the same for cuDNN): what recording an edit's graphs pays for shapes it has not seen.
// Always on: a performance.now() pair per library call. Benches read and reset it with take().
export interface HostCost {
  calls: number;
  ms: number;
}

export class HostCosts {
  private costs = new Map<string, HostCost>();
  private prefix = '';

  /** f(), the costs inside it kept under `prefix` + their kind (e.g. a warm-up's apart from an edit's). */
  during<T>(prefix: string, f: () => T): T {
    const outer = this.prefix;
    this.prefix = prefix;
    try {
      return f();
    } finally {
      this.prefix = outer;
    }
  }

  /** f(), its wall time added under `what`. */
  time<T>(what: string, f: () => T): T {
    const t0 = performance.now();
    try {
      return f();
    } finally {
      const key = this.prefix + what;
      const c = this.costs.get(key) ?? { calls: 0, ms: 0 };
      c.calls++;
      c.ms += performance.now() - t0;
      this.costs.set(key, c);
    }
  }

  /** What was spent since the last take(), by kind (ms rounded to 0.1), and a fresh start. */
  take(): Record<string, HostCost> {
    const out = Object.fromEntries([...this.costs].map(([k, c]) => [k, { calls: c.calls, ms: +c.ms.toFixed(1) }]));
    this.costs = new Map();
    return out;
  }
}
