// `fisedit golden` (what `npm run golden` runs) over every reference fixture: all rows must pass.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { requireFixtures } from './helpers.js';
import { runCli } from './run-cli.js';

it('npm run golden: every golden check passes on the cpu backend', { timeout: 20 * 60_000 }, () => {
  const dir = requireFixtures();
  const r = runCli(['golden', '--fixtures', dir]);
  process.stdout.write(r.stdout);
  const summary = /golden: (\d+) passed, (\d+) failed/.exec(r.stdout);
  assert.ok(summary, `no summary line:\n${r.stdout}\n${r.stderr}`);
  // 20 tokenizer cases x 2, 24 scheduler runs, and 18 model checks x 2
  assert.equal(Number(summary[1]), 40 + 24 + 36, r.stdout);
  assert.equal(Number(summary[2]), 0, r.stdout);
  assert.equal(r.status, 0);
});
