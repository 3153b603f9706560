// What a session's generation, edits and edit rehearsals build their steps from: the settings they
// share, the prompt's text embedding, each step's cache record, an edit's dense U-Net call, the
// sparse modes and defaults, and the drivers that run a session's step generators.
import type { Backend } from '../backend/backend.js';
import type { Latent } from '../backend/latents.js';
import { FiseditError } from '../io/errors.js';
import type { StableDiffusion, UNetCall } from '../pipeline/text-to-image.js';
import type { Scheduler } from '../schedulers/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { GenerationCache, StepCache } from './cache.js';
import type { CachedSteps } from './cached-steps.js';
import { ALIGNMENT, RecordingContext, type AttentionMode, type NormMode } from './contexts.js';

/** What a generation fixed for every edit of its session. */
export interface Settings {
  steps: number;
  guidance: number;
  negativePrompt: string;
  width: number;
  height: number;
  size: [number, number];
  scheduler: string | undefined;
  noise: Float32Array;
  recordSteps: number;
}

/** The cache a recording step reads: none. */
export const NOTHING = new StepCache();

/** The text embedding of a prompt under a session's settings (with the negative prompt when guided), and what it dropped. */
export function encodePrompt(sd: StableDiffusion, s: Pick<Settings, 'guidance' | 'negativePrompt'>, prompt: string): { context: Tensor; truncated: string[] } {
  const prompts = s.guidance > 1 ? [s.negativePrompt, prompt] : [prompt];
  const { context, truncated } = sd.encodeText(prompts);
  return { context, truncated: truncated[truncated.length - 1]! };
}

/** A new step of `cache`, starting at latents x with the scheduler's history as it stands. */
export function startStep(cache: GenerationCache, x: Latent, scheduler: Scheduler): StepCache {
  const rec = new StepCache();
  rec.latents = x;
  rec.history = scheduler.history().slice();
  cache.steps.push(rec);
  return rec;
}

/**
 * An edit's dense U-Net call at a step: recording the new version's cache into rec, under
 * cross-attention control (the base step's probabilities and the token alignment as inputs of the
 * call) where an alignment is given and the base step kept probabilities.
 */
export function denseEditCall(ops: Backend, calls: CachedSteps, s: Pick<Settings, 'guidance'>, baseStep: StepCache, rec: StepCache, recordProbs: boolean, alignment: Tensor | undefined): UNetCall {
  const control = alignment && baseStep.probs.size ? baseStep.probabilitiesOnly() : undefined;
  control?.tensors.set(ALIGNMENT, alignment!);
  const record = { condItem: condItem(s), recordProbs };
  const variant = `record ${recordProbs}${control ? ' control' : ''}`;
  return (u, e, c) => calls.run(u, e, c, control ?? NOTHING, rec, variant, (b, r) => new RecordingContext(ops, r, { ...record, control: control && { base: b, map: b.tensors.get(ALIGNMENT)! } }));
}

export function defaultDenseSteps(steps: number): number {
  return Math.max(1, Math.round(steps / 5));
}

/** The sparse steps' GroupNorm statistics and self-attention modes asked for (defaults: exact, accurate), checked. */
export function sparseModes(o: { norm?: NormMode; attention?: AttentionMode }): { norm: NormMode; attention: AttentionMode } {
  const norm = o.norm ?? 'exact', attention = o.attention ?? 'accurate';
  if (norm !== 'exact' && norm !== 'cached') throw new FiseditError(`norm must be "exact" or "cached", got ${JSON.stringify(norm)}`);
  if (attention !== 'accurate' && attention !== 'fast') throw new FiseditError(`attention must be "accurate" or "fast", got ${JSON.stringify(attention)}`);
  return { norm, attention };
}

/** The batch item of the prompt (after the negative prompt's when guided). */
export function condItem(s: Pick<Settings, 'guidance'>): number {
  return s.guidance > 1 ? 1 : 0;
}

/**
 * Latents after an edit's dense steps that are not all finite would make every difference map NaN,
 * which the mask recipe turns into one level (an empty or full mask, silently): a clear error instead.
 */
export function checkFinite(latents: Float32Array, k: number): void {
  const bad = latents.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new FiseditError(`the edit's ${k} dense steps produced a non-finite latent (${latents[bad]} at index ${bad}): no edit region can be found; the session is unchanged`);
}

/** A prompt's token ids, start and end tokens included (what the alignment of two prompts compares). */
export function tokenIds(tok: StableDiffusion['tokenizer'], prompt: string): number[] {
  const e = tok.encode(prompt);
  return [...e.ids.subarray(0, e.kept + 2)];
}

/** Runs a session's step generator to its end. */
export function drain<T>(g: Generator<void, T>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/** drain(), giving the event loop a turn after every step (for servers). */
export async function drainAsync<T>(g: Generator<void, T>): Promise<T> {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
