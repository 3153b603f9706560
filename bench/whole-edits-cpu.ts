// bench:edit's whole edits on the cpu backend at a small size (64 px by default: ~18 minutes on a
// 2-core machine): each edit's mask size and the level histogram its automatic mask came from, the
// reference for the cuda run's (no CUDA graphs here, so nothing recorded is replayed). Writes JSON
// to $OUT (or bench/results/).
import { CpuBackend } from '../src/backend/cpu/cpu.js';
import { EditSession } from '../src/edit/session.js';
import { benchEnvironment } from './random-weights.js';
import { BASE_PROMPT, WHOLE_EDITS, histogramSummary, randomSd2 } from './sd2.js';
import { writeResult } from './output.js';

const px = Number(process.env.BENCH_PX ?? 64), steps = Number(process.env.BENCH_STEPS ?? 12), k = Math.min(10, steps - 1);
const cpu = new CpuBackend();
const sd = randomSd2(cpu);
let counts: Float64Array | undefined;
const levelCounts = cpu.latents.levelCounts.bind(cpu.latents);
cpu.latents.levelCounts = (levels) => (counts = levelCounts(levels));
const session = new EditSession(sd);
session.generate({ prompt: BASE_PROMPT, steps, width: px, height: px, seed: 1, scheduler: 'dpmpp2m', recordSteps: k });
const edits = WHOLE_EDITS.map(({ prompt, targetSize }) => {
  const t0 = performance.now();
  const v = session.edit(prompt, { from: 0, threshold: { targetSize }, denseSteps: k });
  const r = { prompt, targetSize, editSize: +v.editSize.toFixed(4), maskLevels: histogramSummary(counts!), seconds: +((performance.now() - t0) / 1000).toFixed(0) };
  console.log(JSON.stringify(r));
  session.checkout(0);
  session.release(v.id);
  return r;
});
writeResult(`whole-edits-cpu-${px}`, {
  what: `bench:edit's whole edits (SD 2, random weights) on the cpu backend at ${px} px: ${steps}-step session, k = ${k} dense steps, mask size and level histogram per edit`,
  command: `${benchEnvironment()}node dist/bench/whole-edits-cpu.js`,
  date: new Date().toISOString(),
  edits,
});
