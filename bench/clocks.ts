// The GPU's SM clock, power draw and temperature, read through NVML (libnvidia-ml.so.1, which comes
// with the driver) between a bench's timed calls. An H200 under its power limit clocks by what it
// has been doing and by the data it multiplies (session 38: a 768 px U-Net call draws ~690 W, and the
// SM clock falls from 1980 to 1770-1860 MHz; a trial that left kernels out on garbage data drew ~560 W
// and kept 1980, so ran 6% faster), so a run says at what clocks it ran, and what energy its calls
// took (the driver's energy counter): where a call is bound by the power limit, its time follows its
// energy. Where NVML cannot be had, nothing is read and the run's JSON says `clocks: null`.
import { bindFunctions, loadLibrary } from '../src/backend/cuda/libs.js';
import { median } from './stats.js';

const NVML_SUCCESS = 0, NVML_CLOCK_SM = 1, NVML_TEMPERATURE_GPU = 0;

/** BENCH_ENERGY_S: the seconds of back-to-back calls whose energy a bench reads (0: none), `fallback` where unset. */
export function energySecondsOption(fallback: number): number {
  const v = process.env.BENCH_ENERGY_S, seconds = v === undefined ? fallback : v.trim() === '' ? NaN : Number(v);
  if (!(seconds >= 0)) throw new Error(`BENCH_ENERGY_S=${v}: seconds, 0 or more`);
  return seconds;
}

/** Calls run back to back (no wait between them) and the energy the GPU took over them. */
export interface BackToBack {
  calls: number;
  msPerCall: number;
  /** null where NVML's energy counter cannot be read */
  joulesPerCall: number | null;
  watts: number | null;
}

/**
 * Runs `call` back to back for `seconds` (from `msPerCall`, the call's time measured alone; at least
 * `minCalls`), as a pipeline's steps run, then synchronises: the time a call took and the energy,
 * from NVML's counter. Over fewer seconds the counter's steps show (over 0.25 s, 50 calls at 512 px,
 * it said 560-860 W where the power readings said ~350: session 38's call 3).
 */
export function backToBack(clocks: Pick<GpuClocks, 'energyMJ'> | undefined, call: () => void, synchronize: () => void, msPerCall: number, seconds: number, minCalls: number): BackToBack {
  const calls = Math.max(minCalls, Math.ceil((seconds * 1000) / msPerCall));
  synchronize();
  const e0 = clocks?.energyMJ(), t0 = performance.now();
  for (let i = 0; i < calls; i++) call();
  synchronize();
  const ms = performance.now() - t0, e1 = clocks?.energyMJ();
  const joules = e0 !== undefined && e1 !== undefined ? (e1 - e0) / 1000 : undefined;
  return {
    calls,
    msPerCall: +(ms / calls).toFixed(2),
    joulesPerCall: joules === undefined ? null : +(joules / calls).toFixed(3),
    watts: joules === undefined ? null : +(joules / (ms / 1000)).toFixed(0),
  };
}

/** A back-to-back measure of replays of `perReplay` calls each (a graph of several), per call. */
export function perCall(b: BackToBack, perReplay: number): BackToBack {
  return {
    calls: b.calls * perReplay,
    msPerCall: +(b.msPerCall / perReplay).toFixed(4),
    joulesPerCall: b.joulesPerCall === null ? null : +(b.joulesPerCall / perReplay).toFixed(5),
    watts: b.watts,
  };
}

/** A back-to-back measure of calls of `flop` each, with the energy a FLOP: pJ, or J a TFLOP (null without NVML). */
export function withEnergyPerFlop(b: BackToBack, flop: number): BackToBack & { pjPerFlop: number | null } {
  return { ...b, pjPerFlop: b.joulesPerCall === null ? null : +((b.joulesPerCall / flop) * 1e12).toFixed(3) };
}

/** What a run's samples say: the SM clock's median and range, the median power and the hottest reading. */
export interface ClockSummary {
  samples: number;
  smMHz: number;
  smMHzMin: number;
  smMHzMax: number;
  powerW: number;
  tempCMax: number;
}

export class GpuClocks {
  private readonly samples: { smMHz: number; powerW: number; tempC: number }[] = [];

  private constructor(private readonly f: Record<string, (...args: unknown[]) => number>, private readonly device: unknown) {}

  /**
   * NVML's device `index` (0: the only GPU of the benches' machines; NVML's order ignores
   * CUDA_VISIBLE_DEVICES), or undefined where the library or the device cannot be had.
   */
  static open(index = 0): GpuClocks | undefined {
    try {
      const f = bindFunctions(loadLibrary('NVML', ['libnvidia-ml.so.1', 'libnvidia-ml.so']), {
        init: 'int nvmlInit_v2()',
        handle: 'int nvmlDeviceGetHandleByIndex_v2(uint32_t index, _Out_ void **device)',
        clock: 'int nvmlDeviceGetClockInfo(void *device, int type, _Out_ uint32_t *mhz)',
        power: 'int nvmlDeviceGetPowerUsage(void *device, _Out_ uint32_t *milliwatts)',
        temperature: 'int nvmlDeviceGetTemperature(void *device, int sensor, _Out_ uint32_t *celsius)',
        energy: 'int nvmlDeviceGetTotalEnergyConsumption(void *device, _Out_ uint64_t *millijoules)',
      });
      const device = [null];
      if (f.init!() !== NVML_SUCCESS || f.handle!(index, device) !== NVML_SUCCESS) return undefined;
      return new GpuClocks(f, device[0]);
    } catch {
      return undefined; // no driver library here (a CPU machine): the bench runs without clocks
    }
  }

  /** One reading (skipped where NVML answers with an error). Between timed calls: it costs host time. */
  sample(): void {
    const mhz = [0], mw = [0], c = [0];
    try {
      const ok = [this.f.clock!(this.device, NVML_CLOCK_SM, mhz), this.f.power!(this.device, mw), this.f.temperature!(this.device, NVML_TEMPERATURE_GPU, c)].every((r) => r === NVML_SUCCESS);
      if (ok) this.samples.push({ smMHz: mhz[0]!, powerW: mw[0]! / 1000, tempC: c[0]! });
    } catch {
      // a reading the library refuses costs the run its clocks, never its figures
    }
  }

  /** The GPU's energy counter (mJ since the driver loaded), or undefined where NVML refuses it. */
  energyMJ(): number | undefined {
    const mj = [0];
    try {
      return this.f.energy!(this.device, mj) === NVML_SUCCESS ? Number(mj[0]) : undefined;
    } catch {
      return undefined;
    }
  }

  /** The samples since the last summary (which it forgets), or null where there were none. */
  summary(): ClockSummary | null {
    const s = this.samples.splice(0);
    if (!s.length) return null;
    const mhz = s.map((x) => x.smMHz);
    return { samples: s.length, smMHz: median(mhz), smMHzMin: Math.min(...mhz), smMHzMax: Math.max(...mhz), powerW: +median(s.map((x) => x.powerW)).toFixed(0), tempCMax: Math.max(...s.map((x) => x.tempC)) };
  }
}
