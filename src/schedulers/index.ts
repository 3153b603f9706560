// Schedulers by name: the diffusers class names a scheduler_config.json gives, or short names.
import type { LatentMath } from '../backend/latents.js';
import { Config } from '../io/config.js';
import { FiseditError } from '../io/errors.js';
import { DDIMScheduler } from './ddim.js';
import { DPMSolverPP2MScheduler } from './dpmpp2m.js';
import { EulerScheduler } from './euler.js';
import { PNDMScheduler } from './pndm.js';
import type { Scheduler } from './scheduler.js';

export type { Scheduler } from './scheduler.js';

const MAKERS: Record<string, (c: Config, steps: number, math?: LatentMath) => Scheduler> = {
  DDIMScheduler: DDIMScheduler.fromConfig,
  DPMSolverMultistepScheduler: DPMSolverPP2MScheduler.fromConfig,
  EulerDiscreteScheduler: EulerScheduler.fromConfig,
  PNDMScheduler: PNDMScheduler.fromConfig,
};

/** Short names a user may type, and the class each stands for. */
export const SCHEDULER_NAMES: Record<string, string> = {
  ddim: 'DDIMScheduler',
  dpmpp2m: 'DPMSolverMultistepScheduler',
  euler: 'EulerDiscreteScheduler',
  pndm: 'PNDMScheduler',
};

/** Fields a pipeline folder's scheduler config may not set but a switched-to scheduler needs. */
const SWITCH_DEFAULTS: Record<string, Record<string, unknown>> = {
  PNDMScheduler: { skip_prk_steps: true },
  DPMSolverMultistepScheduler: { algorithm_type: 'dpmsolver++', solver_order: 2 },
};

/**
 * A scheduler for `steps` steps from a scheduler config. `name` (a short name or class name)
 * switches the class while keeping the noise schedule and prediction type of the config, as
 * diffusers' `from_config` does. `math` computes the steps (host arrays by default; a backend's
 * latents to keep them on its device).
 */
export function createScheduler(config: Config, steps: number, name?: string, math?: LatentMath): Scheduler {
  const fromConfig = config.raw._class_name;
  const cls = name ? (SCHEDULER_NAMES[name.toLowerCase()] ?? name) : fromConfig;
  if (typeof cls !== 'string') throw new FiseditError(`${config.source}: field "_class_name" is missing; expected one of ${Object.keys(MAKERS).join(', ')}`);
  const make = MAKERS[cls];
  if (!make) throw new FiseditError(`unknown scheduler "${cls}"; known: ${Object.keys(SCHEDULER_NAMES).join(', ')} (${Object.keys(MAKERS).join(', ')})`);
  const switched = cls !== fromConfig ? new Config(config.source, { ...SWITCH_DEFAULTS[cls], ...config.raw }) : config;
  return make(switched, steps, math);
}
