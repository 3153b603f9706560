// U-Net calls that read and write FISEdit caches as replayable calls: a generation's recording
// steps, an edit's dense steps (reading the base's cross-attention probabilities) and its sparse
// steps (reading the base step's whole cache, and writing into it in place). The cache read goes in
// as inputs and the new version's cache of the step comes out as results, with what a sparse step
// displaced where it wrote.
import type { Backend, Placement } from '../backend/backend.js';
import type { UNet2DConditionModel } from '../models/unet.js';
import type { TextKeysValues } from '../models/attention.js';
import type { StepContext } from '../models/step-context.js';
import type { Tensor } from '../tensor/tensor.js';
import { StepCache, undoWrites, type NormRecord } from './cache.js';
import { SparseContext, type SparseOptions } from './contexts.js';
import type { SparsePlan } from './plan.js';

/** Where a tensor of a StepCache belongs: which map (a displaced layer, in the shape its write took, and its rows). */
type Kind = 'tensor' | 'prob' | 'scale' | 'shift' | 'sums' | 'layer' | 'displaced';

/**
 * What a recorded call's results are: each one's kind and name (what fill() reads: a step's results
 * are filled by them at every replay, hundreds a step, with nothing parsed), and where each displaced
 * layer was written.
 */
interface Layout {
  kinds: Kind[];
  names: string[];
  writes: Map<string, Placement>;
}

function flatten(c: StepCache): Layout & { tensors: Tensor[] } {
  const kinds: Kind[] = [], names: string[] = [], tensors: Tensor[] = [], writes = new Map<string, Placement>();
  const add = (kind: Kind, name: string, t: Tensor) => (kinds.push(kind), names.push(name), tensors.push(t));
  for (const [k, t] of c.tensors) add('tensor', k, t);
  for (const [k, t] of c.probs) add('prob', k, t);
  for (const [k, a] of c.norms) {
    add('scale', k, a.scale);
    add('shift', k, a.shift);
    if (a.sums) add('sums', k, a.sums);
  }
  for (const [k, d] of c.displaced) {
    add('layer', k, d.layer);
    add('displaced', k, d.rows);
    writes.set(k, d.write);
  }
  return { kinds, names, tensors, writes };
}

/** A layout as text (what names a recording, with its variant): each result's kind and name. */
function layoutKey({ kinds, names }: Layout): string {
  let key = '';
  for (let i = 0; i < kinds.length; i++) key += `${i ? ',' : ''}${kinds[i]}:${names[i]}`;
  return key;
}

function fill(c: StepCache, { kinds, names, writes }: Layout, tensors: readonly Tensor[], keep: (t: Tensor) => Tensor): void {
  // flatten() puts a norm's scale first and a displaced layer before its rows
  const layers = new Map<string, Tensor>();
  let norm: NormRecord | undefined;
  for (let i = 0; i < kinds.length; i++) {
    const kind = kinds[i]!, name = names[i]!, t = keep(tensors[i]!);
    if (kind === 'tensor') c.tensors.set(name, t);
    else if (kind === 'prob') c.probs.set(name, t);
    else if (kind === 'layer') layers.set(name, t);
    else if (kind === 'displaced') c.displaced.set(name, { layer: layers.get(name)!, rows: t, write: writes.get(name)! });
    else if (kind === 'scale') c.norms.set(name, (norm = { scale: t, shift: t }));
    else norm![kind] = t;
  }
}

let runs = 0;
/** The dense recording calls of each U-Net, by label (CachedSteps.dense). */
const denseCalls = new WeakMap<UNet2DConditionModel, Map<string, CachedSteps>>();

/**
 * The U-Net calls of one generation or edit, as replayable calls in a step context that reads a
 * cache (`base`, flattened into inputs) and writes one (`rec`, whose tensors come back as results).
 * What a call does must be fixed by `variant` and the cache layout; then a backend can record it
 * once and replay it (the cuda backend: one CUDA graph per variant instead of ~1000 launches a step).
 */
export class CachedSteps {
  /** What each recorded variant's results are, learnt when it ran (replays do not run the model code). */
  private readonly layouts = new Map<string, Layout>();
  private readonly key: string;

  /** `label` names these calls; unless `kept`, each CachedSteps records its own (one edit's sparse steps). */
  constructor(private readonly ops: Backend, private readonly unet: UNet2DConditionModel, label: string, kept = false) {
    this.key = kept ? `${unet.instance} ${label}` : `${unet.instance} ${label}-${++runs}`;
  }

  /**
   * The dense recording steps of a U-Net under `label` (a generation's, an edit's dense steps): the
   * same device work for every generation or edit of a size, so one object per U-Net whose recordings
   * are kept from one generation or edit to the next (each edit recorded its own before: a capture of
   * ~1000 ops per edit). end() gives them back (when GPU memory runs out).
   */
  static dense(ops: Backend, unet: UNet2DConditionModel, label: string): CachedSteps {
    let byLabel = denseCalls.get(unet);
    if (!byLabel) denseCalls.set(unet, (byLabel = new Map()));
    let c = byLabel.get(label);
    if (!c) byLabel.set(label, (c = new CachedSteps(ops, unet, label, true)));
    return c;
  }

