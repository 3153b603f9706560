// The scheduler contract. A scheduler is made for a number of steps, gives the timesteps at which
// the U-Net is called, and advances the latents with each model output. Steps are addressed by
// index (PNDM calls the U-Net twice at one timestep). Multistep schedulers keep a history of model
// outputs; `history` exposes it so an editor can reset parts of it (FISEdit's mask switch). The
// arithmetic goes through a LatentMath, so the vectors stay where the backend keeps them.
import type { Latent } from '../backend/latents.js';
import type { Prediction } from './common.js';

export interface Scheduler {
  readonly name: string;
  readonly prediction: Prediction;
  /** The U-Net's timestep at each step index (may be fractional for Euler). */
  readonly timesteps: readonly number[];
  /** Scale of the initial noise (x_T = noise * initNoiseSigma). */
  readonly initNoiseSigma: number;
  /** The factor of the U-Net's input at step i (Euler: 1 / sqrt(sigma^2 + 1); 1 for the others). */
  inputScale(i: number): number;
  /** Advances the latents from step i to i + 1. Steps must be taken in order. */
  step(modelOutput: Latent, i: number, sample: Latent): Latent;
  /** Model outputs (or converted predictions) the next steps will read; empty for one-step methods. */
  history(): Latent[];
  /** Replaces the history with arrays shaped as history() returned them (FISEdit resets it outside the mask). */
  restoreHistory(h: Latent[]): void;
  /** A copy with the same state (to branch an edit from a generation). */
  clone(): Scheduler;
}
