// The sparse U-Net calls of one edit as replayable calls: the base step's cache goes in as inputs
// and the new version's cache of the step comes out as results. Within an edit the plan is fixed,
// so every sparse step does the same device work on different buffers, and a backend can record
// it once and replay it (the cuda backend: one CUDA graph instead of ~1000 launches per step).
import type { Backend } from '../backend/backend.js';
import type { UNet2DConditionModel } from '../models/unet.js';
import type { Tensor } from '../tensor/tensor.js';
import { StepCache } from './cache.js';
import { SparseContext, type SparseOptions } from './contexts.js';
import type { SparsePlan } from './plan.js';

/** Where a tensor of a StepCache belongs: which map, under which name. */
type Slot = `${'tensor' | 'prob' | 'scale' | 'shift'}:${string}`;

function flatten(c: StepCache): { slots: Slot[]; tensors: Tensor[] } {
  const slots: Slot[] = [], tensors: Tensor[] = [];
  const add = (slot: Slot, t: Tensor) => (slots.push(slot), tensors.push(t));
  for (const [k, t] of c.tensors) add(`tensor:${k}`, t);
  for (const [k, t] of c.probs) add(`prob:${k}`, t);
  for (const [k, a] of c.norms) (add(`scale:${k}`, a.scale), add(`shift:${k}`, a.shift));
  return { slots, tensors };
}

function fill(c: StepCache, slots: readonly Slot[], tensors: readonly Tensor[], keep: (t: Tensor) => Tensor): void {
  slots.forEach((slot, i) => {
    const cut = slot.indexOf(':');
    const kind = slot.slice(0, cut), name = slot.slice(cut + 1);
    const t = keep(tensors[i]!);
    if (kind === 'tensor') c.tensors.set(name, t);
    else if (kind === 'prob') c.probs.set(name, t);
    else {
      const a = c.norms.get(name) ?? { scale: t, shift: t };
      c.norms.set(name, kind === 'scale' ? { ...a, scale: t } : { ...a, shift: t });
    }
  });
}

let edits = 0;

export class SparseSteps {
  /** What each recorded variant's results are, learnt when it ran (replays do not run the model code). */
  private readonly layouts = new Map<string, Slot[]>();
  private readonly key: string;

  constructor(private readonly ops: Backend, private readonly unet: UNet2DConditionModel, private readonly plan: SparsePlan) {
    this.key = `${unet.instance} edit-${++edits}`;
  }

  /** The U-Net output of one sparse step from the base's cache of the step; the new cache goes into rec. */
  run(sample: Tensor, times: Tensor, context: Tensor, base: StepCache, rec: StepCache, o: SparseOptions): Tensor {
    const inputs = flatten(base);
    // steps that record cross-attention probabilities do other work than the later ones
    const variant = `${this.key} ${o.recordProbs ? 'probs' : 'plain'} ${o.norm} ${o.attention} ${inputs.slots.join(',')}`;
    const results = this.ops.replayable(variant, [sample, times, context, ...inputs.tensors], (s, e, k, ...staged) => {
      const b = new StepCache();
      fill(b, inputs.slots, staged, (t) => t);
      const r = new StepCache();
      const out = this.unet.forwardEmbedded(s, e, k, { ctx: new SparseContext(this.ops, this.plan, b, r, o) });
      const made = flatten(r);
      this.layouts.set(variant, made.slots);
      return [out, ...made.tensors];
    });
    fill(rec, this.layouts.get(variant)!, results.slice(1), (t) => this.ops.keep(t));
    return results[0]!;
  }

  /** Frees what the backend recorded for this edit. */
  end(): void {
    this.ops.forget(this.key);
  }
}
