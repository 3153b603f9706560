// Shared test helpers: temporary folders and the fixtures location.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fixturesDir } from '../src/verify/fixtures.js';

export function tempDir(prefix = 'fisedit-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** The reference fixtures; the suite requires them (CI runs with ../shared beside the checkout). */
export function requireFixtures(): string {
  const d = fixturesDir();
  if (!d) throw new Error('reference fixtures not found: set FISEDIT_FIXTURES or place ../shared/fixtures beside the checkout');
  return d;
}
