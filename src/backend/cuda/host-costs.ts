// Host time spent in the GPU libraries' calls that meet a shape for the first time, by kind (a new
// cuBLASLt plan, its heuristic, its first matmul; a new cuDNN plan, its workspace query, its first
// convolution), and in recording replayable calls as graphs (in all, and queuing the call's ops):
// what recording an edit's graphs pays for shapes it has not seen. A kind may hold another (a
// recording holds the plans made while its ops are queued). Always on (a performance.now() pair per
// such call; known shapes and replays are not timed). Benches read and reset it with take().
export interface HostCost {
  calls: number;
  ms: number;
  /** The longest call and what it was about (where the caller says). */
  slowest?: { ms: number; of: string };
  /** What the first NOTED calls of a noted kind were about (note()). */
  of?: string[];
}

/** How many of a noted kind's calls say what they were about. */
const NOTED = 8;

export class HostCosts {
  private costs = new Map<string, HostCost>();

  /** f(), its wall time added under `what`; `of` says what the call was about, asked only when it is the kind's longest so far. */
  time<T>(what: string, f: () => T, of?: () => string): T {
    const t0 = performance.now();
    try {
      return f();
    } finally {
      const ms = performance.now() - t0, c = this.cost(what);
      c.calls++;
      c.ms += ms;
      if (of && ms > (c.slowest?.ms ?? -1)) c.slowest = { ms, of: of() };
    }
  }

  /** Counts a call that costs no time of its own under `what` (a choice borrowed rather than timed), saying what it was about. */
  note(what: string, of: string): void {
    const c = this.cost(what);
    c.calls++;
    if ((c.of ??= []).length < NOTED) c.of.push(of);
  }

  /** What was spent since the last take(), by kind (ms rounded to 0.1), and a fresh start. */
  take(): Record<string, HostCost> {
    const out = Object.fromEntries([...this.costs].map(([k, c]) => [k, {
      calls: c.calls, ms: +c.ms.toFixed(1),
      ...(c.slowest ? { slowest: { ms: +c.slowest.ms.toFixed(1), of: c.slowest.of } } : {}),
      ...(c.of ? { of: c.of } : {}),
    }]));
    this.costs = new Map();
    return out;
  }

  private cost(what: string): HostCost {
    let c = this.costs.get(what);
    if (!c) this.costs.set(what, (c = { calls: 0, ms: 0 }));
    return c;
  }
}
