// MAC accounting of a U-Net step, dense and sparse for a mask, from a config alone: the model is
// built on the counting backend with shape-only weights and run through the same step contexts
// an edit uses, so the counts follow the real execution plan (APSC blocks, dense fallbacks,
// active tokens, all-token attention).
import type { PlanChoices } from '../backend/backend.js';
import { CountingBackend } from '../backend/counting.js';
import type { Conv2d, GroupNorm, Linear, StackedLinear } from '../models/layers.js';
import { Params, type WeightSource } from '../models/params.js';
import type { ProjectedResidual, StepContext } from '../models/step-context.js';
import { UNet2DConditionModel, type UNetConfig } from '../models/unet.js';
import type { Tensor } from '../tensor/tensor.js';
import { StepCache } from './cache.js';
import { RecordingContext, SparseContext, type AttentionMode } from './contexts.js';
import { SparsePlan, type BlockPolicy } from './plan.js';

const SHAPES: WeightSource = { has: () => true, read: () => new Float32Array(0) };

/**
 * Attributes the backend's MACs to the layer each context call runs (a resnet's projected shortcut
 * counts with its conv2, whose call runs it: StepContext.conv's ProjectedResidual).
 */
class MeteredContext implements StepContext {
  constructor(private readonly inner: StepContext, private readonly counter: CountingBackend) {}
  get ops() { return this.inner.ops; }
  conv(conv: Conv2d, x: Tensor, norm?: GroupNorm, silu?: boolean, residual?: Tensor | ProjectedResidual, offset?: Tensor): Tensor {
    this.counter.scope = conv.name;
    return this.inner.conv(conv, x, norm, silu, residual, offset);
  }
  tokens(norm: GroupNorm, x: Tensor): Tensor {
    this.counter.scope = norm.name.replace(/\.norm$/, ''); // the transformer's whole token path
    return this.inner.tokens(norm, x);
  }
  concat(a: Tensor, b: Tensor, readers: readonly Conv2d[]): Tensor { return this.inner.concat(a, b, readers); }
  upsample(x: Tensor, reader: Conv2d): Tensor { return this.inner.upsample(x, reader); }
  untokens(projOut: Linear, t: Tensor, x: Tensor): Tensor { return this.inner.untokens(projOut, t, x); }
  selfAttention(name: string, q: Tensor, k: Tensor, v: Tensor, heads: number): Tensor { return this.inner.selfAttention(name, q, k, v, heads); }
  crossAttention(name: string, q: Tensor, k: Tensor, v: Tensor, heads: number): Tensor { return this.inner.crossAttention(name, q, k, v, heads); }
  timeShifts(proj: StackedLinear, embedding: () => Tensor): ReadonlyMap<string, Tensor> {
    this.counter.scope = 'time_embedding'; // the projections, and the embedding's MLP where it runs
    return this.inner.timeShifts(proj, embedding);
  }
}

export interface MacReport {
  /** MACs per layer (convolutions by name, transformers as a whole), dense. */
  dense: Map<string, number>;
  /** The same for the sparse step of the mask, when one was given. */
  sparse?: Map<string, number>;
  totalDense: number;
  totalSparse?: number;
  editSize?: number;
  /** Convolutions that run densely under the plan (APSC fallback). */
  denseFallbacks?: number;
}

export class UNetMacCounter {
  private readonly counter = new CountingBackend();
  private readonly unet: UNet2DConditionModel;

  constructor(readonly config: UNetConfig) {
    this.unet = new UNet2DConditionModel(new Params(this.counter, SHAPES), config);
  }

  /**
   * MACs of one U-Net call at latent size h x w (batch 2 = classifier-free guidance), and of its
   * sparse step under `mask`; `planOf`: the backend whose choices the plan follows
   * (Backend.tileRowsChoice, tileBlocksByOutputs), as its edits' plans do.
   */
  count(h: number, w: number, o: { batch?: number; mask?: Uint8Array; blocks?: BlockPolicy; attention?: AttentionMode; planOf?: PlanChoices } = {}): MacReport {
    const batch = o.batch ?? 2;
    this.counter.planOf = o.planOf ?? {};
    const c = this.counter;
    const sample = c.fromHost(new Float32Array(0), [batch, h, w, this.config.inChannels]);
    const text = c.fromHost(new Float32Array(0), [batch, 77, this.config.crossAttentionDim]);
    const ts = Array(batch).fill(500);
    const base = new StepCache();
    const record = new RecordingContext(c, base, { condItem: batch - 1, recordProbs: false });
    c.reset();
    c.scope = 'time_embedding';
    this.unet.forward(sample, ts, text, { ctx: new MeteredContext(record, c) });
    const dense = new Map(c.macs);
    const report: MacReport = { dense, totalDense: c.total() };
    if (!o.mask) return report;
    const plan = new SparsePlan(o.mask, h, w, o.blocks ?? 'apsc');
    const sparse = new SparseContext(c, plan, base, new StepCache(), { condItem: batch - 1, recordProbs: false, norm: 'exact', attention: o.attention ?? 'accurate' });
    c.reset();
    c.scope = 'time_embedding';
    this.unet.forward(sample, ts, text, { ctx: new MeteredContext(sparse, c) });
    report.sparse = new Map(c.macs);
    report.totalSparse = c.total();
    report.editSize = plan.editSize;
    report.denseFallbacks = [...plan.convPlans().values()].filter((p) => p.kind === 'dense').length;
    return report;
  }
}
