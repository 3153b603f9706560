// An editing session (FISEdit): generate once while recording a cache, then edit the prompt again
// and again, each edit recomputing only the region it changes and building on the previous
// version. Versions are kept until released; any kept version can become the base of the next edit.
// An edit of a version on the backend writes its sparse steps into the base's buffers in place; the
// session's Lineage makes the buffers hold whichever version is read next.
import { join } from 'node:path';
import type { Backend } from '../backend/backend.js';
import type { Latent } from '../backend/latents.js';
import { FiseditError, GpuOutOfMemory } from '../io/errors.js';
import { SafetensorsFile, writeSafetensors, type TensorToWrite } from '../io/safetensors.js';
import type { GenerateOptions, StableDiffusion, UNetCall } from '../pipeline/text-to-image.js';
import { alignTokens } from './align.js';
import { GenerationCache, checkStepsApart, forgetWrites, undoWrites, type CacheBytes } from './cache.js';
import { Lineage } from './lineage.js';
import type { Tensor } from '../tensor/tensor.js';
import { pixelRegion } from './composite.js';
import { RecordingContext, type AttentionMode, type NormMode } from './contexts.js';
import { automaticMask, checkMask, maskFraction, type Threshold } from './mask.js';
import { SESSION_FORMAT, cacheFile, ensureDir, readJson, writeJson } from './persist.js';
import { CacheTiers } from './tiers.js';
import type { Scheduler } from '../schedulers/scheduler.js';
import { SparsePlan, type BlockPolicy } from './plan.js';
import { CachedSteps, SparseSteps } from './cached-steps.js';
import { rehearseEdits, type PrepareOptions, type Preparation, type WarmUpOptions } from './rehearsal.js';
import { NOTHING, checkFinite, condItem, defaultDenseSteps, denseEditCall, drain, drainAsync, encodePrompt, sparseModes, startStep, tokenIds, type Settings } from './step-calls.js';

export type { PrepareOptions, Preparation, WarmUpOptions } from './rehearsal.js';
export type { Settings } from './step-calls.js';

export interface SessionGenerateOptions extends Omit<GenerateOptions, 'onStep'> {
  /** Steps whose cross-attention probabilities are cached for later edits (default 20% of the steps). */
  recordSteps?: number;
  /** Called as each step is queued (on the cuda backend the GPU may still be computing it). */
  onStep?: (step: number, steps: number, phase: 'dense') => void;
}

export interface EditOptions {
  /** 'auto' (default): found from the first k steps. Or a latent-resolution binary mask (1 = edit). */
  mask?: 'auto' | ArrayLike<number>;
  /**
   * Dense steps (k) before the sparse ones: those of the automatic mask (default 20% of the steps, 10
   * of 50; at least 1), or with a given mask, the first steps recomputed everywhere under the new
   * prompt as an automatic edit's are (default 0: every step sparse). Outside the mask the result is
   * the base's either way.
   */
  denseSteps?: number;
  threshold?: Threshold;
  /** GroupNorm statistics in sparse steps: of the mixed map (exact, default) or the base's (cached). */
  norm?: NormMode;
  /** Self-attention keys/values in sparse steps: all tokens (accurate, default) or active ones only (fast). */
  attention?: AttentionMode;
  /** Convolution blocks: 'apsc' (default) or a fixed block size. */
  blocks?: BlockPolicy;
  /** Replace the probabilities of aligned tokens during the mask steps (default true). */
  crossAttentionControl?: boolean;
  /** Which version to edit (default: the current one). */
  from?: number;
  /** Called as each step is queued (on the cuda backend the GPU may still be computing it). */
  onStep?: (step: number, steps: number, phase: 'dense' | 'sparse') => void;
}

export interface Version {
  readonly id: number;
  readonly parent: number | undefined;
  readonly prompt: string;
  /** Latent-resolution mask of the edit that made this version (undefined for the generation). */
  readonly mask: Uint8Array | undefined;
  readonly editSize: number;
  /** Final latents, channels-last [h, w, C]. */
  readonly latents: Float32Array;
  /** The image in [0, 1], channels-last [H, W, 3], the base's pixels kept outside the edited region. */
  readonly image: Float32Array;
  /** Prompt tokens past the text encoder's 77 positions (dropped). */
  readonly truncated: string[];
  readonly timings: {
    denseMs: number;
    sparseMs: number;
    decodeMs: number;
    denseSteps: number;
    sparseSteps: number;
    /** Of denseMs: the automatic mask at step k (waiting for the dense steps to finish, the recipe, the plan). */
    maskMs: number;
    /** Of sparseMs: the host time of the first sparse step (on the cuda backend, recording its graph). */
    firstSparseStepMs: number;
  };
  /** The recorded activations; undefined once released. */
  cache: GenerationCache | undefined;
}

