// Session 63, with …-s63-next-plan-by-outputs.diff applied and built: U-Net MACs of a 768 px sparse step (batch 2) for
// six masks of the bins, the cuda plan as before (APSC by gathered volume) against APSC by outputs where
// the backend convolves tiles by Winograd (Backend.tileBlocksByOutputs). node bench/results/2026-12-04-s63-next-plan-by-outputs-macs.mjs
import { join } from 'node:path';
import { CUDA_DEFAULT_PLAN } from '/work/main/dist/src/backend/cuda/conv-paths.js';
import { UNetMacCounter } from '/work/main/dist/src/edit/macs.js';
import { Config } from '/work/main/dist/src/io/config.js';
import { readMaskSet } from '/work/main/dist/src/io/fismask.js';
import { parseUNetConfig } from '/work/main/dist/src/models/unet.js';
const config = parseUNetConfig(Config.read('/work/shared/fixtures/sd2-768-configs/unet/config.json'));
const set = readMaskSet('/work/shared/data/masks-dev-300.bin');
const counter = new UNetMacCounter(config);
const byVolume = { tileRowsChoice: CUDA_DEFAULT_PLAN.tileRowsChoice };
for (const idx of [88, 188, 19, 66, 213, 268]) {
  const { mask } = set.masks.find((m) => m.index === idx);
  const a = counter.count(96, 96, { mask, planOf: byVolume }).totalSparse / 1e9, b = counter.count(96, 96, { mask, planOf: CUDA_DEFAULT_PLAN }).totalSparse / 1e9;
  console.log(`mask ${idx}: by volume ${a.toFixed(0)} G, by outputs at 96 x 96 ${b.toFixed(0)} G (${((b / a - 1) * 100).toFixed(1)}%)`);
}
