// One job at a time (the model is one GPU or the CPU), fair between sessions: each session has
// its own first-in-first-out line and the worker serves the sessions in turn. The queue is
// bounded; a full queue refuses new work (the server answers 429).
import { randomUUID } from 'node:crypto';

export type JobState = 'queued' | 'running' | 'done' | 'failed';

export interface JobEvent {
  type: 'queued' | 'progress' | 'done' | 'failed';
  data: Record<string, unknown>;
}

export interface Job<T = unknown> {
  readonly id: string;
  readonly key: string;
  state: JobState;
  result?: T;
  error?: Error;
  readonly events: JobEvent[];
  readonly listeners: Set<(e: JobEvent) => void>;
  readonly done: Promise<void>;
  readonly created: number;
  started?: number;
  finished?: number;
}

export type JobRunner<T> = (progress: (data: Record<string, unknown>) => void) => Promise<T>;

export class QueueFull extends Error {
  constructor(readonly limit: number) {
    super(`the job queue is full (${limit} jobs waiting); try again later`);
  }
}

export class JobQueue {
  private readonly lines = new Map<string, { job: Job; run: JobRunner<unknown>; resolve: () => void }[]>();
  private readonly turn: string[] = [];
  private readonly jobs = new Map<string, Job>();
  private running = false;
  /** The line (session) whose job runs now. */
  private runningKey: string | undefined;
  private waiting = 0;

  constructor(readonly limit: number) {}

  get queued(): number {
    return this.waiting;
  }

  get busy(): boolean {
    return this.running;
  }

  /** Whether a job of this line (session) is running now. */
  runs(key: string): boolean {
    return this.runningKey === key;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  submit<T>(key: string, run: JobRunner<T>): Job<T> {
    if (this.waiting >= this.limit) throw new QueueFull(this.limit);
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const job: Job<T> = { id: randomUUID(), key, state: 'queued', events: [], listeners: new Set(), done, created: Date.now() };
    this.jobs.set(job.id, job as Job);
    let line = this.lines.get(key);
    if (!line) {
      this.lines.set(key, (line = []));
      this.turn.push(key);
    }
    line.push({ job: job as Job, run: run as JobRunner<unknown>, resolve });
    this.waiting++;
    emit(job as Job, { type: 'queued', data: { position: this.waiting } });
    void this.pump();
    return job;
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const key = this.turn.shift();
        if (key === undefined) break;
        const line = this.lines.get(key)!;
        const next = line.shift()!;
        if (line.length) this.turn.push(key); // the session waits for its next turn behind the others
        else this.lines.delete(key);
        this.waiting--;
        this.runningKey = key;
        await this.execute(next.job, next.run);
        this.runningKey = undefined;
        next.resolve();
      }
    } finally {
      this.running = false;
    }
  }

  private async execute(job: Job, run: JobRunner<unknown>): Promise<void> {
    job.state = 'running';
    job.started = Date.now();
    try {
      job.result = await run((data) => emit(job, { type: 'progress', data }));
      job.state = 'done';
      job.finished = Date.now();
      emit(job, { type: 'done', data: { result: job.result } });
    } catch (e) {
      job.error = e as Error;
      job.state = 'failed';
      job.finished = Date.now();
      emit(job, { type: 'failed', data: { error: (e as Error).message } });
    }
    // forget finished jobs after a while so the map does not grow without bound
    setTimeout(() => this.jobs.delete(job.id), 10 * 60_000).unref();
  }
}

function emit(job: Job, e: JobEvent): void {
  // progress is summarised (only the latest is kept) so a long job's history stays small
  if (e.type === 'progress' && job.events[job.events.length - 1]?.type === 'progress') job.events[job.events.length - 1] = e;
  else job.events.push(e);
  for (const l of job.listeners) l(e);
}
