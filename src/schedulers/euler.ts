// Euler (EulerDiscreteScheduler, no churn): sigmas from the noise schedule interpolated at the
// timesteps; each step is one Euler step of the probability-flow ODE in sigma.
import { Config } from '../io/config.js';
import { FiseditError } from '../io/errors.js';
import { hostLatentMath, type Latent, type LatentMath } from '../backend/latents.js';
import { alphasCumprod, interp, parseScheduleConfig, type ScheduleConfig } from './common.js';
import type { Scheduler } from './scheduler.js';

export class EulerScheduler implements Scheduler {
  readonly name = 'euler';
  readonly timesteps: number[];
  readonly sigmas: number[];
  readonly initNoiseSigma: number;

  constructor(private readonly cfg: ScheduleConfig, steps: number, private readonly math: LatentMath = hostLatentMath) {
    const ac = alphasCumprod(cfg);
    const table = ac.map((a) => Math.fround(Math.sqrt((1 - a) / a)));
    const T = cfg.trainSteps;
    if (!Number.isInteger(steps) || steps < 1 || steps > T) throw new FiseditError(`number of inference steps must be an integer from 1 to ${T}, got ${steps}`);
    // Euler keeps fractional timesteps for linspace spacing.
    const ts: number[] = [];
    if (cfg.spacing === 'linspace') for (let i = steps - 1; i >= 0; i--) ts.push(Math.fround(steps === 1 ? 0 : (i * (T - 1)) / (steps - 1)));
    else if (cfg.spacing === 'leading') for (let i = steps - 1; i >= 0; i--) ts.push(i * Math.floor(T / steps) + cfg.stepsOffset);
    else for (let t = T; t > 0; t -= T / steps) ts.push(Math.round(t) - 1);
    this.timesteps = ts;
    this.sigmas = [...ts.map((t) => Math.fround(interp(table, t))), 0];
    const max = Math.max(...this.sigmas);
    this.initNoiseSigma = cfg.spacing === 'leading' ? Math.sqrt(max * max + 1) : max;
  }

  static fromConfig(c: Config, steps: number, math?: LatentMath): EulerScheduler {
    if (c.bool('use_karras_sigmas', false)) throw new FiseditError(`${c.source}: "use_karras_sigmas" is not supported`);
    c.string('interpolation_type', ['linear'], 'linear');
    return new EulerScheduler(parseScheduleConfig(c, { spacing: 'linspace' }), steps, math);
  }

  get prediction() { return this.cfg.prediction; }

  inputScale(i: number): number {
    const s = this.sigmas[i]!;
    return 1 / Math.sqrt(s * s + 1);
  }

  step(out: Latent, i: number, x: Latent): Latent {
    const s = this.sigmas[i]!, next = this.sigmas[i + 1]!;
    const x0 = this.math.combine(this.cfg.prediction === 'epsilon' ? [[1, x], [-s, out]] : [[-s / Math.sqrt(s * s + 1), out], [1 / (s * s + 1), x]]);
    // derivative d = (x - x0) / s; x_next = x + d * (next - s)
    const k = (next - s) / s;
    return this.math.combine([[1 + k, x], [-k, x0]]);
  }

  history(): Latent[] { return []; }

  restoreHistory(): void {}

  clone(): EulerScheduler { return this; }
}
