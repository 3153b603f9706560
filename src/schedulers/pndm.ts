// PNDM in its PLMS form (skip_prk_steps): a linear multistep method over the model outputs of up
// to four earlier steps. The first step is a two-stage one (the U-Net is called twice at the first
// timestep pair), hence one more U-Net call than steps.
import { Config } from '../io/config.js';
import { FiseditError } from '../io/errors.js';
import { hostLatentMath, type Latent, type LatentMath, type Term } from '../backend/latents.js';
import { alphaAt, alphasCumprod, parseScheduleConfig, spacedTimesteps, type ScheduleConfig } from './common.js';
import type { Scheduler } from './scheduler.js';

export class PNDMScheduler implements Scheduler {
  readonly name = 'pndm';
  readonly timesteps: number[];
  readonly initNoiseSigma = 1;
  private readonly ac: Float64Array;
  private readonly ratio: number;
  private ets: Latent[] = [];
  private curSample: Latent | undefined;

  constructor(private readonly cfg: ScheduleConfig, steps: number, private readonly setAlphaToOne: boolean, private readonly math: LatentMath = hostLatentMath) {
    this.ac = alphasCumprod(cfg);
    this.ratio = Math.floor(cfg.trainSteps / steps);
    const desc = spacedTimesteps(cfg, steps); // descending
    // ascending t: [t0..t_{n-2}, t_{n-2}, t_{n-1}] reversed -> the second timestep repeated
    this.timesteps = [desc[0]!, desc[1] ?? desc[0]!, ...desc.slice(1)];
    if (steps === 1) this.timesteps = [desc[0]!];
  }

  static fromConfig(c: Config, steps: number, math?: LatentMath): PNDMScheduler {
    if (!c.bool('skip_prk_steps', false)) throw new FiseditError(`${c.source}: PNDM is supported with "skip_prk_steps": true (PLMS) only`);
    return new PNDMScheduler(parseScheduleConfig(c, { spacing: 'leading' }), steps, c.bool('set_alpha_to_one', false), math);
  }

  get prediction() { return this.cfg.prediction; }

  inputScale(): number { return 1; }

  step(out: Latent, i: number, sample: Latent): Latent {
    let t = this.timesteps[i]!;
    let prev = t - this.ratio;
    if (i !== 1) {
      this.ets = [...this.ets.slice(-3), out];
    } else {
      prev = t;
      t = t + this.ratio;
    }
    const e = this.ets;
    const n = e.length;
    const c = (terms: readonly Term[]) => this.math.combine(terms);
    let m: Latent;
    if (n === 1 && i === 0) {
      m = out;
      this.curSample = sample;
    } else if (n === 1 && i === 1) {
      m = c([[0.5, out], [0.5, e[0]!]]);
      sample = this.curSample!;
      this.curSample = undefined;
    } else if (n === 2) m = c([[3 / 2, e[1]!], [-1 / 2, e[0]!]]);
    else if (n === 3) m = c([[23 / 12, e[2]!], [-16 / 12, e[1]!], [5 / 12, e[0]!]]);
    else m = c([[55 / 24, e[3]!], [-59 / 24, e[2]!], [37 / 24, e[1]!], [-9 / 24, e[0]!]]);
    return this.previous(sample, t, prev, m);
  }

  private previous(x: Latent, t: number, prev: number, m: Latent): Latent {
    const a = this.ac[t]!;
    const aPrev = alphaAt(this.ac, prev, this.setAlphaToOne);
    const b = 1 - a, bPrev = 1 - aPrev;
    const eps = this.cfg.prediction === 'v_prediction' ? this.math.combine([[Math.sqrt(a), m], [Math.sqrt(b), x]]) : m;
    const sampleCoeff = Math.sqrt(aPrev / a);
    const denom = a * Math.sqrt(bPrev) + Math.sqrt(a * b * aPrev);
    return this.math.combine([[sampleCoeff, x], [-(aPrev - a) / denom, eps]]);
  }

  history(): Latent[] { return this.curSample ? [...this.ets, this.curSample] : this.ets; }

  restoreHistory(h: Latent[]): void {
    if (this.curSample) {
      this.ets = h.slice(0, -1);
      this.curSample = h[h.length - 1];
    } else this.ets = h.slice();
  }

  clone(): PNDMScheduler {
    const c = Object.create(PNDMScheduler.prototype) as PNDMScheduler;
    Object.assign(c, this, { ets: this.ets.slice() }); // latents are never changed in place: sharing them is safe
    return c;
  }
}
