// Choosing a convolution's cuDNN engine configuration by timing: the first few configurations of the
// heuristic's list, each run on the second stream against scratch buffers of its own (legal while the
// main stream is being captured, which is when a U-Net's convolutions first meet a shape), the
// fastest kept. The heuristic's first was 1.0-1.7x slower than the fastest of its first 12 for the
// SD 2 U-Net's 3x3 convolutions on the H200 (bench/results/2026-12-01-conv-engines*.json). Choices
// are remembered on disk per GPU and cuDNN version, so a machine pays the trials once.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fiseditHome } from '../../util/home.js';
import { HEUR_A, type CudnnEngines, type EngineChoice } from './cudnn-engines.js';
import type { ConvShape } from './cudnn.js';
import type { Driver } from './driver.js';

/** Configurations timed, from the top of the heuristic's list (the fastest were within its first 12). */
const CANDIDATES = 12;
/** Runs timed per configuration, after one that loads its kernels; the least of two rounds counts. */
const RUNS = 2, ROUNDS = 2;

/** Choices by family of shapes (cudnn.ts algorithmKey), for one GPU and cuDNN version, kept in a JSON file. */
export class ChoiceStore {
  private readonly file: string;
  private readonly machine: string;
  private readonly choices: Map<string, EngineChoice>;

  constructor(gpu: string, cudnnVersion: number) {
    this.file = process.env.FISEDIT_CUDNN_CHOICES ?? join(fiseditHome(), 'cudnn-choices.json');
    this.machine = `${gpu} cudnn ${cudnnVersion}`;
    this.choices = new Map(Object.entries(this.read()[this.machine] ?? {}));
  }

  private read(): Record<string, Record<string, EngineChoice>> {
    try {
      return existsSync(this.file) ? JSON.parse(readFileSync(this.file, 'utf8')) : {};
    } catch {
      return {}; // unreadable: trials again, and the next write replaces it
    }
  }

  get(family: string): EngineChoice | undefined {
    return this.choices.get(family);
  }

  /** Remembers a choice, in this process and on disk (merged with what other processes wrote meanwhile). */
  set(family: string, c: EngineChoice): void {
    this.choices.set(family, c);
    try {
      const all = this.read();
      all[this.machine] = { ...all[this.machine], [family]: c };
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(all));
      renameSync(tmp, this.file);
    } catch {
      // a read-only home: the choice holds for this process
    }
  }
}

/**
 * The fastest of the heuristic's first configurations for a plain convolution of shape `s` (fp16,
 * NHWC), by timing on the tuner's stream (the driver's second stream), or undefined when none runs
 * within `workspaceBytes`. Scratch memory is the tuner's own, so nothing queued or captured on the
 * main stream is touched.
 */
export function fastestConfiguration(tuner: CudnnEngines, driver: Driver, s: ConvShape, workspaceBytes: number): EngineChoice | undefined {
  const configs = tuner.configs(tuner.graph(s, false, false), HEUR_A);
  const plans = configs.slice(0, CANDIDATES).flatMap((config, rank) => {
    const p = tuner.plan(config, rank);
    if (p && p.workspaceBytes <= workspaceBytes) return [{ p, config }];
    if (p) tuner.release(p);
    return [];
  });
  const done = () => {
    plans.forEach(({ p }) => tuner.release(p));
    configs.forEach((c) => tuner.forget(c));
  };
  if (plans.length < 2) {
    const only = plans[0] && tuner.choice(plans[0].config);
    done();
    return only;
  }
  const align = (b: number) => Math.ceil(b / 256) * 256;
  const xBytes = align(s.n * s.h * s.w * s.ci * 2), wBytes = align(s.co * s.ci * s.kh * s.kw * 2), yBytes = align(s.n * s.ho * s.wo * s.co * 2);
  const scratch = driver.alloc(xBytes + wBytes + yBytes + Math.max(...plans.map(({ p }) => p.workspaceBytes)));
  const side = driver.sideStream();
  const start = driver.event(), end = driver.event();
  try {
    let best: { ms: number; config: bigint } | undefined;
    for (const { p, config } of plans) {
      const pack = tuner.pack(scratch + xBytes + wBytes + yBytes, scratch, scratch + xBytes, scratch + xBytes + wBytes);
      try {
        tuner.run(p, pack);
        let ms = Infinity;
        for (let r = 0; r < ROUNDS; r++) {
          driver.record(start, false, side);
          for (let i = 0; i < RUNS; i++) tuner.run(p, pack);
          driver.record(end, false, side);
          driver.synchronize(side);
          ms = Math.min(ms, driver.elapsed(start, end) / RUNS);
        }
        if (!best || ms < best.ms) best = { ms, config };
      } finally {
        tuner.dropPack(pack);
      }
    }
    return best && tuner.choice(best.config);
  } finally {
    driver.synchronize(side);
    driver.free(scratch);
    driver.destroyEvent(start);
    driver.destroyEvent(end);
    done();
  }
}
