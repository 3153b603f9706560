// Where a version's cache lives besides the backend (its `cache`): host memory (the HostTier, from
// which edits stream it a step at a time) and disk (a cache file, read back when it is needed).
import { existsSync } from 'node:fs';
import type { Backend } from '../backend/backend.js';
import { FiseditError } from '../io/errors.js';
import { GenerationCache, HostTier } from './cache.js';
import { cacheFile, ensureDir, readCache, removeFile, writeCache } from './persist.js';
import type { Version } from './session.js';

export class CacheTiers {
  /** Cache files by version (offload, save, a reopened session). */
  private readonly onDisk = new Map<number, string>();
  /** Caches in host memory by version (toHost). */
  private readonly onHost = new Map<number, GenerationCache>();
  readonly host: HostTier;

  constructor(private readonly ops: Backend) {
    this.host = new HostTier(ops);
  }

  /** The version's cache in host memory, when it is there. */
  hosted(id: number): GenerationCache | undefined {
    return this.onHost.get(id);
  }

  /** Whether the version's cache is in some tier (the backend, host memory, disk): not released. */
  holds(v: Version): boolean {
    return v.cache !== undefined || this.onHost.has(v.id) || this.onDisk.has(v.id);
  }

  isOnDisk(id: number): boolean {
    return this.onDisk.has(id);
  }

  /** The version's cache on the backend: as it is, moved back from host memory, or read back from disk. */
  onBackend(v: Version): GenerationCache {
    if (v.cache) return v.cache;
    const hosted = this.onHost.get(v.id);
    if (hosted) {
      v.cache = this.host.restore(hosted);
      this.onHost.delete(v.id);
      return v.cache;
    }
    const file = this.onDisk.get(v.id);
    if (!file) throw new FiseditError(`version ${v.id} was released (its cache is gone); choose a version that was kept`);
    v.cache = readCache(file, this.ops);
    return v.cache;
  }

  /** Moves the version's backend cache to host memory. */
  toHost(v: Version): void {
    if (!v.cache) return;
    this.onHost.set(v.id, this.host.store(v.cache));
    v.cache = undefined;
  }

  /** Moves the version's cache (on the backend or in host memory) to a file in `dir`. */
  toDisk(v: Version, dir: string): void {
    const hosted = this.onHost.get(v.id);
    const [cache, ops] = v.cache ? [v.cache, this.ops] : hosted ? [hosted, this.host] : [undefined, this.ops];
    if (!cache) return;
    const file = cacheFile(ensureDir(dir), v.id);
    if (!this.onDisk.has(v.id)) writeCache(file, cache, ops, this.ops.latents);
    this.onDisk.set(v.id, file);
    v.cache = undefined;
    this.onHost.delete(v.id);
  }

  /** Writes the version's cache into `dir` for a saved session, wherever it lives; false when it has none. */
  save(v: Version, dir: string): boolean {
    const file = cacheFile(dir, v.id);
    // a version's cache never changes: one already written here is kept as it is
    if (this.onDisk.get(v.id) === file && existsSync(file)) return true;
    const hosted = this.onHost.get(v.id);
    if (hosted) writeCache(file, hosted, this.host, this.ops.latents);
    else if (v.cache || this.onDisk.has(v.id)) writeCache(file, this.onBackend(v), this.ops, this.ops.latents);
    else return false;
    this.onDisk.set(v.id, file);
    return true;
  }

  /** The version's cache is the file (a session reopened). */
  onDiskAt(id: number, file: string): void {
    this.onDisk.set(id, file);
  }

  /** Forgets the version's copies, deleting its file. */
  release(id: number): void {
    const file = this.onDisk.get(id);
    if (file) removeFile(file);
    this.onDisk.delete(id);
    this.onHost.delete(id);
  }

  /** Forgets every copy (a new generation replaces the session's versions); files stay. */
  clear(): void {
    this.onDisk.clear();
    this.onHost.clear();
  }

  /** Bytes of the caches in host memory, each shared buffer counted once. */
  hostBytes(): number {
    const seen = new Set<unknown>();
    let total = 0;
    for (const c of this.onHost.values()) total += c.bytes(this.host, seen).total;
    return total;
  }
}
