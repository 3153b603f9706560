// The scheduler contract. A scheduler is made for a number of steps, gives the timesteps at which
// the U-Net is called, and advances the latents with each model output. Steps are addressed by
// index (PNDM calls the U-Net twice at one timestep). Multistep schedulers keep a history of model
// outputs; `history` exposes it so an editor can reset parts of it (FISEdit's mask switch).
import type { Latents, Prediction } from './common.js';

export interface Scheduler {
  readonly name: string;
  readonly prediction: Prediction;
  /** The U-Net's timestep at each step index (may be fractional for Euler). */
  readonly timesteps: readonly number[];
  /** Scale of the initial noise (x_T = noise * initNoiseSigma). */
  readonly initNoiseSigma: number;
  /** The U-Net input for step i (Euler divides by sqrt(sigma^2 + 1)). */
  scaleModelInput(x: Latents, i: number): Latents;
  /** Advances the latents from step i to i + 1. Steps must be taken in order. */
  step(modelOutput: Latents, i: number, sample: Latents): Latents;
  /** Model outputs (or converted predictions) the next steps will read; empty for one-step methods. */
  history(): Latents[];
  /** Replaces the history with arrays shaped as history() returned them (FISEdit resets it outside the mask). */
  restoreHistory(h: Latents[]): void;
  /** A copy with the same state (to branch an edit from a generation). */
  clone(): Scheduler;
}
