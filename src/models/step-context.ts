// The step context: how a U-Net step runs. Layers call these few operations for everything whose
// cost depends on where the image changes (convolutions and the residual sums after them, the token
// path of a transformer, attention), and for the resnets' time-embedding projections (which depend
// on the timestep alone); and for the maps only convolutions read (an up block's concatenated skip
// connection, an upsampled map), which a sparse step makes only where those convolutions read them.
// The dense context here is plain inference; the FISEdit engine (edit/) supplies contexts that
// also record a cache, or compute only the active region of an edit.
import type { Backend } from '../backend/backend.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Conv2d, GroupNorm, Linear, StackedLinear } from './layers.js';

export interface StepContext {
  readonly ops: Backend;
  /**
   * conv(x), or conv(SiLU?(norm(x + offset))) when a norm is given, offset [N, C] per batch item and
   * channel (a resnet's time embedding: folded into the norm's statistics and affine, so x + offset
   * is never written out); + residual when one is given: a tensor, or a 1x1 layer of another map
   * (ProjectedResidual), which the context runs as a layer of its own or, sparse, with this one.
   */
  conv(conv: Conv2d, x: Tensor, norm?: GroupNorm, silu?: boolean, residual?: Tensor | ProjectedResidual, offset?: Tensor): Tensor;
  /**
   * a ++ b by channel (an up block's skip connection), a map read only by `readers`: convolutions
   * whose input windows over a map of its size cover every read of it (their norms' statistics
   * included). A sparse step makes only the map rows those windows hold in its plan.
   */
  concat(a: Tensor, b: Tensor, readers: readonly Conv2d[]): Tensor;
  /** Nearest-neighbour 2x of x, a map read only by `reader` (as concat). */
  upsample(x: Tensor, reader: Conv2d): Tensor;
  /** The tokens a transformer works on: norm(x) as [N, L, C], or (sparse) only the active ones. */
  tokens(norm: GroupNorm, x: Tensor): Tensor;
  /** x + projOut(t): the transformer's tokens back as a full map (x [N, H, W, C], the transformer's input). */
  untokens(projOut: Linear, t: Tensor, x: Tensor): Tensor;
  /** Self-attention of the tokens: q, k, v for the rows tokens() gave. */
  selfAttention(name: string, q: Tensor, k: Tensor, v: Tensor, heads: number): Tensor;
  /** Cross-attention of the tokens to the text: k, v from the 77 text tokens. */
  crossAttention(name: string, q: Tensor, k: Tensor, v: Tensor, heads: number): Tensor;
  /**
   * The resnets' projections of the step's time embedding, [N, C] each by module name:
   * proj.forward(embedding()), where embedding() is SiLU of the time embedding (made only if called).
   */
  timeShifts(proj: StackedLinear, embedding: () => Tensor): ReadonlyMap<string, Tensor>;
}

/**
 * A residual that is a 1x1 layer's output for another map (a resnet's projected shortcut). A sparse
 * step reads it only where the layer it is added to writes, so it computes it only there, in that
 * layer's op (Backend TileProjection), and no cache keeps its map (residualTensor).
 */
export interface ProjectedResidual {
  conv: Conv2d;
  x: Tensor;
}

export function isProjected(r: Tensor | ProjectedResidual | undefined): r is ProjectedResidual {
  return r !== undefined && 'conv' in r;
}

/**
 * The residual as a tensor: a projected one computed over its whole map, as a dense step adds it. No
 * context keeps that map: a sparse step computes the projection with the layer it is added to, or
 * over the whole map again where that layer runs densely.
 */
export function residualTensor(r: Tensor | ProjectedResidual | undefined): Tensor | undefined {
  return isProjected(r) ? r.conv.forward(r.x) : r;
}

/** A conv's input offset, which only a norm can take in (its statistics and affine). */
export function normOffset(conv: Conv2d, norm: GroupNorm | undefined, offset: Tensor | undefined): Tensor | undefined {
  if (offset && !norm) throw new Error(`${conv.name}: an input offset without a norm to fold it into`);
  return offset;
}

export class DenseContext implements StepContext {
  constructor(readonly ops: Backend) {}

  conv(conv: Conv2d, x: Tensor, norm?: GroupNorm, silu = false, residual?: Tensor | ProjectedResidual, offset?: Tensor): Tensor {
    const inputOffset = normOffset(conv, norm, offset);
    return conv.forward(x, residualTensor(residual), { affine: norm?.affine(x, undefined, inputOffset), silu });
  }

  concat(a: Tensor, b: Tensor): Tensor {
    return this.ops.concatChannels(a, b);
  }

  upsample(x: Tensor): Tensor {
    return this.ops.upsampleNearest2x(x);
  }

  tokens(norm: GroupNorm, x: Tensor): Tensor {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    return this.ops.reshape(norm.forward(x), [n, h * w, c]);
  }

  untokens(projOut: Linear, t: Tensor, x: Tensor): Tensor {
    return this.ops.reshape(projOut.forward(t, this.ops.reshape(x, t.shape)), x.shape);
  }

  selfAttention(_name: string, q: Tensor, k: Tensor, v: Tensor, heads: number): Tensor {
    return this.ops.attention(q, k, v, { heads });
  }

  crossAttention(_name: string, q: Tensor, k: Tensor, v: Tensor, heads: number): Tensor {
    return this.ops.attention(q, k, v, { heads });
  }

  timeShifts(proj: StackedLinear, embedding: () => Tensor): ReadonlyMap<string, Tensor> {
    return proj.forward(embedding());
  }
}
