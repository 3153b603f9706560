// DPM-Solver++ (2M): multistep, order 2, data prediction, midpoint solver type. Each model output
// is converted to a prediction of x0; the update uses the last two (first order at the start and,
// with a zero final sigma, at the last step).
import { Config } from '../io/config.js';
import { FiseditError } from '../io/errors.js';
import { hostLatentMath, type Latent, type LatentMath } from '../backend/latents.js';
import { alphasCumprod, interp, parseScheduleConfig, spacedTimesteps, type ScheduleConfig } from './common.js';
import type { Scheduler } from './scheduler.js';

export class DPMSolverPP2MScheduler implements Scheduler {
  readonly name = 'dpmpp2m';
  readonly timesteps: number[];
  readonly sigmas: number[];
  readonly initNoiseSigma = 1;
  /** x0 predictions of earlier steps, newest last (at most two). */
  private outputs: Latent[] = [];

  constructor(private readonly cfg: ScheduleConfig, steps: number, private readonly math: LatentMath = hostLatentMath) {
    const ac = alphasCumprod(cfg);
    const table = ac.map((a) => Math.fround(Math.sqrt((1 - a) / a)));
    if (cfg.spacing === 'linspace') {
      // linspace over steps + 1 points, the last (timestep 0) dropped
      this.timesteps = spacedTimesteps(cfg, steps + 1, 'linspace').slice(0, steps);
    } else this.timesteps = spacedTimesteps(cfg, steps);
    this.sigmas = [...this.timesteps.map((t) => Math.fround(interp(table, t))), 0];
  }

  static fromConfig(c: Config, steps: number, math?: LatentMath): DPMSolverPP2MScheduler {
    c.string('algorithm_type', ['dpmsolver++'], 'dpmsolver++');
    c.string('solver_type', ['midpoint'], 'midpoint');
    if (c.number('solver_order', 2) !== 2) throw new FiseditError(`${c.source}: field "solver_order" must be 2 (DPM-Solver++ 2M)`);
    c.string('final_sigmas_type', ['zero'], 'zero');
    for (const k of ['use_karras_sigmas', 'use_exponential_sigmas', 'use_beta_sigmas', 'use_lu_lambdas', 'euler_at_final'])
      if (c.bool(k, false)) throw new FiseditError(`${c.source}: "${k}" is not supported`);
    c.bool('lower_order_final', true); // with a zero final sigma the last step is first order either way
    return new DPMSolverPP2MScheduler(parseScheduleConfig(c, { spacing: 'linspace' }), steps, math);
  }

  get prediction() { return this.cfg.prediction; }

  inputScale(): number { return 1; }

  private static alphaSigma(sigma: number): [number, number, number] {
    const alpha = 1 / Math.sqrt(sigma * sigma + 1);
    const s = sigma * alpha;
    return [alpha, s, Math.log(alpha) - Math.log(s)];
  }

  step(out: Latent, i: number, x: Latent): Latent {
    const n = this.timesteps.length;
    const [a0, s0, l0] = DPMSolverPP2MScheduler.alphaSigma(this.sigmas[i]!);
    const x0 = this.math.combine(this.cfg.prediction === 'epsilon' ? [[1 / a0, x], [-s0 / a0, out]] : [[a0, x], [-s0, out]]);
    this.outputs = [...this.outputs.slice(-1), x0];
    const [at, st, lt] = DPMSolverPP2MScheduler.alphaSigma(this.sigmas[i + 1]!);
    const h = lt - l0;
    const em1 = Math.exp(-h) - 1;
    // The final sigma is zero, so the last step is first order (diffusers' final_sigmas_type "zero").
    const firstOrder = this.outputs.length < 2 || i === n - 1;
    const a = st / s0, b = -at * em1;
    if (firstOrder) return this.math.combine([[a, x], [b, x0]]);
    const [, , l1] = DPMSolverPP2MScheduler.alphaSigma(this.sigmas[i - 1]!);
    const r0 = (l0 - l1) / h;
    // D1 = (m0 - m1) / r0; x_t -= 0.5 * alpha_t * (e^-h - 1) * D1
    const m1 = this.outputs[0]!;
    const c = (-0.5 * at * em1) / r0;
    // the first-order update plus the correction c * (m0 - m1), in one pass
    return this.math.combine([[a, x], [b + c, x0], [-c, m1]]);
  }

  history(): Latent[] { return this.outputs; }

  restoreHistory(h: Latent[]): void { this.outputs = h.slice(-2); }

  clone(): DPMSolverPP2MScheduler {
    const c = Object.create(DPMSolverPP2MScheduler.prototype) as DPMSolverPP2MScheduler;
    Object.assign(c, this, { outputs: this.outputs.slice() }); // latents are never changed in place: sharing them is safe
    return c;
  }
}
