// The server's sessions: each lives in <data>/sessions/<id>/ (written after every change, atomically,
// so a restart finds them), is loaded on first use, and gives its caches up to disk when the
// memory budget is exceeded by sessions used more recently.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EditSession } from '../edit/session.js';
import { ensureDir } from '../edit/persist.js';
import type { StableDiffusion } from '../pipeline/text-to-image.js';

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class NotFound extends Error {}

export class SessionStore {
  private readonly live = new Map<string, { session: EditSession; used: number }>();
  readonly dir: string;

  /**
   * budgetBytes: cache bytes kept on the backend (GPU memory, or memory for the cpu backend);
   * hostBudgetBytes: with a GPU, cache bytes kept in host memory before they go to disk.
   */
  constructor(dataDir: string, private readonly sd: StableDiffusion, readonly budgetBytes: number, readonly hostBudgetBytes = budgetBytes) {
    this.dir = ensureDir(join(dataDir, 'sessions'));
  }

  private folder(id: string): string {
    if (!ID.test(id)) throw new NotFound(`no session "${id}"`); // ids are ours: never a path a client chose
    return join(this.dir, id);
  }

  /** Every session on disk or in memory. */
  ids(): string[] {
    const onDisk = readdirSync(this.dir).filter((d) => ID.test(d) && existsSync(join(this.dir, d, 'session.json')));
    return [...new Set([...onDisk, ...this.live.keys()])];
  }

  has(id: string): boolean {
    return this.live.has(id) || existsSync(join(this.folder(id), 'session.json'));
  }

  get(id: string): EditSession {
    const hit = this.live.get(id);
    if (hit) {
      hit.used = Date.now();
      return hit.session;
    }
    const dir = this.folder(id);
    if (!existsSync(join(dir, 'session.json'))) throw new NotFound(`no session "${id}"`);
    const session = EditSession.load(dir, this.sd);
    this.live.set(id, { session, used: Date.now() });
    return session;
  }

  /** A new, empty session (it exists on disk once its generation is saved). */
  create(): { id: string; session: EditSession } {
    const id = randomUUID();
    const session = new EditSession(this.sd);
    this.live.set(id, { session, used: Date.now() });
    return { id, session };
  }

  save(id: string): void {
    const hit = this.live.get(id);
    if (hit) hit.session.save(ensureDir(this.folder(id)));
    this.enforceBudget(id);
  }

  /** Forgets a session and its folder; returns it when it was live (its caches still held). */
  delete(id: string): EditSession | undefined {
    const dir = this.folder(id);
    const live = this.live.get(id)?.session;
    if (!live && !existsSync(dir)) throw new NotFound(`no session "${id}"`);
    this.live.delete(id);
    rmSync(dir, { recursive: true, force: true });
    return live;
  }

  memoryBytes(): number {
    let total = 0;
    for (const { session } of this.live.values()) total += session.memoryBytes();
    return total;
  }

  /** Bytes of caches in host memory (sessions on a GPU whose caches moved to the host tier). */
  hostBytes(): number {
    let total = 0;
    for (const { session } of this.live.values()) total += session.hostBytes();
    return total;
  }

  /**
   * Keeps the budgets, least recently used sessions first: on a GPU, caches over the device budget
   * move to host memory and those over the host budget to disk; on the cpu backend, straight to disk.
   */
  enforceBudget(keep?: string): void {
    const idle = () => [...this.live].filter(([id, { session }]) => id !== keep && session.generationSettings).sort((a, b) => a[1].used - b[1].used);
    const gpu = this.sd.backend.name !== 'cpu';
    let device = this.memoryBytes();
    for (const [id, { session }] of idle()) {
      if (device <= this.budgetBytes) break;
      if (gpu) device -= session.toHost();
      else {
        session.save(ensureDir(this.folder(id)));
        device -= session.offload(this.folder(id));
      }
    }
    if (!gpu) return;
    let host = this.hostBytes();
    for (const [id, { session }] of idle()) {
      if (host <= this.hostBudgetBytes) break;
      session.save(ensureDir(this.folder(id)));
      host -= session.hostBytes();
      session.offload(this.folder(id));
    }
  }

}