/** Hands what an edit's sparse steps displaced to the lineage, taking it out of the edit's cache once linked (a refused link leaves it there, to be undone). */
function linkDisplaced(lineage: Lineage, child: number, parent: number, cache: GenerationCache): void {
  lineage.link(child, parent, cache.steps.flatMap((s) => [...s.displaced.values()]));
  for (const s of cache.steps) s.displaced.clear();
}

/** Pixels of dilation around the upsampled mask within which edited pixels may differ. */
export const EDIT_MARGIN_PX = 16;

export class EditSession {
  private readonly list: Version[] = [];
  private settings: Settings | undefined;
  /**
   * The first step's latents of the generation whose settings these are, where the backend keeps
   * latents: every version starts from them (one noise, one scheduler), so an edit uploads none (from
   * pageable memory that held the host 0.7-1.2 ms before each edit's first step,
   * bench/results/2026-12-04-s64-call3.log).
   */
  private readonly firstLatents = new WeakMap<Settings, Latent>();
  private currentId: number | undefined;
  /** Where each version's cache lives besides the backend. */
  private readonly tiers: CacheTiers;
  /** Which version the buffers that edits share hold, and the edits between them. */
  private readonly lineage: Lineage;

  constructor(readonly sd: StableDiffusion) {
    this.tiers = new CacheTiers(sd.backend);
    this.lineage = new Lineage(sd.backend);
  }

  get ops(): Backend {
    return this.sd.backend;
  }

  get versions(): readonly Version[] {
    return this.list;
  }

  get current(): Version | undefined {
    return this.currentId === undefined ? undefined : this.version(this.currentId);
  }

  version(id: number): Version {
    const v = this.list.find((x) => x.id === id);
    if (!v) throw new FiseditError(`no version ${id} in this session (versions: ${this.list.map((x) => x.id).join(', ') || 'none yet'})`);
    return v;
  }

  /** Makes a kept version the base of the next edit. */
  checkout(id: number): Version {
    const v = this.version(id);
    if (!this.tiers.hosted(id)) this.tiers.onBackend(v); // a host-tier cache stays there: edits stream it
    this.currentId = id;
    return v;
  }

  /** Frees a version's cache (its image and latents stay); it can no longer be edited. */
  release(id: number): void {
    const v = this.version(id);
    if (id === this.currentId) throw new FiseditError(`version ${id} is the current version; check out another before releasing it`);
    const cache = v.cache;
    v.cache = undefined;
    this.tiers.release(id);
    this.leftBackend(cache);
  }

  /**
   * A throwaway session's 2-step generation at a size (default: the model's) and prepareEdits on it,
   * closed at once: what a process may do before its first generation and edits of that size, so
   * that they do not pay the backend's first calls (the server's warm-up). Steps or sizes do not
   * change what an edit's calls are, only how many of them there are.
   */
  static warmUp(sd: StableDiffusion, o: WarmUpOptions = {}): Preparation {
    return drain(EditSession.warmUpSteps(sd, o));
  }

  /** warmUp(), giving the event loop a turn after every call (for servers, with `stop`). */
  static warmUpAsync(sd: StableDiffusion, o: WarmUpOptions = {}): Promise<Preparation> {
    return drainAsync(EditSession.warmUpSteps(sd, o));
  }

  private static *warmUpSteps(sd: StableDiffusion, { width, height, ...prepare }: WarmUpOptions): Generator<void, Preparation> {
    const s = new EditSession(sd);
    try {
      yield* s.generateSteps({ prompt: 'warm-up', steps: 2, width, height });
      return yield* s.prepareSteps(prepare);
    } finally {
      s.close();
    }
  }

