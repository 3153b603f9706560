// Timing trials: which of several ways to run one operation is fastest on this GPU, measured on the
// driver's main stream (free while a graph is being recorded, on a stream of its own, which is when a
// graph first meets a shape), and the choices kept on disk per GPU and library version so that a
// machine pays a family's trials once. cuDNN's convolutions (conv-tuning.ts) and cuBLASLt's GEMMs
// (cublaslt.ts) use it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/files.js';
import { fiseditHome } from '../../util/home.js';
import type { Driver } from './driver.js';

/** The file of a library's remembered choices: $FISEDIT_CUBLASLT_CHOICES or $FISEDIT_CUDNN_CHOICES, else in fisedit's home. */
export function choicesFile(library: 'cublaslt' | 'cudnn'): string {
  const set = library === 'cublaslt' ? process.env.FISEDIT_CUBLASLT_CHOICES : process.env.FISEDIT_CUDNN_CHOICES;
  return set ?? join(fiseditHome(), `${library}-choices.json`);
}

/**
 * Runs timed per candidate, after one that loads its kernels. Every candidate's runs are queued
 * behind one kernel that holds the stream for HOLD_MS plus QUEUE_MS a run (the host's time to queue
 * them): the GPU then runs them back to back, so the host's cost per call (~0.2 ms for a legacy cuDNN
 * call) does not count, as it does not inside a CUDA graph. (A hold and a wait per candidate made a
 * convolution family's trials ~27 ms of host time, against ~20 with one hold; first sparse steps on a
 * fresh choice store 48-358 ms against 45-197, bench/results/2026-12-01-conv-trials-one-hold-ab.log.)
 */
const RUNS = 3, HOLD_MS = 1, QUEUE_MS = 0.1;

/**
 * The index of the fastest of `candidates` (each queues one run on the main stream, Driver.main), by
 * the GPU's time for RUNS runs of each; `hold(ms)` queues a kernel that holds the main stream that long.
 */
export function fastestCandidate(driver: Driver, candidates: readonly (() => void)[], hold: (ms: number) => void): number {
  const stream = driver.main;
  // trials alone on the GPU, so queued work does not skew them (a graph being recorded runs nothing)
  driver.synchronize(stream);
  const events: unknown[] = [];
  try {
    for (const run of candidates) run(); // loads its kernels
    const marks = candidates.map(() => {
      const start = driver.event(), end = driver.event();
      events.push(start, end);
      return [start, end] as const;
    });
    // queued behind the hold; again with a longer one if queuing took longer (the later runs would
    // then count the host's time)
    for (let ms = HOLD_MS + candidates.length * RUNS * QUEUE_MS; ; ms *= 2) {
      hold(ms);
      const t0 = performance.now();
      candidates.forEach((run, i) => {
        driver.record(marks[i]![0], false, stream);
        for (let r = 0; r < RUNS; r++) run();
        driver.record(marks[i]![1], false, stream);
      });
      const queued = performance.now() - t0;
      driver.synchronize(stream);
      if (queued < ms || ms > 100) break;
    }
    let best = 0;
    const times = marks.map(([start, end]) => driver.elapsed(start, end));
    times.forEach((t, i) => { if (t < times[best]!) best = i; });
    return best;
  } finally {
    driver.synchronize(stream);
    events.forEach((ev) => driver.destroyEvent(ev));
  }
}

/**
 * Bytes of weights a trial reads before it reads a copy again: more than any GPU's L2 (the H200's is
 * 50 MB), so each timed run reads its weights from memory, as a step does (it meets each layer's
 * weights once, long after the last step evicted them), while its activations, written just before
 * in a step, stay in L2 from run to run. Timed with hot weights, a 288 x 1280 x 11520 GEMM's family
 * (a 768 px sparse step's 12 x 12 convolutions, 20 a step) chose in some processes the algorithm
 * that takes 27.6 us a launch in the step against the other's 16.1 (session 35's censuses,
 * bench/results/2026-12-02-s35-call4-kernels-*-5.log).
 */
export const COLD_BYTES = 128 * 2 ** 20;

/** How many copies of a trial's weights of `bytes` it reads in turn: COLD_BYTES' worth, and at least one more than a candidate's timed runs. */
export function coldCopies(bytes: number): number {
  return Math.max(RUNS + 1, Math.ceil(COLD_BYTES / Math.max(bytes, 256)));
}

/** The power of two at or above `n`: the batch octave by which shapes share a family's choice. */
export function octave(n: number): number {
  return 2 ** Math.ceil(Math.log2(n));
}

/** The largest batch octave a family is looked up at (GEMM rows: a 768 px step's tokens, 2^15, with room). */
const LARGEST_OCTAVE = 2 ** 24;

