// Where benchmark results go: $OUT when set (the device machine's folder that comes back), else
// bench/results/ of the package; each a JSON file named by its date and what it measured.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { choicesFile } from '../src/backend/cuda/trials.js';
import { PACKAGE_ROOT } from '../src/verify/fixtures.js';

export function resultsDir(): string {
  const dir = process.env.OUT ?? join(PACKAGE_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The GPU libraries' remembered choices as a run leaves them: per library and machine key, how many
 * families and a digest of their choices. Two runs with the same digests ran the same algorithms; a
 * fresh home's trials can choose differently from process to process (one cuBLASLt family of a 768
 * px sparse step took 16.1 or 27.6 us a launch, 20 a step: docs/gpu-history.md, session 35).
 */
export function choicesSummary(): Record<string, Record<string, { families: number; digest: string }>> {
  const out: Record<string, Record<string, { families: number; digest: string }>> = {};
  for (const library of ['cublaslt', 'cudnn'] as const) {
    const file = choicesFile(library);
    if (!existsSync(file)) continue;
    let byMachine: Record<string, Record<string, unknown>>;
    try {
      byMachine = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
    } catch {
      continue; // a store being rewritten, or damaged: its own reader says so when it matters
    }
    out[library] = Object.fromEntries(Object.entries(byMachine).map(([machine, families]) => {
      const sorted = Object.keys(families).sort().map((k) => [k, families[k]]);
      return [machine, { families: sorted.length, digest: createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 12) }];
    }));
  }
  return out;
}

/**
 * Writes `out` as <date>-<name>[-<BENCH_TAG>].json under resultsDir(), with the libraries' choices
 * (choicesSummary), says so, and returns the path (BENCH_TAG: runs of an A/B in one folder keep their own files).
 */
export function writeResult(name: string, out: { date: string } & Record<string, unknown>): string {
  const tag = process.env.BENCH_TAG ? `-${process.env.BENCH_TAG.replace(/[^\w.-]/g, '_')}` : '';
  const file = join(resultsDir(), `${out.date.slice(0, 10)}-${name}${tag}.json`);
  writeFileSync(file, `${JSON.stringify({ ...out, libraryChoices: choicesSummary() }, null, 2)}\n`);
  console.log(`wrote ${file}`);
  return file;
}