  /** Frees every version's cache at once, wherever it lies, and forgets the versions: the end of a throwaway session. */
  close(): void {
    this.lineage.clear();
    for (let v = this.list.pop(); v; v = this.list.pop()) {
      const cache = v.cache;
      v.cache = undefined;
      this.tiers.release(v.id);
      if (cache) this.freeDevice(cache); // keeps what the versions still listed share
    }
    this.currentId = undefined;
    this.settings = undefined;
  }

  /** Moves the caches of versions from the device to host memory (edits stream them from there); returns the device bytes freed. */
  toHost(ids: readonly number[] = this.list.map((v) => v.id)): number {
    return this.backendBytesFreed(() => ids.forEach((id) => this.moveOff(id, (v) => this.tiers.toHost(v))));
  }

  /** Brings the caches of versions back to the backend from host memory or disk; returns the backend bytes they add. */
  toDevice(ids: readonly number[] = this.list.filter((v) => this.tiers.holds(v)).map((v) => v.id)): number {
    return -this.backendBytesFreed(() => ids.forEach((id) => this.tiers.onBackend(this.version(id))));
  }

  /** Moves the caches of versions (on the device or in host memory) to disk; returns the bytes freed (backend and host memory). */
  offload(dir: string, ids: readonly number[] = this.list.map((v) => v.id)): number {
    const host = this.hostBytes();
    return this.backendBytesFreed(() => ids.forEach((id) => this.moveOff(id, (v) => this.tiers.toDisk(v, dir)))) + host - this.hostBytes();
  }

  /**
   * The backend bytes f gives back, each buffer once: versions share buffers (a layer an edit did not
   * change, the time-embedding projections), so adding up each version's bytes would count them twice.
   */
  private backendBytesFreed(f: () => void): number {
    const before = this.memoryBytes();
    f();
    return before - this.memoryBytes();
  }

  /** Moves a version's cache off the backend by `move`, giving the backend's memory back at once. */
  private moveOff(id: number, move: (v: Version) => void): void {
    const v = this.version(id);
    const cache = v.cache;
    if (cache) this.lineage.materialize(id); // what is moved is this version's values
    move(v);
    if (!v.cache) this.leftBackend(cache);
  }

  /**
   * After a version's cache left the backend: drops the edits between versions no one needs any more
   * (Lineage.prune), then gives back the memory of the cache and of what was dropped.
   */
  private leftBackend(cache: GenerationCache | undefined): void {
    const dropped = this.lineage.prune((id) => this.list.some((v) => v.id === id && v.cache !== undefined));
    // one pass (its held set is built from every version's tensors: a fifth of a release's host time)
    this.giveBack(cache, dropped);
  }

  /**
   * Gives back the backend memory of a cache no version holds any more (a released version's, or a
   * failed generation's or edit's partial one), now rather than when it is collected (a 768 px
   * 50-step cache is 31 GiB), except the buffers it shares with the caches of other versions (a layer
   * an edit did not change, or wrote into in place, is the parent's buffer) and those the lineage
   * still needs.
   */
  private freeDevice(cache: GenerationCache): void {
    this.giveBack(cache, []);
  }

  /** Gives back each tensor of `leaving` and of `more` whose buffer no other version's cache and no edit of the lineage holds. */
  private giveBack(leaving: GenerationCache | undefined, more: readonly Tensor[]): void {
    const held = new Set<unknown>();
    const hold = (t: Tensor) => held.add(t.storage);
    this.lineage.tensors().forEach(hold);
    for (const o of this.list) if (o.cache && o.cache !== leaving) for (const s of o.cache.steps) s.eachTensor(hold);
    const give = (t: Tensor) => {
      if (held.has(t.storage)) return;
      held.add(t.storage);
      this.ops.dispose(t);
    };
    leaving?.steps.forEach((s) => s.eachTensor(give));
    more.forEach(give);
  }

  /** Bytes of the caches held on the backend (the device, or memory for the cpu backend). */
  memoryBytes(): number {
    return this.cacheBytes().total;
  }

  /** Bytes of the caches moved to host memory. */
  hostBytes(): number {
    return this.tiers.hostBytes();
  }

