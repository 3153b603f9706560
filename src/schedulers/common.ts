// What every scheduler shares: the noise schedule (betas, cumulative alphas) and the choice of
// inference timesteps. Values are rounded to float32 where PyTorch keeps float32 tensors, so
// trajectories match diffusers to float rounding.
import { Config } from '../io/config.js';
import { FiseditError } from '../io/errors.js';

export type Prediction = 'epsilon' | 'v_prediction';
export type Spacing = 'leading' | 'trailing' | 'linspace';

export interface ScheduleConfig {
  trainSteps: number;
  betaStart: number;
  betaEnd: number;
  betaSchedule: 'linear' | 'scaled_linear' | 'squaredcos_cap_v2';
  prediction: Prediction;
  spacing: Spacing;
  stepsOffset: number;
}

const f = Math.fround;

export function parseScheduleConfig(c: Config, defaults: { spacing: Spacing }): ScheduleConfig {
  if (c.has('trained_betas')) throw new FiseditError(`${c.source}: "trained_betas" is not supported`);
  if (c.bool('rescale_betas_zero_snr', false)) throw new FiseditError(`${c.source}: "rescale_betas_zero_snr" is not supported`);
  if (c.bool('thresholding', false)) throw new FiseditError(`${c.source}: "thresholding" is not supported`);
  return {
    trainSteps: c.int('num_train_timesteps', 1000),
    betaStart: c.number('beta_start', 0.0001),
    betaEnd: c.number('beta_end', 0.02),
    betaSchedule: c.string('beta_schedule', ['linear', 'scaled_linear', 'squaredcos_cap_v2'] as const, 'linear'),
    prediction: c.string('prediction_type', ['epsilon', 'v_prediction'] as const, 'epsilon'),
    spacing: c.string('timestep_spacing', ['leading', 'trailing', 'linspace'] as const, defaults.spacing),
    stepsOffset: c.has('steps_offset') ? Math.trunc(c.number('steps_offset')) : 0,
  };
}

/** Cumulative products of (1 - beta), float32 as in diffusers. */
export function alphasCumprod(c: ScheduleConfig): Float64Array {
  const n = c.trainSteps;
  const betas = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = n === 1 ? 0 : i / (n - 1);
    switch (c.betaSchedule) {
      case 'linear':
        betas[i] = f(c.betaStart + (c.betaEnd - c.betaStart) * t);
        break;
      case 'scaled_linear': {
        const s = f(Math.sqrt(c.betaStart) + (Math.sqrt(c.betaEnd) - Math.sqrt(c.betaStart)) * t);
        betas[i] = f(s * s);
        break;
      }
      case 'squaredcos_cap_v2': {
        const abar = (x: number) => Math.cos(((x + 0.008) / 1.008) * Math.PI / 2) ** 2;
        betas[i] = f(Math.min(1 - abar((i + 1) / n) / abar(i / n), 0.999));
        break;
      }
    }
  }
  const out = new Float64Array(n);
  let prod = 1;
  for (let i = 0; i < n; i++) {
    prod = f(prod * f(1 - betas[i]!));
    out[i] = prod;
  }
  return out;
}

/**
 * alphas_cumprod at timestep t; before the first one (t < 0), 1 with set_alpha_to_one, else
 * alphas_cumprod[0] (how DDIM and PNDM end their last step).
 */
export function alphaAt(ac: Float64Array, t: number, setAlphaToOne: boolean): number {
  return t >= 0 ? ac[t]! : setAlphaToOne ? 1 : ac[0]!;
}

/** Inference timesteps, descending, as diffusers' set_timesteps computes them for a spacing. */
export function spacedTimesteps(c: ScheduleConfig, steps: number, spacing: Spacing = c.spacing): number[] {
  const T = c.trainSteps;
  if (!Number.isInteger(steps) || steps < 1 || steps > T) throw new FiseditError(`number of inference steps must be an integer from 1 to ${T}, got ${steps}`);
  const out: number[] = [];
  switch (spacing) {
    case 'leading': {
      const ratio = Math.floor(T / steps);
      for (let i = steps - 1; i >= 0; i--) out.push(i * ratio + c.stepsOffset);
      break;
    }
    case 'trailing': {
      const ratio = T / steps;
      for (let t = T; t > 0; t -= ratio) out.push(Math.round(t) - 1);
      break;
    }
    case 'linspace':
      for (let i = steps - 1; i >= 0; i--) out.push(roundHalfEven(steps === 1 ? 0 : (i * (T - 1)) / (steps - 1)));
      break;
  }
  return out;
}

/** numpy's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Linear interpolation of table (indexed 0..n-1) at x (numpy's interp on integer grid). */
export function interp(table: Float64Array, x: number): number {
  const i = Math.min(Math.max(Math.floor(x), 0), table.length - 1);
  if (i === table.length - 1) return table[i]!;
  const frac = x - i;
  return table[i]! + (table[i + 1]! - table[i]!) * frac;
}
