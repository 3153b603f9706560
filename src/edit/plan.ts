// The execution plan of an edit's sparse steps, fixed once per edit from its latent mask:
// which positions are active at each resolution (max-pooled mask), which tokens the
// transformers compute, and for each convolution its block size (APSC) or the dense fallback.
// A convolution computes and writes its active outputs whatever the block size (the rest of a block
// is computed, not written), so block sizes are a matter of speed only.
import { convOutputSize, type TileRowsChoice } from '../backend/backend.js';
import { FiseditError } from '../io/errors.js';
import { maskFraction, maskPositions } from './mask.js';

export type BlockPolicy = 'apsc' | number;

/** Block sizes APSC chooses from. */
export const APSC_BLOCKS = [1, 2, 4, 8, 12, 16] as const;
/** Above this fraction of the dense input volume (of the outputs, by rows), a gathered convolution runs densely instead. */
export const DENSE_FALLBACK = 0.8;

/**
 * How the backend convolves `outputs` one-position blocks (over every batch item;
 * Backend.tileRowsChoice for the convolution's input channels). Where it gathers them as GEMM rows,
 * a block's other positions are work for nothing, and the plan takes blocks of one position,
 * computing only the active outputs: always ('rows'), or where APSC's blocks would go dense ('rows
 * over dense').
 */
export type TileRows = (outputs: number) => TileRowsChoice;

export interface ConvGeometry {
  inH: number;
  inW: number;
  kernel: number;
  stride: number;
  padding: readonly [number, number, number, number];
}

export type ConvPlan =
  | { kind: 'dense'; outH: number; outW: number; active: Uint8Array; gathered: number; dense: number }
  | {
      kind: 'tiles';
      outH: number;
      outW: number;
      active: Uint8Array;
      block: number;
      /** Input window corner of each active block, [y, x] pairs. */
      origins: Int32Array;
      /** Output corner of each active block, [y, x] pairs. */
      corners: Int32Array;
      side: number;
      gathered: number;
      dense: number;
    };

export class SparsePlan {
  /** What the plan derives per resolution (levels, token lists, row flags), made once each: the arrays' identity keys their device copies. */
  private readonly derived = new Map<string, Uint8Array | Int32Array>();
  private readonly convs = new Map<string, ConvPlan>();
  private readonly byGeometry = new Map<string, ConvPlan>();

  constructor(readonly mask: Uint8Array, readonly height: number, readonly width: number, readonly policy: BlockPolicy = 'apsc') {
    if (mask.length !== height * width) throw new FiseditError(`mask has ${mask.length} values, expected ${height}x${width}`);
    if (typeof policy === 'number' && !(Number.isInteger(policy) && policy >= 1)) throw new FiseditError(`block size must be a positive integer or "apsc", got ${policy}`);
  }

  /** Fraction of latent positions in the mask. */
  get editSize(): number {
    return maskFraction(this.mask);
  }

  private once<T extends Uint8Array | Int32Array>(what: string, h: number, w: number, make: () => T): T {
    const key = `${what} ${h}x${w}`;
    let a = this.derived.get(key) as T | undefined;
    if (!a) this.derived.set(key, (a = make()));
    return a;
  }

  /** The mask at an h x w resolution: a position is active if any latent pixel under it is. */
  level(h: number, w: number): Uint8Array {
    return this.once('level', h, w, () => {
      const fy = this.height / h, fx = this.width / w;
      if (!Number.isInteger(fy) || !Number.isInteger(fx)) throw new Error(`resolution ${h}x${w} does not divide the latent ${this.height}x${this.width}`);
      if (fy === 1 && fx === 1) return Uint8Array.from(this.mask);
      // from the latent's active positions (made once), not a scan of the latent for each resolution
      const m = new Uint8Array(h * w), on = this.tokens(this.height, this.width);
      for (let i = 0; i < on.length; i++) {
        const y = (on[i]! / this.width) | 0, x = on[i]! % this.width;
        m[((y / fy) | 0) * w + ((x / fx) | 0)] = 1;
      }
      return m;
    });
  }

  /** Row-major indices of the active positions at h x w: the tokens a transformer computes. */
  tokens(h: number, w: number): Int32Array {
    return this.once('tokens', h, w, () => maskPositions(this.level(h, w)));
  }

  /** One flag per row of the h x w resolution: 1 where the row has an active position. */
  rows(h: number, w: number): Uint8Array {
    return this.once('rows', h, w, () => {
      const level = this.level(h, w);
      return Uint8Array.from({ length: h }, (_, y) => (level.subarray(y * w, (y + 1) * w).includes(1) ? 1 : 0));
    });
  }

  /**
   * How convolution `name` runs in every sparse step of this edit (decided on first use): where APSC
   * is the policy, by rows (blocks of one position) as `tileRows` says, else by APSC's blocks.
   */
  conv(name: string, g: ConvGeometry, tileRows?: TileRows, byOutputs?: readonly number[]): ConvPlan {
    let p = this.convs.get(name);
    if (!p) {
      const { outH, outW } = outputSize(g);
      const choice = this.policy === 'apsc' && tileRows ? tileRows(this.tokens(outH, outW).length) : 'tiles';
      // by outputs only where the backend convolves tiles, never rows: where it gathers rows, APSC's
      // volume decides between its blocks and rows, as it was measured
      const weighed = choice === 'tiles' ? byOutputs : undefined;
      // convolutions of one geometry and choice share one plan: planned once, and their index arrays go to the device once
      const key = `${g.inH}x${g.inW} k${g.kernel} s${g.stride} p${g.padding.join(',')} ${choice}${weighed ? ` by outputs ${weighed.join(',')}` : ''}`;
      p = this.byGeometry.get(key);
      if (!p) {
        const level = (h: number, w: number) => this.level(h, w), tokens = (h: number, w: number) => this.tokens(h, w);
        p = planConv(g, level, this.policy, choice === 'rows', tokens, weighed);
        if (p.kind === 'dense' && choice === 'rows over dense') p = planConv(g, level, this.policy, true, tokens);
        this.byGeometry.set(key, p);
      }
      this.convs.set(name, p);
    }
    return p;
  }