  /** Writes everything needed to reopen the session (caches included) into `dir`. */
  save(dir: string): void {
    const s = this.settings;
    if (!s) throw new FiseditError('nothing to save: the session has no generation yet');
    ensureDir(dir);
    for (const v of this.list) {
      if (v.cache) this.lineage.materialize(v.id);
      this.tiers.save(v, dir);
    }
    const tensors: Record<string, TensorToWrite> = { noise: { dtype: 'F32', shape: [s.noise.length], data: s.noise } };
    for (const v of this.list) {
      tensors[`v${v.id}.latents`] = { dtype: 'F32', shape: [v.latents.length], data: v.latents };
      tensors[`v${v.id}.image`] = { dtype: 'F32', shape: [v.image.length], data: v.image };
      if (v.mask) tensors[`v${v.id}.mask`] = { dtype: 'U8', shape: [v.mask.length], data: v.mask };
    }
    writeSafetensors(join(dir, 'session.safetensors'), tensors, { format: 'fisedit-session' });
    const { noise: _noise, ...settings } = s;
    writeJson(join(dir, 'session.json'), {
      format: SESSION_FORMAT, settings, current: this.currentId,
      versions: this.list.map(({ latents: _l, image: _i, mask: _m, cache: _c, ...meta }) => ({ ...meta, cached: this.tiers.isOnDisk(meta.id) })),
    });
  }

  /** Reopens a saved session; caches stay on disk until a version is edited or checked out. */
  static load(dir: string, sd: StableDiffusion): EditSession {
    const meta = readJson<{ format: number; settings: Omit<Settings, 'noise'>; current: number; versions: (Omit<Version, 'latents' | 'image' | 'mask' | 'cache'> & { cached: boolean })[] }>(join(dir, 'session.json'));
    if (meta.format !== SESSION_FORMAT) throw new FiseditError(`${dir}: session format ${meta.format}, this build reads ${SESSION_FORMAT}`);
    const f = SafetensorsFile.open(join(dir, 'session.safetensors'));
    try {
      const session = new EditSession(sd);
      const [h, w] = meta.settings.size;
      if (h * w * sd.latentChannels !== f.info('noise').shape[0]) throw new FiseditError(`${dir}: the session was made with another model or size (${meta.settings.width}x${meta.settings.height})`);
      session.settings = { ...meta.settings, noise: f.readFloat32('noise') };
      for (const { cached, ...v } of meta.versions) {
        session.list.push({ ...v, latents: f.readFloat32(`v${v.id}.latents`), image: f.readFloat32(`v${v.id}.image`), mask: f.has(`v${v.id}.mask`) ? new Uint8Array(f.readBytes(`v${v.id}.mask`)) : undefined, cache: undefined });
        if (cached) session.tiers.onDiskAt(v.id, cacheFile(dir, v.id));
      }
      session.currentId = meta.current;
      return session;
    } finally {
      f.close();
    }
  }

  /** The generation settings every edit shares (undefined before the first generation). */
  get generationSettings(): Readonly<Omit<Settings, 'noise'>> | undefined {
    if (!this.settings) return undefined;
    const { noise: _noise, ...rest } = this.settings;
    return rest;
  }

  /**
   * Bytes the kept caches hold, each shared buffer counted once; `displaced`: of the activations, the
   * rows edits displaced where they wrote into their bases' buffers (what an edit of a version on the
   * backend adds besides its dense steps and statistics).
   */
  cacheBytes(): CacheBytes & { versions: number; displaced: number } {
    const seen = new Set<unknown>();
    const sum: CacheBytes = { activations: 0, norms: 0, probs: 0, latents: 0, total: 0, steps: 0, perStep: 0 };
    let versions = 0;
    for (const v of this.list) {
      if (!v.cache) continue;
      versions++;
      const b = v.cache.bytes(this.ops, seen);
      for (const k of ['activations', 'norms', 'probs', 'latents', 'total'] as const) sum[k] += b[k];
      sum.steps = b.steps;
    }
    let displaced = 0;
    for (const t of this.lineage.rows()) {
      if (seen.has(t.storage)) continue;
      seen.add(t.storage);
      displaced += t.size * this.ops.elementBytes;
    }
    sum.activations += displaced;
    sum.total += displaced;
    sum.perStep = versions && sum.steps ? Math.round(sum.total / (versions * sum.steps)) : 0;
    return { ...sum, versions, displaced };
  }

  /** Text-to-image that records the cache; starts a new history of versions. */
  generate(o: SessionGenerateOptions): Version {
    return drain(this.generateSteps(o));
  }

