// What the kernels of one replayed sparse step take each on their own, from Nsight Compute's CSV
// (each kernel of the graph run alone, caches and clocks left as they are), against the graph's
// time: the share of a step that is kernels at work and the share that is the gaps between them.
// On the GPU machine:
//   ncu --profile-from-start off --metrics gpu__time_duration.sum --cache-control none --clock-control none \
//       --print-units base --csv --log-file $OUT/ncu.csv env BENCH_PARTS=kernels BENCH_STEPS=20 node --expose-gc dist/bench/edit.js
//   node dist/bench/kernel-times.js $OUT/ncu.csv <graph ms of the same step from bench:edit's phases>
import { readFileSync } from 'node:fs';
import { writeResult } from './output.js';
import { median } from './stats.js';

/** The fields of one CSV line (quoted fields, commas inside quotes kept). */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = '', quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) (out.push(cur), (cur = ''));
    else cur += ch;
  }
  out.push(cur);
  return out;
}

const [file, graphMsArg] = process.argv.slice(2);
if (!file) throw new Error('usage: node dist/bench/kernel-times.js <ncu csv> [graph ms]');
const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('"'));
const header = fields(lines[0]!);
const col = (name: string) => {
  const i = header.indexOf(name);
  if (i < 0) throw new Error(`${file}: no column "${name}" in ${header.join(', ')}`);
  return i;
};
const nameAt = col('Kernel Name'), metricAt = col('Metric Name'), valueAt = col('Metric Value'), gridAt = col('Grid Size'), blockAt = col('Block Size');
const byName = new Map<string, number[]>();
let totalNs = 0, kernels = 0;
const gridsOf = new Map<string, Map<string, number>>();
for (const line of lines.slice(1)) {
  const f = fields(line);
  if (f[metricAt] !== 'gpu__time_duration.sum') continue;
  const ns = Number(f[valueAt]!.replace(/,/g, ''));
  // library kernels have long template names: their first word and size class are enough
  const name = f[nameAt]!.replace(/\(.*$/, '').replace(/<.*$/, '').slice(0, 80);
  (byName.get(name) ?? byName.set(name, []).get(name)!).push(ns);
  const grids = gridsOf.get(name) ?? gridsOf.set(name, new Map()).get(name)!;
  const g = `${f[gridAt]} x ${f[blockAt]}`;
  grids.set(g, (grids.get(g) ?? 0) + 1);
  totalNs += ns;
  kernels++;
}
const rows = [...byName].map(([name, ns]) => ({
  kernel: name, count: ns.length, totalUs: +(ns.reduce((a, b) => a + b, 0) / 1000).toFixed(1), medianUs: +(median(ns) / 1000).toFixed(2),
  commonGrid: [...gridsOf.get(name)!].sort((a, b) => b[1] - a[1])[0]![0],
})).sort((a, b) => b.totalUs - a.totalUs);
const graphMs = graphMsArg ? Number(graphMsArg) : undefined;
const kernelMs = totalNs / 1e6;
console.log(`${kernels} kernels, ${kernelMs.toFixed(2)} ms alone${graphMs ? ` against ${graphMs} ms as a graph: gaps ${(graphMs - kernelMs).toFixed(2)} ms, ${(((graphMs - kernelMs) * 1000) / kernels).toFixed(2)} µs a kernel` : ''}`);
for (const r of rows.slice(0, 40)) console.log(`${r.totalUs.toFixed(1).padStart(9)} µs ${String(r.count).padStart(4)} x ${r.medianUs.toFixed(2).padStart(7)} µs  ${r.kernel}  (${r.commonGrid})`);
writeResult('sparse-step-kernels', {
  what: 'each kernel of one replayed sparse step (768 px, SD 2, exact statistics; of the first mask of the bin bench:edit was given, BENCH_KERNELS_BIN, ~5% by default) timed alone by Nsight Compute, by kernel: count, total and median microseconds',
  command: `ncu --profile-from-start off --metrics gpu__time_duration.sum --cache-control none --clock-control none --print-units base --csv --log-file ncu.csv env BENCH_PARTS=kernels BENCH_STEPS=20 node --expose-gc dist/bench/edit.js; node dist/bench/kernel-times.js ncu.csv ${graphMsArg ?? ''}`,
  date: new Date().toISOString(),
  kernels, kernelMs: +kernelMs.toFixed(3), graphMs, byKernel: rows,
});
