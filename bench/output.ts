// Where benchmark results go: $OUT when set (the device machine's folder that comes back), else
// bench/results/ of the package; each a JSON file named by its date and what it measured.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/verify/fixtures.js';

export function resultsDir(): string {
  const dir = process.env.OUT ?? join(PACKAGE_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Writes `out` as <date>-<name>[-<BENCH_TAG>].json under resultsDir(), says so, and returns the path
 * (BENCH_TAG: runs of an A/B in one folder keep their own files).
 */
export function writeResult(name: string, out: { date: string } & Record<string, unknown>): string {
  const tag = process.env.BENCH_TAG ? `-${process.env.BENCH_TAG.replace(/[^\w.-]/g, '_')}` : '';
  const file = join(resultsDir(), `${out.date.slice(0, 10)}-${name}${tag}.json`);
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote ${file}`);
  return file;
}