  /** generate(), giving the event loop a turn after every step (for servers). */
  generateAsync(o: SessionGenerateOptions): Promise<Version> {
    return drainAsync(this.generateSteps(o));
  }

  /**
   * Edits the current (or `from`) version with a new prompt; returns the new version, which becomes
   * current. When the GPU runs out of memory, the session makes room and runs the edit again from
   * its first step: first by giving back the kept recordings of dense steps and of earlier edits'
   * sparse steps (recorded again when next needed), then, if memory runs out again, by moving every
   * cache on the GPU to host memory (edits stream their base from there: slower, and the move itself
   * page-locks memory). When no remedy is left, the error stands and the session is as it was.
   */
  edit(prompt: string, o: EditOptions = {}): Version {
    return drain(this.editMakingRoom(prompt, o));
  }

  /** edit(), giving the event loop a turn after every step (for servers). */
  editAsync(prompt: string, o: EditOptions = {}): Promise<Version> {
    return drainAsync(this.editMakingRoom(prompt, o));
  }

  /**
   * Rehearses, while the user composes the next edit, the U-Net calls the first edits of the current
   * version would otherwise be the first to make (edit/rehearsal.ts): worth it where those cost
   * (Backend.firstCallsCost). What they write is given back; the versions are as they were.
   */
  prepareEdits(o: PrepareOptions = {}): Preparation {
    return drain(this.prepareSteps(o));
  }

  /** prepareEdits(), giving the event loop a turn after every rehearsed call (for servers, with `stop`). */
  prepareEditsAsync(o: PrepareOptions = {}): Promise<Preparation> {
    return drainAsync(this.prepareSteps(o));
  }

  private *prepareSteps(o: PrepareOptions): Generator<void, Preparation> {
    const scratch = new GenerationCache(); // what the rehearsed calls write
    try {
      if (this.current?.cache) this.lineage.materialize(this.current.id);
      return yield* rehearseEdits(this.sd, this.settings, this.current, scratch, o);
    } finally {
      this.freeDevice(scratch);
    }
  }

  /** The edit's steps, run again from the first after each remedy that made room on the GPU (cheapest first, each once). */
  private *editMakingRoom(prompt: string, o: EditOptions): Generator<void, Version> {
    const remedies = [() => CachedSteps.endKept(this.sd.unet), () => this.toHost() > 0];
    for (;;) {
      try {
        return yield* this.editSteps(prompt, o);
      } catch (e) {
        if (!(e instanceof GpuOutOfMemory)) throw e;
        let freed = false;
        while (!freed && remedies.length) freed = remedies.shift()!();
        if (!freed) throw e;
      }
    }
  }

  private *generateSteps(o: SessionGenerateOptions): Generator<void, Version> {
    const sd = this.sd;
    const steps = o.steps ?? 50;
    const guidance = o.guidanceScale ?? 7.5;
    const width = o.width ?? sd.defaultSize, height = o.height ?? sd.defaultSize;
    const size = sd.latentSize(width, height);
    const noise = o.latents ?? sd.initialNoise(o.seed ?? 0, size);
    if (noise.length !== size[0] * size[1] * sd.latentChannels) throw new FiseditError(`initial latents have ${noise.length} values; ${height}x${width} needs ${size[0]}x${size[1]}x${sd.latentChannels}`);
    const recordSteps = o.recordSteps ?? defaultDenseSteps(steps);
    if (!Number.isInteger(recordSteps) || recordSteps < 0 || recordSteps > steps) throw new FiseditError(`recordSteps must be an integer from 0 to ${steps}, got ${recordSteps}`);
    const settings: Settings = { steps, guidance, negativePrompt: o.negativePrompt ?? '', width, height, size, scheduler: o.scheduler, noise, recordSteps };
    const scheduler = sd.scheduler(steps, o.scheduler);
    const { context, truncated } = encodePrompt(this.sd, settings, o.prompt);
    const t0 = performance.now();
    const cache = new GenerationCache();
    let x = this.initialLatents(settings, scheduler);
    const recorder = CachedSteps.dense(this.ops, sd.unet, 'generation');
    let kept = false;
    try {
      for (let i = 0; i < steps; i++) {
        const rec = startStep(cache, x, scheduler);
        const record = { condItem: condItem(settings), recordProbs: i < recordSteps };
        const call: UNetCall = (u, e, c) => recorder.run(u, e, c, NOTHING, rec, `record ${record.recordProbs}`, (_b, r) => new RecordingContext(this.ops, r, record));
        x = scheduler.step(sd.guidedOutput(scheduler, i, x, context, guidance, size, call), i, x);
        o.onStep?.(i + 1, steps, 'dense');
        yield;
      }
      cache.final = x;
      const image = sd.imageBuffer(size); // while the GPU still runs the steps
      const latents = this.ops.latents.toHost(x); // waits for the steps
      const denseMs = performance.now() - t0;
      const t1 = performance.now();
      sd.decode(x, size, image);
      const version: Version = {
        id: 0, parent: undefined, prompt: o.prompt, mask: undefined, editSize: 1, latents, image, truncated,
        timings: { denseMs, sparseMs: 0, decodeMs: performance.now() - t1, denseSteps: steps, sparseSteps: 0, maskMs: 0, firstSparseStepMs: 0 }, cache,
      };
      // only now replace the session's state: a failed generation loses nothing
      this.list.length = 0;
      this.tiers.clear();
      this.lineage.clear();
      this.list.push(version);
      this.settings = settings;
      this.currentId = 0;
      kept = true;
      return version;
    } finally {
      if (!kept) this.freeDevice(cache); // a failed generation gives the device memory of its partial cache back at once
    }
  }