  /**
   * Gives back every recording the U-Net keeps past one generation or edit: its dense steps' and its
   * recent plans' sparse steps' (SparseSteps.kept), each recorded again when next needed; whether
   * any held recordings.
   */
  static endKept(unet: UNet2DConditionModel): boolean {
    let held = SparseSteps.endKept(unet);
    for (const c of denseCalls.get(unet)?.values() ?? []) held = c.end() || held;
    return held;
  }

  /** The U-Net output of one step in the context `make` builds; the new cache goes into rec. */
  run(sample: Tensor, times: Tensor, text: TextKeysValues, base: StepCache, rec: StepCache, variant: string, make: (base: StepCache, rec: StepCache) => StepContext): Tensor {
    const inputs = flatten(base);
    if (inputs.writes.size) throw new Error('a step read as a base still holds what an edit displaced (edit/lineage.ts takes it)');
    const textTensors = text.tensors();
    const id = `${this.key} ${variant} ${layoutKey(inputs)}`;
    let eager: StepCache | undefined;
    try {
      const results = this.ops.replayable(id, [sample, times, ...textTensors, ...inputs.tensors], (s, e, ...rest) => {
        const b = new StepCache();
        fill(b, inputs, rest.slice(textTensors.length), (t) => t);
        const r = new StepCache();
        if (s === sample) eager = r; // run on the caller's tensors, not recorded: its writes are the base's
        const out = this.unet.forwardEmbedded(s, e, text.withTensors(rest.slice(0, textTensors.length)), { ctx: make(b, r) });
        const made = flatten(r);
        this.layouts.set(id, made);
        return [out, ...made.tensors];
      });
      fill(rec, this.layouts.get(id)!, results.slice(1), (t) => this.ops.keep(t));
      return results[0]!;
    } catch (e) {
      // a call that failed midway on the caller's tensors undoes what it wrote into the base
      if (eager) undoWrites(this.ops, eager);
      throw e;
    }
  }

  /** Gives back what the backend recorded for these calls; whether there was anything. */
  end(): boolean {
    const held = this.layouts.size > 0;
    this.layouts.clear();
    this.ops.forget(this.key);
    return held;
  }
}

/**
 * How many plans' sparse steps a U-Net keeps recorded past their edit (the least recently used given
 * back first). A recording is 30-50 ms of host time at 768 px while the GPU waits (README, "Whole
 * edits"); a later edit of the same plan replays it instead: a user trying prompts on one mask, or
 * the same edit made again.
 */
export const KEPT_SPARSE_PLANS = 4;
/** Each U-Net's kept sparse steps by plan (planKey), least recently used first. */
const keptSparse = new WeakMap<UNet2DConditionModel, Map<string, SparseSteps>>();
let keptRuns = 0;

/** What decides a plan (and so what its sparse steps do): the latent size, the block policy and the mask (its bytes as characters). */
function planKey(p: SparsePlan): string {
  return `${p.height}x${p.width} ${p.policy} ${Buffer.from(p.mask.buffer, p.mask.byteOffset, p.mask.byteLength).toString('latin1')}`;
}

/** An edit's sparse steps: the plan is fixed within the edit, so each variant is one recording. */
export class SparseSteps {
  private readonly calls: CachedSteps;

  /** Steps of their own, recorded for one use (end() gives the recording back); an edit's are kept(). */
  constructor(private readonly ops: Backend, unet: UNet2DConditionModel, readonly plan: SparsePlan, label = 'edit', kept = false) {
    this.calls = new CachedSteps(ops, unet, label, kept);
  }

  /**
   * The sparse steps of a plan, kept for later edits with a plan the same (KEPT_SPARSE_PLANS): whatever
   * they recorded is replayed, not recorded again. A recording's inputs (the base's cache, the text)
   * are the caller's at each call, so any base and prompt of the size can replay it.
   */
  static kept(ops: Backend, unet: UNet2DConditionModel, plan: SparsePlan): SparseSteps {
    let byPlan = keptSparse.get(unet);
    if (!byPlan) keptSparse.set(unet, (byPlan = new Map()));
    const key = planKey(plan);
    let steps = byPlan.get(key);
    if (steps) byPlan.delete(key); // put back as the most recently used
    else steps = new SparseSteps(ops, unet, plan, `sparse-${++keptRuns}`, true);
    byPlan.set(key, steps);
    for (const [k, old] of byPlan) {
      if (byPlan.size <= KEPT_SPARSE_PLANS) break;
      byPlan.delete(k);
      old.end();
    }
    return steps;
  }

  /** Gives back every plan's sparse steps the U-Net keeps (CachedSteps.endKept gives back the dense ones too); whether any held recordings. */
  static endKept(unet: UNet2DConditionModel): boolean {
    const byPlan = keptSparse.get(unet);
    let held = false;
    for (const steps of byPlan?.values() ?? []) held = steps.end() || held;
    byPlan?.clear();
    return held;
  }

  run(sample: Tensor, times: Tensor, text: TextKeysValues, base: StepCache, rec: StepCache, o: SparseOptions): Tensor {
    // steps that record cross-attention probabilities do other work than the later ones
    const variant = `sparse ${o.recordProbs ? 'probs' : 'plain'} ${o.norm} ${o.attention}`;
    return this.calls.run(sample, times, text, base, rec, variant, (b, r) => new SparseContext(this.ops, this.plan, b, r, o));
  }

  /** Gives back what was recorded; whether there was anything. */
  end(): boolean {
    return this.calls.end();
  }
}
