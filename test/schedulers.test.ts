// Scheduler details the golden trajectories do not reach: the trailing spacing, switching class,
// and state that an editor branches from.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Config } from '../src/io/config.js';
import { createScheduler } from '../src/schedulers/index.js';
import { hostLatentMath, type Latent } from '../src/backend/latents.js';

const base = { num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear' };

describe('schedulers', () => {
  it('spaces timesteps as diffusers does: leading, trailing, linspace', () => {
    const make = (cls: string, spacing: string, extra = {}) => createScheduler(new Config('t', { _class_name: cls, ...base, timestep_spacing: spacing, ...extra }), 10);
    assert.deepEqual(make('DDIMScheduler', 'leading', { steps_offset: 1 }).timesteps, [901, 801, 701, 601, 501, 401, 301, 201, 101, 1]);
    assert.deepEqual(make('DDIMScheduler', 'trailing').timesteps, [999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
    assert.deepEqual(make('DDIMScheduler', 'linspace').timesteps, [999, 888, 777, 666, 555, 444, 333, 222, 111, 0]);
    assert.deepEqual(make('DPMSolverMultistepScheduler', 'trailing').timesteps, [999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
  });

  it('switches class by short name, keeping the noise schedule and prediction type', () => {
    const c = new Config('t', { _class_name: 'DDIMScheduler', ...base, prediction_type: 'v_prediction', steps_offset: 1 });
    for (const name of ['ddim', 'dpmpp2m', 'euler', 'pndm']) {
      const s = createScheduler(c, 20, name);
      assert.equal(s.name, name);
      assert.equal(s.prediction, 'v_prediction');
    }
    assert.equal(createScheduler(c, 20, 'pndm').timesteps.length, 21, 'PLMS calls the U-Net once more than its steps');
  });

  it('exposes and restores the multistep history (what an edit resets outside its mask)', () => {
    const s = createScheduler(new Config('t', { _class_name: 'DPMSolverMultistepScheduler', ...base }), 5);
    let x: Latent = new Float32Array([1, -1, 0.5]);
    x = s.step(new Float32Array([0.1, 0.2, 0.3]), 0, x);
    const branch = s.clone();
    const h = s.history();
    assert.equal(h.length, 1);
    const a = s.step(new Float32Array([0.3, 0.2, 0.1]), 1, x);
    branch.restoreHistory(h.map((arr) => hostLatentMath.toHost(arr).slice()));
    assert.deepEqual(branch.step(new Float32Array([0.3, 0.2, 0.1]), 1, x), a);
  });
});