/**
 * The other octaves of a batch octave, nearest first and the smaller first of two as near: where a
 * family's choice is borrowed from while the user waits (ChoiceStore.chosen). cuDNN's families take
 * the nearest known choice, however far: a borrowed kernel a little off its best costs the edit's
 * steps tens of microseconds, a trial while the user waits 10-90 ms
 * (bench/results/2026-12-01-s27-borrow-edit-new2.log). cuBLASLt's look one octave away at most
 * (cublaslt.ts LENDING_OCTAVES: a kernel for 288 rows ran 40 at up to half its speed). With nothing
 * to borrow, both take the heuristic's first, untimed: cuBLASLt's not remembered, cuDNN's kept for
 * the process (ChoiceStore.keep) for its other octaves to borrow, since its plans cost 16-35 ms an
 * edit asked again (cudnn.ts).
 * `within`: at most that many octaves away.
 */
export function octavesOutward(o: number, within = Infinity): number[] {
  const out: number[] = [];
  for (let d = 2; d <= 2 ** within && (o / d >= 1 || o * d <= LARGEST_OCTAVE); d *= 2) {
    if (o / d >= 1) out.push(o / d);
    if (o * d <= LARGEST_OCTAVE) out.push(o * d);
  }
  return out;
}

/**
 * A trial's operands of these element counts in one scratch allocation, each at a 256-byte boundary
 * (an absent one, count 0, takes no room): each one's byte offset (-1: absent), and the bytes in all.
 */
export function operandLayout(counts: readonly number[], elementBytes: number): { offsets: number[]; bytes: number } {
  const offsets: number[] = [];
  let bytes = 0;
  for (const n of counts) {
    offsets.push(n ? bytes : -1);
    bytes += Math.ceil((n * elementBytes) / 256) * 256;
  }
  return { offsets, bytes };
}

/**
 * Choices by family of shapes, for one GPU and library version (`machine`), kept in a JSON file. A
 * process holds one store per file and machine (ChoiceStore.of), so its backends take the same choice
 * for a family at once, whichever met it first: two stores of one process could each run a family's
 * trials and each keep its own winner (a second backend then computed other bits; session 24).
 */
export class ChoiceStore<T> {
  private static readonly open = new Map<string, ChoiceStore<unknown>>();
  private readonly choices: Map<string, T>;

  private constructor(private readonly file: string, private readonly machine: string) {
    this.choices = new Map(Object.entries(this.read()[this.machine] ?? {}));
  }

  /** This process's store of `machine`'s choices in `file` (made, reading the file, at the first call). */
  static of<T>(file: string, machine: string): ChoiceStore<T> {
    const key = JSON.stringify([file, machine]);
    let store = ChoiceStore.open.get(key);
    if (!store) ChoiceStore.open.set(key, (store = new ChoiceStore<unknown>(file, machine)));
    return store as ChoiceStore<T>;
  }

  private read(): Record<string, Record<string, T>> {
    try {
      return existsSync(this.file) ? JSON.parse(readFileSync(this.file, 'utf8')) : {};
    } catch {
      return {}; // unreadable: trials again, and the next write replaces it
    }
  }

  /** A family's choice: this process's, else one another process wrote since this store read the file (no trial of its own then). */
  get(family: string): T | undefined {
    const known = this.choices.get(family);
    if (known !== undefined) return known;
    const written = this.read()[this.machine]?.[family];
    if (written !== undefined) this.choices.set(family, written);
    return written;
  }

  /**
   * The choice for shapes of batch (or row count) `batch`, whose family at each batch octave is
   * familyAt(octave): the family's own, where `usable` takes it. While the user waits (`urgent`: an
   * edit's calls, Backend.urgently) and the family has none, the usable choice of the family at the
   * nearest octave that has one (octavesOutward, at most `within` octaves away), which this family
   * then keeps in this process only: the file gets no choice that no trial made, and a later process
   * times the family where it meets it at leisure (EditSession.prepareEdits); `borrowed` hears which
   * octave lent it. Undefined: none (the caller times the family and set()s its choice, or while
   * the user waits may take a default of its own, and keep() it).
   */
  chosen(familyAt: (batchOctave: number) => string, batch: number, urgent: boolean, usable: (c: T) => boolean = () => true, borrowed?: (from: number) => void, within = Infinity): T | undefined {
    const at = octave(batch), family = familyAt(at), own = this.get(family);
    if (own !== undefined && usable(own)) return own;
    if (!urgent) return undefined;
    const written = this.read()[this.machine] ?? {}; // once, not a read for each octave tried
    for (const o of octavesOutward(at, within)) {
      const c = this.choices.get(familyAt(o)) ?? written[familyAt(o)];
      if (c === undefined || !usable(c)) continue;
      this.keep(family, c);
      borrowed?.(o);
      return c;
    }
    return undefined;
  }

  /** Keeps a choice no trial made (borrowed, or a default taken while the user waited) for this process only: the file never gets it. */
  keep(family: string, c: T): void {
    this.choices.set(family, c);
  }

  /** Remembers a choice, in this process and on disk (merged with what other processes wrote meanwhile). */
  set(family: string, c: T): void {
    this.choices.set(family, c);
    try {
      const all = this.read();
      all[this.machine] = { ...all[this.machine], [family]: c };
      writeFileAtomic(this.file, JSON.stringify(all));
    } catch {
      // a read-only home: the choice holds for this process
    }
  }
}
