// Rehearsing edits (EditSession.prepareEdits): the U-Net calls the first edits of a version would
// otherwise be the first to make, run ahead while the user composes one: its dense steps under
// cross-attention control and a sparse step for each of a few stand-in masks of growing size. On the
// cuda backend these record CUDA graphs, and on the way meet the GEMM and convolution algorithms an
// edit of about that size needs; an algorithm's first use in the process costs 0.1-2 ms of host time
// while the GPU waits, tens of ms in an edit's first sparse step (README, sessions 14 and 15).
// Masks the user has given (painted, not yet sent with a prompt) are rehearsed as such: their sparse
// steps' recordings are kept by plan (SparseSteps.kept), so the edits with them replay, not record.
import type { Latent } from '../backend/latents.js';
import type { StableDiffusion, UNetCall } from '../pipeline/text-to-image.js';
import { alignTokens } from './align.js';
import { undoWrites, type GenerationCache } from './cache.js';
import { CachedSteps, SparseSteps } from './cached-steps.js';
import type { AttentionMode, NormMode } from './contexts.js';
import { checkMask, checkMaskSize, discMask } from './mask.js';
import { SparsePlan, type BlockPolicy } from './plan.js';
import type { Version } from './session.js';
import { condItem, defaultDenseSteps, denseEditCall, encodePrompt, sparseModes, startStep, tokenIds, type Settings } from './step-calls.js';

export interface PrepareOptions {
  /** Mask sizes (fractions of the image) whose sparse steps are rehearsed; default REHEARSAL_SIZES, or none when `masks` are given. */
  sizes?: readonly number[];
  /**
   * Latent-size binary masks the coming edits will give (as edit()'s `mask`): each one's sparse steps
   * (those recording cross-attention probabilities and those after, whatever the edit's dense steps)
   * are recorded and kept for those edits. Without `sizes`, nothing else is rehearsed.
   */
  masks?: readonly ArrayLike<number>[];
  /** As the coming edits will ask (defaults as edit()'s). */
  norm?: NormMode;
  attention?: AttentionMode;
  blocks?: BlockPolicy;
  /** Asked before each rehearsed step: true ends the preparation there (work is waiting). */
  stop?: () => boolean;
}

export interface WarmUpOptions extends PrepareOptions {
  width?: number;
  height?: number;
}

/** What prepareEdits did. */
export interface Preparation {
  /** U-Net calls rehearsed (each with guidance: one step's call). */
  steps: number;
  ms: number;
  /** Whether stop() ended it early. */
  stopped: boolean;
  /** Why nothing was rehearsed (nothing generated, the cache off the backend). */
  skipped?: string;
}

/**
 * The mask sizes prepareEdits rehearses: an octave apart, so that each convolution and linear
 * layer of a sparse step meets rows in most of the power-of-two ranges by which the cuda backend
 * chooses and remembers a GEMM algorithm (backend/cuda/cublaslt.ts).
 */
export const REHEARSAL_SIZES: readonly number[] = Array.from({ length: 11 }, (_, i) => 0.0005 * 2 ** i); // 0.05% ... 51%

/**
 * The rehearsal of edits of `base` (a session's current version, its shared buffers holding it) under
 * its settings `s`: every cache the calls write goes into `scratch`, which the session gives back, and
 * what the sparse calls write into the base's buffers is undone. Nothing else is kept but what the
 * backend learnt (the dense edit steps' recording, which edits keep anyway).
 */
export function* rehearseEdits(sd: StableDiffusion, s: Settings | undefined, base: Version | undefined, scratch: GenerationCache, o: PrepareOptions): Generator<void, Preparation> {
  const started = performance.now();
  // given masks alone: only theirs; with sizes too, or neither, the automatic edit's calls as well
  const automatic = !o.masks || o.sizes !== undefined;
  const sizes = o.sizes ?? (automatic ? REHEARSAL_SIZES : []);
  for (const f of sizes) checkMaskSize(f, 'a rehearsal mask size');
  const modes = sparseModes(o);
  const done = (steps: number, stopped: boolean, skipped?: string): Preparation => ({ steps, ms: performance.now() - started, stopped, ...(skipped ? { skipped } : {}) });
  if (!s || !base) return done(0, false, 'nothing generated yet');
  const [h, w] = s.size;
  const masks = (o.masks ?? []).map((m) => checkMask(m, h, w));
  const cache = base.cache;
  if (!cache) return done(0, false, `version ${base.id}'s cache is not on the backend`);
  const ops = sd.backend, k = defaultDenseSteps(s.steps);
  const { context } = encodePrompt(sd, s, base.prompt);
  const ids = tokenIds(sd.tokenizer, base.prompt);
  const alignment = ops.keep(ops.fromHost(Float32Array.from(alignTokens(ids, ids, sd.tokenizer.length)), [sd.tokenizer.length]));
  const scheduler = sd.scheduler(s.steps, s.scheduler);
  let steps = 0;
  let last: Latent | undefined;
  const rehearse = (i: number, call: UNetCall) => {
    last = sd.guidedOutput(scheduler, i, cache.steps[i]!.latents, context, s.guidance, s.size, call);
    steps++;
  };
  /** The first step of each kind before step `limit`: recording cross-attention probabilities (from 0), and not (from recordSteps). */
  const firstOfEachKind = (limit: number) => (s.recordSteps > 0 && s.recordSteps < limit ? [0, s.recordSteps] : [0]);
  /** A sparse step at step i of `sparse`, its writes into the base's buffers undone. */
  const rehearseSparse = (sparse: SparseSteps, i: number) => {
    const rec = startStep(scratch, cache.steps[i]!.latents, scheduler);
    const opts = { condItem: condItem(s), recordProbs: i < s.recordSteps, ...modes };
    try {
      rehearse(i, (u, e, c) => sparse.run(u, e, c, cache.steps[i]!, rec, opts));
    } finally {
      undoWrites(ops, rec); // the step wrote into the base's buffers
    }
  };
  try {
    // a given mask's sparse steps of each kind (recording probabilities, and not), kept for its edits
    for (const mask of masks) {
      const sparse = SparseSteps.kept(ops, sd.unet, new SparsePlan(mask, h, w, o.blocks ?? 'apsc'));
      for (const i of firstOfEachKind(s.steps)) {
        if (o.stop?.()) return done(steps, true);
        rehearseSparse(sparse, i);
        yield;
      }
    }
    // the first of an edit's dense steps of each kind: recording probabilities (under control), and not
    const denseCalls = CachedSteps.dense(ops, sd.unet, 'edit-dense');
    for (const i of automatic ? firstOfEachKind(k) : []) {
      if (o.stop?.()) return done(steps, true);
      const baseStep = cache.steps[i]!;
      rehearse(i, denseEditCall(ops, denseCalls, s, baseStep, startStep(scratch, baseStep.latents, scheduler), i < s.recordSteps, alignment));
      yield;
    }
    // stand-in masks of growing size at the automatic mask's first sparse step: what they record is not kept
    for (const mask of k < s.steps ? sizes.map((f) => discMask(h, w, f)) : []) {
      if (o.stop?.()) return done(steps, true);
      const sparse = new SparseSteps(ops, sd.unet, new SparsePlan(mask, h, w, o.blocks ?? 'apsc'));
      try {
        rehearseSparse(sparse, k);
      } finally {
        sparse.end();
      }
      yield;
    }
    if (last) ops.latents.toHost(last); // the GPU is done with the rehearsal when this returns
    return done(steps, false);
  } finally {
    ops.dispose(alignment);
  }
}
