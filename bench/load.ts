// Load on `fisedit serve` (tiny model, CPU, loopback): many clients at once, each making a session
// and several edits. Prints the figures and writes JSON under bench/results/.
import { join } from 'node:path';
import { CpuBackend } from '../src/backend/cpu/cpu.js';
import { ensureTinyModel } from '../src/default/tiny-model.js';
import { StableDiffusion } from '../src/pipeline/text-to-image.js';
import { FiseditClient, runLoad } from '../src/serve/client.js';
import { buildServer } from '../src/serve/server.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { writeResult } from './output.js';

const clients = Number(process.argv[2] ?? 16);
const edits = Number(process.argv[3] ?? 3);
const settings = { steps: 8, width: 64, height: 64 };
const work = mkdtempSync(join(tmpdir(), 'fisedit-load-'));
const sd = StableDiffusion.load(ensureTinyModel(join(work, 'tiny')), new CpuBackend());
const { app } = buildServer({ sd, dataDir: join(work, 'data'), memoryBudget: 64 * 2 ** 20 });
const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
const result = await runLoad(new FiseditClient({ baseUrl }), clients, edits, settings);
await app.close();
const out = {
  what: `fisedit serve, embedded tiny model on the CPU, loopback: ${clients} concurrent clients x (1 generation + ${edits} edits), ${settings.steps} steps at ${settings.width}x${settings.height}, memory budget 64 MiB`,
  command: `node dist/bench/load.js ${clients} ${edits}`,
  date: new Date().toISOString(),
  result,
};
console.log(JSON.stringify(out, null, 2));
writeResult('serve-load', out);
