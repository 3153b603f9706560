// The web page end to end in headless Chromium (Debian's chromium, driven by playwright-core):
// generate, edit, see the mask, toggle it, paint a mask (sent ahead of its prompt), edit the shown
// edit's region again, go back to a version. Screenshots are
// kept in test-artifacts/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { chromium } from 'playwright-core';
import { CpuBackend } from '../src/backend/cpu/cpu.js';
import { ensureTinyModel } from '../src/default/tiny-model.js';
import { StableDiffusion } from '../src/pipeline/text-to-image.js';
import { buildServer } from '../src/serve/server.js';
import { PACKAGE_ROOT } from '../src/verify/fixtures.js';
import { tempDir } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

it('the web page: generate, edit, mask overlay, painted mask, history', { timeout: 5 * 60_000 }, async () => {
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (.ci/run installs Debian's chromium; or set CHROMIUM_PATH)`);
  const shots = join(PACKAGE_ROOT, 'test-artifacts');
  mkdirSync(shots, { recursive: true });
  const sd = StableDiffusion.load(ensureTinyModel(join(tempDir('fisedit-home-'), 'tiny')), new CpuBackend());
  const { app } = buildServer({ sd, dataDir: tempDir() });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 760 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(address);
    await page.fill('#prompt', 'a red cube on a table');
    await page.click('#generate');
    await page.waitForSelector('.version[data-version="0"]', { timeout: 120_000 });
    await page.waitForFunction(() => (document.getElementById('image') as HTMLImageElement).naturalWidth === 256);
    await page.screenshot({ path: join(shots, '1-generated.png') });

    await page.fill('#editPrompt', 'a blue cube on a table with a hat');
    await page.click('#edit');
    await page.waitForSelector('.version.current[data-version="1"]', { timeout: 120_000 });
    assert.equal(await page.isVisible('#overlay'), true, 'the mask overlay shows after an edit');
    assert.match(await page.textContent('#timings') ?? '', /edit size [\d.]+% · dense 2 steps/);
    await page.screenshot({ path: join(shots, '2-edited-with-mask.png') });
    await page.uncheck('#showMask');
    assert.equal(await page.isVisible('#overlay'), false, 'the overlay toggles off');
    await page.check('#showMask');

    await page.check('input[name=maskMode][value=paint]');
    const box = (await page.locator('#paint').boundingBox())!;
    await page.mouse.move(box.x + 40, box.y + 40);
    await page.mouse.down();
    await page.mouse.move(box.x + 160, box.y + 120, { steps: 8 });
    // the stroke's end sends the mask ahead of the prompt (the server says the cpu has nothing to record)
    const ahead = page.waitForResponse((r) => r.url().endsWith('/masks') && r.request().method() === 'POST', { timeout: 10_000 });
    await page.mouse.up();
    const sent = await ahead;
    assert.deepEqual([sent.status(), (await sent.json()).prepared], [200, false]);
    await page.fill('#editPrompt', 'a blue cube on a table with a red hat');
    await page.click('#edit');
    await page.waitForSelector('.version.current[data-version="2"]', { timeout: 120_000 });
    const painted = await page.textContent('.version[data-version="2"] small');
    assert.match(painted ?? '', /edit \d+% of the image/);
    await page.screenshot({ path: join(shots, '3-painted-mask.png') });

    // the shown edit's mask for another prompt: sent ahead when chosen, then the same region edited
    const shownAhead = page.waitForResponse((r) => r.url().endsWith('/masks') && r.request().method() === 'POST', { timeout: 10_000 });
    await page.check('input[name=maskMode][value=shown]');
    assert.equal((await shownAhead).status(), 200);
    await page.fill('#editPrompt', 'a blue cube on a table with a green hat');
    await page.click('#edit');
    await page.waitForSelector('.version.current[data-version="3"]', { timeout: 120_000 });
    assert.equal(await page.textContent('.version[data-version="3"] small'), painted, 'the same region as the shown edit');

    await page.click('.version[data-version="0"]');
    await page.waitForSelector('.version.current[data-version="0"]');
    assert.equal(await page.isVisible('#overlay'), false, 'the generation has no mask');
    assert.equal(await page.isDisabled('input[name=maskMode][value=shown]'), true, 'no edit shown, no mask to take');
    assert.equal(await page.isChecked('input[name=maskMode][value=auto]'), true);
    await page.screenshot({ path: join(shots, '4-back-to-version-0.png') });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await app.close();
  }
});
