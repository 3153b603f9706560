// Where the reference fixtures live: $FISEDIT_FIXTURES, else ../shared/fixtures beside the checkout.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (this file is dist/src/verify/fixtures.js once built). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function fixturesDir(): string | undefined {
  const candidates = [process.env.FISEDIT_FIXTURES, join(PACKAGE_ROOT, '..', 'shared', 'fixtures')];
  return candidates.find((c): c is string => !!c && existsSync(join(c, 'golden_tokenizer.json')));
}
