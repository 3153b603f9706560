// Host time spent in the GPU libraries' calls that meet a shape for the first time, by kind (a new
// cuBLASLt plan, its heuristic, its first matmul; a new cuDNN plan, its workspace query, its first
// convolution), and in recording replayable calls as graphs (in all, and queuing the call's ops):
// what recording an edit's graphs pays for shapes it has not seen. A kind may hold another (a
// recording holds the plans made while its ops are queued). Always on (a performance.now() pair per
// such call; known shapes and replays are not timed). Benches read and reset it with take().
export interface HostCost {
  calls: number;
  ms: number;
}

export class HostCosts {
  private costs = new Map<string, HostCost>();

  /** f(), its wall time added under `what`. */
  time<T>(what: string, f: () => T): T {
    const t0 = performance.now();
    try {
      return f();
    } finally {
      const c = this.costs.get(what) ?? { calls: 0, ms: 0 };
      c.calls++;
      c.ms += performance.now() - t0;
      this.costs.set(what, c);
    }
  }

  /** What was spent since the last take(), by kind (ms rounded to 0.1), and a fresh start. */
  take(): Record<string, HostCost> {
    const out = Object.fromEntries([...this.costs].map(([k, c]) => [k, { calls: c.calls, ms: +c.ms.toFixed(1) }]));
    this.costs = new Map();
    return out;
  }
}
