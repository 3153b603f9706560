// Diagnoses golden.test.ts's dependent-launches failure: which runs agree, and what each borrowed.
import { join } from 'node:path';
import { resolve } from 'node:path';
const root = resolve(process.env.DIST ?? 'dist');
const { CudaBackend } = await import(`${root}/src/backend/cuda/cuda.js`);
const { EditSession } = await import(`${root}/src/edit/session.js`);
const { StableDiffusion } = await import(`${root}/src/pipeline/text-to-image.js`);
const { fixturesDir } = await import(`${root}/src/verify/fixtures.js`);
const extra = JSON.parse(process.env.OPTS ?? '{}');
const order = (process.argv[2] ?? 'on,off,on').split(',');
const pipe = process.env.PIPE === 'on';
const model = join(fixturesDir(), 'tiny-sd2');
const gen = { prompt: 'a red cube on a table', steps: 6, seed: 3, width: 128, height: 128, recordSteps: 6 };
const results = [];
for (const [i, v] of order.entries()) {
  const b = new CudaBackend({ math: 'fp16', dependentLaunches: v === 'on', wgmmaPipeline: pipe, ...extra });
  b.hostCosts.take();
  const s = new EditSession(StableDiffusion.load(model, b));
  const v0 = s.generate(gen);
  const c0 = b.hostCosts.take();
  const gc = () => { if (process.env.GC) for (let g = 0; g < 3; g++) globalThis.gc(); };
  gc();
  const edited = s.edit('a red ball on a table', { from: 0, denseSteps: 2 });
  const c1 = b.hostCosts.take();
  gc();
  const again = s.edit('a red ball on a table', { from: 0, denseSteps: 2 });
  b.replays.enabled = false;
  const eager = s.edit('a red ball on a table', { from: 0, denseSteps: 2 });
  b.replays.enabled = true;
  const notes = (c) => Object.entries(c).filter(([k, x]) => /borrow|trial|heuristic/.test(k)).map(([k, x]) => `${k} x${x.calls}${x.of ? ' ' + JSON.stringify(x.of).slice(0, 600) : ''}`);
  console.log(`run ${i} (${v}): generation costs ${notes(c0).join(' | ')}\n   edit costs ${notes(c1).join(' | ')}`);
  results.push([v0.latents, edited.latents, again.latents, eager.latents]);
}
const same = (a, b) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
const maxd = (a, b) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
for (let i = 0; i < results.length; i++) for (let j = i + 1; j < results.length; j++)
  console.log(`runs ${i}(${order[i]}) vs ${j}(${order[j]}): ` + ['generation', 'edit', 'edit again', 'eager'].map((w, k) => `${w} ${same(results[i][k], results[j][k]) ? 'same' : maxd(results[i][k], results[j][k]).toExponential(2)}`).join(', '));
for (let i = 0; i < results.length; i++) console.log(`run ${i}: edit vs again ${same(results[i][1], results[i][2]) ? 'same' : maxd(results[i][1], results[i][2]).toExponential(2)}, edit vs eager ${maxd(results[i][1], results[i][3]).toExponential(2)}`);
