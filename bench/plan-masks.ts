// MACs of the full-size SD 2 U-Net (../shared/fixtures/sd2-768-configs) at 768 px, batch 2, dense
// and sparse over the 300 real FISEdit masks of ../shared/data/masks-dev-300.bin, binned by edit
// size around 5%, 15% and 30%, beside the paper's figures. Writes JSON and a Markdown table
// under bench/results/.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanChoices } from '../src/backend/backend.js';
import { CUDA_DEFAULT_PLAN } from '../src/backend/cuda/conv-paths.js';
import { UNetMacCounter } from '../src/edit/macs.js';
import { maskFraction } from '../src/edit/mask.js';
import type { AttentionMode } from '../src/edit/contexts.js';
import type { BlockPolicy } from '../src/edit/plan.js';
import { Config } from '../src/io/config.js';
import { readMaskSet } from '../src/io/fismask.js';
import { parseUNetConfig } from '../src/models/unet.js';
import { fixturesDir } from '../src/verify/fixtures.js';
import { resultsDir } from './output.js';

const fixtures = fixturesDir();
if (!fixtures) throw new Error('fixtures not found');
const shared = join(fixtures, '..');
const config = parseUNetConfig(Config.read(join(fixtures, 'sd2-768-configs', 'unet', 'config.json')));
const set = readMaskSet(join(shared, 'data', 'masks-dev-300.bin'));
const counter = new UNetMacCounter(config);
const BINS = [
  { name: '~5%', lo: 0.02, hi: 0.08, paper: 386 },
  { name: '~15%', lo: 0.12, hi: 0.18, paper: 485 },
  { name: '~30%', lo: 0.27, hi: 0.33, paper: 835 },
];
const variants: { name: string; attention: AttentionMode; blocks: BlockPolicy; planOf?: PlanChoices }[] = [
  { name: "the cuda backend's plan (APSC, by rows where it gathers GEMM rows), accurate attention", attention: 'accurate', blocks: 'apsc', planOf: CUDA_DEFAULT_PLAN },
  { name: 'APSC, accurate attention (the cpu default)', attention: 'accurate', blocks: 'apsc' },
  { name: 'APSC, fast attention', attention: 'fast', blocks: 'apsc' },
  { name: 'fixed 8x8 blocks, accurate attention', attention: 'accurate', blocks: 8 },
];
const dense = counter.count(96, 96).totalDense / 1e9;
const started = Date.now();
const results = variants.map((v) => ({
  ...v,
  masks: set.masks.map(({ index, mask }) => {
    const r = counter.count(96, 96, { mask, attention: v.attention, blocks: v.blocks, planOf: v.planOf });
    return { index, editSize: maskFraction(mask), gmac: r.totalSparse! / 1e9, denseFallbacks: r.denseFallbacks! };
  }),
}));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const table = BINS.map((b) => ({
  bin: b.name,
  range: [b.lo, b.hi],
  paperGmac: b.paper,
  byVariant: results.map((r) => {
    const inBin = r.masks.filter((m) => m.editSize >= b.lo && m.editSize < b.hi);
    const g = inBin.map((m) => m.gmac);
    return { variant: r.name, masks: inBin.length, meanEditSize: mean(inBin.map((m) => m.editSize)), meanGmac: mean(g), minGmac: Math.min(...g), maxGmac: Math.max(...g), ofDense: mean(g) / dense };
  }),
}));
const out = {
  what: 'SD 2 U-Net MACs per call at 768x768 (96x96 latents), batch 2, 77 text tokens; sparse = one FISEdit sparse step for each mask of masks-dev-300',
  command: 'node dist/bench/plan-masks.js',
  date: new Date().toISOString(),
  seconds: (Date.now() - started) / 1000,
  denseGmac: dense,
  paper: { denseGmac: 1901, sparseGmac: { '30%': 835, '15%': 485, '5%': 386 } },
  bins: table,
  perMask: results.map((r) => ({ variant: r.name, masks: r.masks })),
};
const md = [
  `| edit size | masks | mean size | ${variants.map((v) => v.name).join(' | ')} | paper |`,
  `| --- | --- | --- | ${variants.map(() => '---').join(' | ')} | --- |`,
  `| dense | | | ${variants.map(() => `${dense.toFixed(0)} G`).join(' | ')} | 1901 G |`,
  ...table.map((b) => `| ${b.bin} | ${b.byVariant[0]!.masks} | ${(b.byVariant[0]!.meanEditSize * 100).toFixed(1)}% | ${b.byVariant.map((v) => `${v.meanGmac.toFixed(0)} G (${(v.ofDense * 100).toFixed(0)}%)`).join(' | ')} | ${b.paperGmac} G |`),
].join('\n');
console.log(md);
const stem = join(resultsDir(), `${out.date.slice(0, 10)}-plan-sd2-768`);
writeFileSync(`${stem}.json`, `${JSON.stringify(out, null, 1)}\n`);
writeFileSync(`${stem}.md`, `# ${out.what}\n\nCommand: \`${out.command}\` (${out.date})\n\n${md}\n`);
console.log(`wrote ${stem}.json and .md`);
