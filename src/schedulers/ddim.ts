// DDIM (eta = 0): predict x0 and the noise from the model output, then move to the previous
// timestep deterministically.
import { Config } from '../io/config.js';
import { alphaAt, alphasCumprod, combine, parseScheduleConfig, spacedTimesteps, type Latents, type ScheduleConfig } from './common.js';
import type { Scheduler } from './scheduler.js';

export class DDIMScheduler implements Scheduler {
  readonly name = 'ddim';
  readonly timesteps: number[];
  readonly initNoiseSigma = 1;
  private readonly ac: Float64Array;
  private readonly clip: number | undefined;

  constructor(private readonly cfg: ScheduleConfig, steps: number, private readonly setAlphaToOne: boolean, clipSample: number | undefined) {
    this.ac = alphasCumprod(cfg);
    this.clip = clipSample;
    this.timesteps = spacedTimesteps(cfg, steps);
  }

  static fromConfig(c: Config, steps: number): DDIMScheduler {
    const cfg = parseScheduleConfig(c, { spacing: 'leading' });
    const clip = c.bool('clip_sample', true) ? c.number('clip_sample_range', 1) : undefined;
    return new DDIMScheduler(cfg, steps, c.bool('set_alpha_to_one', true), clip);
  }

  get prediction() { return this.cfg.prediction; }

  scaleModelInput(x: Latents): Latents { return x; }

  step(out: Latents, i: number, x: Latents): Latents {
    const t = this.timesteps[i]!;
    const prev = t - Math.floor(this.cfg.trainSteps / this.timesteps.length);
    const a = this.ac[t]!;
    const aPrev = alphaAt(this.ac, prev, this.setAlphaToOne);
    const sa = Math.sqrt(a), sb = Math.sqrt(1 - a);
    let x0: Latents, eps: Latents;
    if (this.cfg.prediction === 'epsilon') {
      x0 = combine(1 / sa, x, -sb / sa, out);
      eps = out;
    } else {
      x0 = combine(sa, x, -sb, out);
      eps = combine(sa, out, sb, x);
    }
    if (this.clip !== undefined) {
      const r = this.clip;
      x0 = x0.map((v) => Math.min(r, Math.max(-r, v)));
      eps = combine(1 / sb, x, -sa / sb, x0);
    }
    return combine(Math.sqrt(aPrev), x0, Math.sqrt(1 - aPrev), eps);
  }

  history(): Latents[] { return []; }

  restoreHistory(): void {}

  clone(): DDIMScheduler { return this; } // stateless between steps
}
