// DDIM (eta = 0): predict x0 and the noise from the model output, then move to the previous
// timestep deterministically.
import { Config } from '../io/config.js';
import { hostLatentMath, type Latent, type LatentMath } from '../backend/latents.js';
import { alphaAt, alphasCumprod, parseScheduleConfig, spacedTimesteps, type ScheduleConfig } from './common.js';
import type { Scheduler } from './scheduler.js';

export class DDIMScheduler implements Scheduler {
  readonly name = 'ddim';
  readonly timesteps: number[];
  readonly initNoiseSigma = 1;
  private readonly ac: Float64Array;
  private readonly clip: number | undefined;

  constructor(private readonly cfg: ScheduleConfig, steps: number, private readonly setAlphaToOne: boolean, clipSample: number | undefined, private readonly math: LatentMath = hostLatentMath) {
    this.ac = alphasCumprod(cfg);
    this.clip = clipSample;
    this.timesteps = spacedTimesteps(cfg, steps);
  }

  static fromConfig(c: Config, steps: number, math?: LatentMath): DDIMScheduler {
    const cfg = parseScheduleConfig(c, { spacing: 'leading' });
    const clip = c.bool('clip_sample', true) ? c.number('clip_sample_range', 1) : undefined;
    return new DDIMScheduler(cfg, steps, c.bool('set_alpha_to_one', true), clip, math);
  }

  get prediction() { return this.cfg.prediction; }

  inputScale(): number { return 1; }

  step(out: Latent, i: number, x: Latent): Latent {
    const t = this.timesteps[i]!;
    const prev = t - Math.floor(this.cfg.trainSteps / this.timesteps.length);
    const a = this.ac[t]!;
    const aPrev = alphaAt(this.ac, prev, this.setAlphaToOne);
    const sa = Math.sqrt(a), sb = Math.sqrt(1 - a);
    const m = this.math;
    let x0: Latent, eps: Latent;
    if (this.cfg.prediction === 'epsilon') {
      x0 = m.combine([[1 / sa, x], [-sb / sa, out]]);
      eps = out;
    } else {
      x0 = m.combine([[sa, x], [-sb, out]]);
      eps = m.combine([[sa, out], [sb, x]]);
    }
    if (this.clip !== undefined) {
      x0 = m.clamp(x0, this.clip);
      eps = m.combine([[1 / sb, x], [-sa / sb, x0]]);
    }
    return m.combine([[Math.sqrt(aPrev), x0], [Math.sqrt(1 - aPrev), eps]]);
  }

  history(): Latent[] { return []; }

  restoreHistory(): void {}

  clone(): DDIMScheduler { return this; } // stateless between steps
}
