// The host time a new plan's first sparse step spends in our model and plan code at 768 px: the SD 2
// U-Net (../shared/fixtures/sd2-768-configs) run dense and then sparse on the counting backend (shapes
// only: no arithmetic, no device, so what is timed is the model, the step context and the plan made
// afresh for each mask, as an edit's first sparse step makes it), with the cuda backend's plan choices,
// for each of the 300 masks of masks-dev-300. The backend's own host costs (launches, library calls,
// the capture) come on top; bench:edit's hostCosts have those. Any machine. Writes JSON to $OUT (or
// bench/results/).
import { join } from 'node:path';
import { CUDA_DEFAULT_PLAN } from '../src/backend/cuda/conv-paths.js';
import { UNetMacCounter } from '../src/edit/macs.js';
import { maskFraction } from '../src/edit/mask.js';
import { Config } from '../src/io/config.js';
import { readMaskSet } from '../src/io/fismask.js';
import { parseUNetConfig } from '../src/models/unet.js';
import { fixturesDir } from '../src/verify/fixtures.js';
import { median } from './stats.js';
import { writeResult } from './output.js';

const fixtures = fixturesDir();
if (!fixtures) throw new Error('fixtures not found (FISEDIT_FIXTURES)');
const config = parseUNetConfig(Config.read(join(fixtures, 'sd2-768-configs', 'unet', 'config.json')));
const set = readMaskSet(process.env.FISEDIT_MASKS ?? join(fixtures, '..', 'data', 'masks-dev-300.bin'));
const counter = new UNetMacCounter(config);
/** Passes over the masks; the first warms the JIT up and is not counted. */
const PASSES = 3;

const ms: number[][] = set.masks.map(() => []);
for (let pass = 0; pass < PASSES; pass++) {
  set.masks.forEach(({ mask }, i) => {
    const t0 = performance.now();
    counter.count(96, 96, { mask, planOf: CUDA_DEFAULT_PLAN });
    if (pass > 0) ms[i]!.push(performance.now() - t0);
  });
}
const perMask = set.masks.map(({ index, mask }, i) => ({ index, editSize: +maskFraction(mask).toFixed(4), ms: +median(ms[i]!).toFixed(2) }));
const bins = [[0, 0.08], [0.08, 0.2], [0.2, 1]].map(([lo, hi]) => {
  const inBin = perMask.filter((m) => m.editSize >= lo! && m.editSize < hi!).map((m) => m.ms);
  return { editSize: `${lo}-${hi}`, masks: inBin.length, medianMs: inBin.length ? +median(inBin).toFixed(2) : undefined };
});
const all = +median(perMask.map((m) => m.ms)).toFixed(2);
console.log(`model and plan code of a dense and a new plan's sparse U-Net call at 768 px: median ${all} ms a mask; by edit size ${JSON.stringify(bins)}`);
writeResult('plan-host', {
  what: "host ms of the SD 2 U-Net's model, step-context and plan code at 768 px, a dense then a sparse call on the counting backend with a plan made afresh per mask (the cuda backend's choices), median over passes 2-3, per mask of masks-dev-300",
  command: 'node dist/bench/plan-host.js',
  date: new Date().toISOString(),
  medianMs: all,
  bins,
  perMask,
});
