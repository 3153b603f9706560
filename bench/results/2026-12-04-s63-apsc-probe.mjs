// Session 63: each 3x3 stride-1 convolution level of a 768 px U-Net (96, 48, 24, 12), the plan APSC makes for a
// few masks of masks-dev-300 (by gathered volume) beside each even block size alone: outputs computed /
// gathered volume ("dense": past DENSE_FALLBACK). Run from the repository root after a build: node bench/results/2026-12-04-s63-apsc-probe.mjs
import { join } from 'node:path';
import { SparsePlan, planConv, APSC_BLOCKS } from '/work/main/dist/src/edit/plan.js';
import { readMaskSet } from '/work/main/dist/src/io/fismask.js';
import { maskFraction } from '/work/main/dist/src/edit/mask.js';
const set = readMaskSet('/work/shared/data/masks-dev-300.bin');
for (const idx of [88, 19, 213, 268]) {
  const { mask } = set.masks.find((m) => m.index === idx);
  const plan = new SparsePlan(mask, 96, 96);
  const out = [];
  for (const s of [96, 48, 24, 12]) {
    const g = { inH: s, inW: s, kernel: 3, stride: 1, padding: [1, 1, 1, 1] };
    const level = (h, w) => plan.level(h, w);
    const p = planConv(g, level, 'apsc');
    const alt = APSC_BLOCKS.filter((b) => b >= 4 && b % 2 === 0 && b <= s).map((b) => { const q = planConv(g, level, b); return q.kind === 'tiles' ? { b, outputs: q.corners.length / 2 * b * b, volume: q.gathered } : { b, dense: true }; });
    out.push(`${s}: apsc ${p.kind === 'tiles' ? `b${p.block} outputs ${p.corners.length / 2 * p.block ** 2} vol ${p.gathered}` : 'dense'} | ` + alt.map((a) => a.dense ? `b${a.b} dense` : `b${a.b} ${a.outputs}/${a.volume}`).join(' '));
  }
  console.log(`mask ${idx} ${(maskFraction(mask) * 100).toFixed(1)}% active@96 ${plan.tokens(96, 96).length}`); out.forEach((l) => console.log('  ' + l));
}
