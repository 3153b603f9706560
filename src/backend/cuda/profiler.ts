// Where a call's GPU time goes, op by op, without changing how the GPU runs it: an event is recorded
// after each op, and the time between consecutive events is that op's. Replayable calls are recorded
// as graphs with the events as nodes of their own and replayed once (CudaBackend.replayable), so
// their ops run as in any replay. For eager ops the stream is first held by a waiting kernel while
// the host queues them, so the GPU then runs them back to back (synchronising each op instead would
// add launch latency to every one of them); the stream's queue holds ~1000 entries, though, and ops
// queued after the hold ended count the host's gaps.
import type { Driver } from './driver.js';

export interface OpTime {
  op: string;
  ms: number;
  count: number;
}

export class Profiler {
  private readonly events: unknown[] = [];
  private readonly names: string[] = [];
  private readonly start: unknown;
  /**
   * Set when the hold is seen to have ended: how many ops were queued before it (those after may
   * include the host's gaps), and the first op after it (the stream's queue of ~1000 entries was
   * full, or the host waited).
   */
  private late: { held: number; op: string } | undefined;

  /** `hold` queues the waiting kernel; the profile starts when it ends. */
  constructor(private readonly driver: Driver, hold: () => void) {
    hold();
    this.start = driver.event();
    driver.record(this.start);
  }

  /** Called after each op has been queued; `inGraph`: while a graph is being recorded. */
  mark(op: string, inGraph: boolean): void {
    if (!this.late && this.driver.done(this.start)) this.late = { held: this.events.length, op };
    const e = this.driver.event();
    this.driver.record(e, inGraph);
    this.events.push(e);
    this.names.push(op);
  }

  /**
   * Waits for the work and returns time per op name, largest first. `heldFraction` < 1: the hold
   * ended before the host had queued every op, and the later ones count the GPU's waits as their time.
   */
  finish(): { ops: OpTime[]; totalMs: number; heldFraction: number; firstLate: string | undefined } {
    this.driver.synchronize();
    const byOp = new Map<string, OpTime>();
    let previous = this.start;
    this.events.forEach((e, i) => {
      const t = byOp.get(this.names[i]!) ?? { op: this.names[i]!, ms: 0, count: 0 };
      t.ms += this.driver.elapsed(previous, e);
      t.count++;
      byOp.set(t.op, t);
      previous = e;
    });
    const totalMs = this.driver.elapsed(this.start, previous);
    for (const e of [this.start, ...this.events]) this.driver.destroyEvent(e);
    return { ops: [...byOp.values()].sort((a, b) => b.ms - a.ms), totalMs, heldFraction: this.late ? +(this.late.held / this.events.length).toFixed(3) : 1, firstLate: this.late?.op };
  }
}
