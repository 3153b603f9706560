// Session 63: for masks 213 (30.1%) and 268 (28.6%) of masks-dev-300, each level of a 768 px U-Net and each block size on a grid
// from (0, 0): the outputs its blocks compute and the input volume they gather, as shares of the dense map
// (what a plan by outputs, Winograd over tiles costing by its outputs, would weigh). node bench/results/2026-12-04-s63-apsc-outputs.mjs
import { SparsePlan } from '/work/main/dist/src/edit/plan.js';
import { readMaskSet } from '/work/main/dist/src/io/fismask.js';
const set = readMaskSet('/work/shared/data/masks-dev-300.bin');
for (const idx of [213, 268]) {
  const { mask } = set.masks.find((m) => m.index === idx);
  const plan = new SparsePlan(mask, 96, 96);
  for (const s of [96, 48, 24]) {
    const lv = plan.level(s, s);
    const row = [];
    for (const b of [2, 4, 8, 12, 16]) {
      let blocks = 0;
      for (let y = 0; y < s; y += b) for (let x = 0; x < s; x += b) {
        let on = false;
        for (let yy = y; yy < Math.min(s, y + b) && !on; yy++) for (let xx = x; xx < Math.min(s, x + b); xx++) if (lv[yy * s + xx]) { on = true; break; }
        if (on) blocks++;
      }
      row.push(`b${b}: outputs ${(blocks * b * b / (s * s) * 100).toFixed(0)}% volume ${(blocks * (b + 2) ** 2 / ((s + 2) ** 2) * 100).toFixed(0)}%`);
    }
    console.log(idx, s, `active ${(lv.reduce((a, v) => a + v, 0) / (s * s) * 100).toFixed(0)}%`, row.join(' | '));
  }
}
