// How long the tiny U-Net (../shared/fixtures/tiny-sd2) takes on the cpu backend at 32x32 latents,
// batch 2 (classifier-free guidance), 77 text tokens. Prints the figures and writes JSON under
// bench/results/ with the command that produced them.
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { CpuBackend } from '../src/backend/cpu/cpu.js';
import { ModelFolder } from '../src/pipeline/model-folder.js';
import { Random } from '../src/util/random.js';
import { fixturesDir } from '../src/verify/fixtures.js';
import { median } from './stats.js';
import { writeResult } from './output.js';

const dir = fixturesDir();
if (!dir) throw new Error('fixtures not found (FISEDIT_FIXTURES or ../shared/fixtures)');
const model = process.argv[2] ?? 'tiny-sd2';
const runs = Number(process.argv[3] ?? 5);
const cpu = new CpuBackend();
const unet = ModelFolder.open(join(dir, model)).unet(cpu);
const rnd = new Random(0);
const sample = cpu.fromHost(rnd.normal(2 * 32 * 32 * 4), [2, 32, 32, 4]);
const context = cpu.fromHost(rnd.normal(2 * 77 * unet.config.crossAttentionDim), [2, 77, unet.config.crossAttentionDim]);

unet.forward(sample, [500, 500], context); // warm-up (JIT)
const ms: number[] = [];
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  unet.forward(sample, [500, 500], context);
  ms.push(performance.now() - t);
}
ms.sort((a, b) => a - b);
const result = {
  what: `${model} U-Net, cpu backend, 32x32 latents, batch 2, 77 tokens`,
  command: `node dist/bench/tiny-unet.js ${model} ${runs}`,
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  runs,
  msMedian: Math.round(median(ms)),
  msMin: Math.round(ms[0]!),
  msMax: Math.round(ms[ms.length - 1]!),
};
console.log(`${result.what}: median ${result.msMedian} ms (min ${result.msMin}, max ${result.msMax}) over ${runs} calls on ${result.machine.cores} x ${result.machine.cpu}`);
writeResult('tiny-unet-cpu', result);