  /** The generation's first latents (firstLatents), made once per settings. */
  private initialLatents(s: Settings, scheduler: Scheduler): Latent {
    let x = this.firstLatents.get(s);
    if (!x) this.firstLatents.set(s, (x = this.sd.initialLatents(s.noise, scheduler)));
    return x;
  }

  private *editSteps(prompt: string, o: EditOptions): Generator<void, Version> {
    const s = this.settings;
    if (!s) throw new FiseditError('nothing to edit yet: generate an image first');
    const base = this.version(o.from ?? this.currentId!);
    const [h, w] = s.size;
    const userMask = o.mask === undefined || o.mask === 'auto' ? undefined : checkMask(o.mask, h, w);
    // with a user's mask every step is sparse unless dense ones are asked for first; an automatic mask needs k dense steps first
    const k = o.denseSteps ?? (userMask ? 0 : defaultDenseSteps(s.steps)), fewest = userMask ? 0 : 1;
    if (!(Number.isInteger(k) && k >= fewest && k <= s.steps)) throw new FiseditError(`denseSteps (k) must be an integer from ${fewest} to ${s.steps}${userMask ? ' with a mask' : ''}, got ${o.denseSteps}`);
    const { norm, attention } = sparseModes(o), blocks = o.blocks ?? 'apsc';
    const sd = this.sd;
    // kept past the edit: a later edit of the same plan replays what this one records
    const sparseStepsFor = (m: Uint8Array) => SparseSteps.kept(this.ops, sd.unet, new SparsePlan(m, h, w, blocks));
    // a user's mask makes the plan now, which also validates the block policy before any work
    let sparseSteps = userMask ? sparseStepsFor(userMask) : undefined;

    const scheduler = sd.scheduler(s.steps, s.scheduler);
    const { context, truncated } = encodePrompt(this.sd, s, prompt);
    const tok = sd.tokenizer;
    const map = o.crossAttentionControl === false ? undefined : alignTokens(tokenIds(tok, base.prompt), tokenIds(tok, prompt), tok.length);
    // a base in host memory comes to the device a step at a time, each step what it needs
    const hosted = this.tiers.hosted(base.id);
    const baseCache = hosted ?? this.tiers.onBackend(base);
    if (!hosted) {
      // the sparse steps write into the base's buffers
      checkStepsApart(baseCache);
      this.lineage.materialize(base.id);
    }
    const streamed = hosted && this.tiers.host.stream(hosted, (i) => (i >= k ? 'all' : map ? 'probs' : 'none'));
    const cache = new GenerationCache();
    const lat = this.ops.latents;
    const diffs: Latent[] = [];
    let mask = userMask;
    let x = this.initialLatents(s, scheduler);
    // wall-clock phases (the GPU may still be computing a step when the host queues the next)
    const started = performance.now();
    let sparseFrom: number | undefined;
    let maskMs = 0, firstSparseStepMs = 0;
    const denseCalls = CachedSteps.dense(this.ops, sd.unet, 'edit-dense');
    // the alignment goes into each controlled step as an input, as the base's probabilities do: the
    // recording of those steps is kept from one edit to the next, and each edit has its own alignment
    const alignment = map && this.ops.keep(this.ops.fromHost(Float32Array.from(map), [map.length]));
    let kept = false;
    try {
      for (let i = 0; i < s.steps; i++) {
        const baseStep = streamed ? streamed.at(i) : baseCache.steps[i]!;
        const steps = i >= k ? sparseSteps : undefined;
        const sparse = steps !== undefined;
        if (sparse) {
          sparseFrom ??= performance.now();
          // outside the mask, the latents and the scheduler's history are the base's, exactly
          x = lat.where(mask!, x, baseStep.latents);
          scheduler.restoreHistory(scheduler.history().map((a, j) => lat.where(mask!, a, baseStep.history[j]!)));
        }
        const rec = startStep(cache, x, scheduler);
        const recordProbs = i < s.recordSteps;
        let call: UNetCall;
        if (sparse) {
          const opts = { condItem: condItem(s), recordProbs, norm, attention };
          call = (u, e, c) => steps.run(u, e, c, baseStep, rec, opts);
        } else {
          call = denseEditCall(this.ops, denseCalls, s, baseStep, rec, recordProbs, alignment);
        }
        const called = performance.now();
        // the user waits: a GEMM or convolution family met for the first time borrows its algorithm from another octave of the same shapes rather than time candidates
        x = scheduler.step(this.ops.urgently(() => sd.guidedOutput(scheduler, i, x, context, s.guidance, s.size, call)), i, x);
        if (sparse && i === k) firstSparseStepMs = performance.now() - called;
        // a base streamed from host memory has its own copy there: the device copy is the new version's alone
        if (streamed) forgetWrites(this.ops, rec);
        streamed?.done(rec);
        if (!sparse && !userMask) {
          diffs.push(lat.channelAbsDiff(x, baseCache.steps[i + 1]?.latents ?? baseCache.final, sd.latentChannels));
          if (i === k - 1) {
            const m0 = performance.now();
            checkFinite(lat.toHost(x), k); // waits for the dense steps, as the mask would
            mask = automaticMask(lat, diffs, h, w, o.threshold ?? 'otsu');
            sparseSteps = sparseStepsFor(mask);
            maskMs = performance.now() - m0;
          }
        }
        o.onStep?.(i + 1, s.steps, sparse ? 'sparse' : 'dense');
        yield;
      }
      cache.final = x;
      // host work that needs only the mask, done while the GPU still computes the queued steps
      const region = pixelRegion(mask!, h, w, sd.vae.downFactor, EDIT_MARGIN_PX);
      const image = sd.imageBuffer(s.size);
      const latents = lat.toHost(x); // waits for the steps still queued
      const t1 = performance.now();
      const denseMs = (sparseFrom ?? t1) - started, sparseMs = sparseFrom === undefined ? 0 : t1 - sparseFrom;
      // the base's pixels outside the region
      sd.decode(x, s.size, image, { region, values: base.image });
      const version: Version = {
        id: Math.max(...this.list.map((v) => v.id)) + 1, parent: base.id, prompt, mask, editSize: maskFraction(mask!), latents,
        image, truncated,
        timings: { denseMs, sparseMs, decodeMs: performance.now() - t1, denseSteps: k, sparseSteps: s.steps - k, maskMs, firstSparseStepMs }, cache,
      };
      // before the version is listed (a refused link leaves the session as it was); a base streamed
      // from host memory shares nothing with the new version (its rows were forgotten)
      if (!hosted) linkDisplaced(this.lineage, version.id, base.id, cache);
      this.list.push(version);
      this.currentId = version.id;
      kept = true;
      return version;
    } finally {
      // the sparse steps' recordings stay with their plan (SparseSteps.kept), a failed edit's too
      if (alignment) this.ops.dispose(alignment);
      if (!kept) {
        // a failed (or abandoned) edit undoes what it wrote into the base, and gives the device memory of its partial cache back at once
        for (const step of cache.steps) undoWrites(this.ops, step);
        this.freeDevice(cache);
      }
    }
  }
}