  /**
   * Flags of the rows of an h x w map that convolutions of these plans read (their input windows),
   * made once per `key` (the readers); undefined where one runs densely: it reads every row.
   */
  inputRows(key: string, h: number, w: number, plans: readonly ConvPlan[]): Uint8Array | undefined {
    if (plans.some((p) => p.kind === 'dense')) return undefined;
    return this.once(`rows read by ${key}`, h, w, () => {
      const flags = new Uint8Array(h);
      for (const p of plans)
        if (p.kind === 'tiles') for (let i = 0; i < p.origins.length; i += 2) flags.fill(1, Math.max(0, p.origins[i]!), Math.min(h, p.origins[i]! + p.side));
      return flags;
    });
  }

  /** Every convolution's plan so far, by layer name (for reports). */
  convPlans(): ReadonlyMap<string, ConvPlan> {
    return this.convs;
  }
}

/**
 * The corners [y, x] of the b x b blocks (row-major) holding any of the active positions `on`
 * (row-major indices into an h x w map). From the positions rather than the map: APSC asks for every
 * block size, and a scan of the map for each was most of a plan's host time (bench/plan-host.ts).
 */
function blocksOf(on: Int32Array, h: number, w: number, b: number): Int32Array {
  const bw = Math.ceil(w / b), bh = Math.ceil(h / b);
  const flagged = new Uint8Array(bh * bw);
  let count = 0;
  for (let i = 0; i < on.length; i++) {
    const y = (on[i]! / w) | 0, x = on[i]! - y * w;
    const block = ((y / b) | 0) * bw + ((x / b) | 0);
    count += 1 - flagged[block]!;
    flagged[block] = 1;
  }
  const corners = new Int32Array(2 * count);
  for (let i = 0, j = 0; j < corners.length; i++) {
    if (!flagged[i]) continue;
    corners[j++] = Math.floor(i / bw) * b;
    corners[j++] = (i % bw) * b;
  }
  return corners;
}

function outputSize(g: ConvGeometry): { outH: number; outW: number } {
  const { ho, wo } = convOutputSize(g.inH, g.inW, g.kernel, g.kernel, g.stride, g.padding);
  return { outH: ho, outW: wo };
}

/**
 * APSC: the block size minimising gathered volume n_blocks * side^2, or dense above DENSE_FALLBACK.
 * `byRows`: blocks of one position (only the active outputs computed), dense above DENSE_FALLBACK of
 * the outputs (SparsePlan.conv's TileRows). `positions`: the active positions of a level (a plan
 * passes the ones it keeps, SparsePlan.tokens).
 */
export function planConv(g: ConvGeometry, level: (h: number, w: number) => Uint8Array, policy: BlockPolicy, byRows = false, positions = (h: number, w: number) => maskPositions(level(h, w)), byOutputs?: readonly number[]): ConvPlan {
  const [pt, pb, pl, pr] = g.padding;
  const { outH, outW } = outputSize(g);
  const active = level(outH, outW), on = positions(outH, outW);
  const dense = (g.inH + pt + pb) * (g.inW + pl + pr);
  // where the backend's tiles cost by their outputs at some sizes, APSC weighs those sizes alone by
  // their outputs, and runs densely where they would compute most of the map's
  const sizes = !byRows && policy === 'apsc' && byOutputs ? APSC_BLOCKS.filter((b) => byOutputs.includes(b) && b <= Math.max(outH, outW)) : [];
  const weighOutputs = sizes.length > 0;
  const candidates = byRows ? [1] : weighOutputs ? sizes : policy === 'apsc' ? APSC_BLOCKS.filter((b) => b === 1 || b <= Math.max(outH, outW)) : [Math.min(policy, Math.max(outH, outW))];
  let best: { b: number; corners: Int32Array; side: number; volume: number; cost: number } | undefined;
  for (const b of candidates) {
    const corners = blocksOf(on, outH, outW, b);
    const side = (b - 1) * g.stride + g.kernel;
    const volume = (corners.length / 2) * side * side, cost = weighOutputs ? (corners.length / 2) * b * b : volume;
    if (!best || cost < best.cost) best = { b, corners, side, volume, cost };
  }
  const chosen = best!;
  const tooMany = byRows ? chosen.corners.length / 2 > DENSE_FALLBACK * outH * outW : weighOutputs ? chosen.cost > DENSE_FALLBACK * outH * outW : chosen.volume > DENSE_FALLBACK * dense;
  if (tooMany) return { kind: 'dense', outH, outW, active, gathered: dense, dense };
  const origins = new Int32Array(chosen.corners.length);
  for (let i = 0; i < origins.length; i += 2) {
    origins[i] = chosen.corners[i]! * g.stride - pt;
    origins[i + 1] = chosen.corners[i + 1]! * g.stride - pl;
  }
  return { kind: 'tiles', outH, outW, active, block: chosen.b, side: chosen.side, corners: chosen.corners, origins, gathered: chosen.volume, dense };
}
