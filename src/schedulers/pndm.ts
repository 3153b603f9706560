// PNDM in its PLMS form (skip_prk_steps): a linear multistep method over the model outputs of up
// to four earlier steps. The first step is a two-stage one (the U-Net is called twice at the first
// timestep pair), hence one more U-Net call than steps.
import { Config } from '../io/config.js';
import { FiseditError } from '../io/errors.js';
import { alphaAt, alphasCumprod, parseScheduleConfig, spacedTimesteps, type Latents, type ScheduleConfig } from './common.js';
import type { Scheduler } from './scheduler.js';

export class PNDMScheduler implements Scheduler {
  readonly name = 'pndm';
  readonly timesteps: number[];
  readonly initNoiseSigma = 1;
  private readonly ac: Float64Array;
  private readonly ratio: number;
  private ets: Latents[] = [];
  private curSample: Latents | undefined;

  constructor(private readonly cfg: ScheduleConfig, steps: number, private readonly setAlphaToOne: boolean) {
    this.ac = alphasCumprod(cfg);
    this.ratio = Math.floor(cfg.trainSteps / steps);
    const desc = spacedTimesteps(cfg, steps); // descending
    // ascending t: [t0..t_{n-2}, t_{n-2}, t_{n-1}] reversed -> the second timestep repeated
    this.timesteps = [desc[0]!, desc[1] ?? desc[0]!, ...desc.slice(1)];
    if (steps === 1) this.timesteps = [desc[0]!];
  }

  static fromConfig(c: Config, steps: number): PNDMScheduler {
    if (!c.bool('skip_prk_steps', false)) throw new FiseditError(`${c.source}: PNDM is supported with "skip_prk_steps": true (PLMS) only`);
    return new PNDMScheduler(parseScheduleConfig(c, { spacing: 'leading' }), steps, c.bool('set_alpha_to_one', false));
  }

  get prediction() { return this.cfg.prediction; }

  scaleModelInput(x: Latents): Latents { return x; }

  step(out: Latents, i: number, sample: Latents): Latents {
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
    let m: Latents;
    if (n === 1 && i === 0) {
      m = out;
      this.curSample = sample;
    } else if (n === 1 && i === 1) {
      m = out.map((v, k) => (v + e[0]![k]!) / 2);
      sample = this.curSample!;
      this.curSample = undefined;
    } else if (n === 2) m = out.map((_, k) => (3 * e[1]![k]! - e[0]![k]!) / 2);
    else if (n === 3) m = out.map((_, k) => (23 * e[2]![k]! - 16 * e[1]![k]! + 5 * e[0]![k]!) / 12);
    else m = out.map((_, k) => (55 * e[3]![k]! - 59 * e[2]![k]! + 37 * e[1]![k]! - 9 * e[0]![k]!) / 24);
    return this.previous(sample, t, prev, m);
  }

  private previous(x: Latents, t: number, prev: number, m: Latents): Latents {
    const a = this.ac[t]!;
    const aPrev = alphaAt(this.ac, prev, this.setAlphaToOne);
    const b = 1 - a, bPrev = 1 - aPrev;
    const eps = this.cfg.prediction === 'v_prediction' ? m.map((v, k) => Math.sqrt(a) * v + Math.sqrt(b) * x[k]!) : m;
    const sampleCoeff = Math.sqrt(aPrev / a);
    const denom = a * Math.sqrt(bPrev) + Math.sqrt(a * b * aPrev);
    return x.map((v, k) => sampleCoeff * v - ((aPrev - a) * eps[k]!) / denom);
  }

  history(): Latents[] { return this.curSample ? [...this.ets, this.curSample] : this.ets; }

  restoreHistory(h: Latents[]): void {
    if (this.curSample) {
      this.ets = h.slice(0, -1);
      this.curSample = h[h.length - 1];
    } else this.ets = h.slice();
  }

  clone(): PNDMScheduler {
    const c = Object.create(PNDMScheduler.prototype) as PNDMScheduler;
    Object.assign(c, this, { ets: this.ets.map((o) => o.slice()), curSample: this.curSample?.slice() });
    return c;
  }
}
