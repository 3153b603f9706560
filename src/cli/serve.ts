// `fisedit serve`: the HTTP API and the web page.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureTinyModel } from '../default/tiny-model.js';
import { FiseditError } from '../io/errors.js';
import { StableDiffusion } from '../pipeline/text-to-image.js';
import { buildServer } from '../serve/server.js';
import { DEVICE_HELP, backendOption } from './options.js';
import { fiseditHome } from '../util/home.js';
import { defaultModelDir } from './paths.js';

export const SERVE_HELP = `fisedit serve: the HTTP API and the web page

  fisedit serve [--model DIR] [--device cpu|cuda] [--dtype fp16|tf32|fp32] [--data DIR]
                [--host 127.0.0.1] [--port 7860] [--token T] [--memory-budget MB] [--queue N] [--no-warm-up]

${DEVICE_HELP}

  --data DIR        where sessions are kept (default ~/.cache/fisedit/server); they survive restarts
  --token T         require "Authorization: Bearer T" (or FISEDIT_TOKEN); the page takes ?token=T
  --memory-budget   MB of cached activations kept on the device (or in memory on the cpu); beyond it
                    idle sessions' caches move to host memory (GPU) or disk (default 2048)
  --host-budget     MB of caches kept in host memory (GPU only) before they go to disk (default 8192)
  --queue N         jobs that may wait (default 32); more are answered 429
  --no-warm-up      on the GPU, the first job is a throwaway 2-step generation and edit rehearsal at the
                    model's default size (the first calls of a process cost: algorithms, graphs); not so
Binds 127.0.0.1 unless --host says otherwise.
`;

export async function serveCommand(args: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args, strict: true,
    options: { model: { type: 'string' }, device: { type: 'string' }, dtype: { type: 'string' }, data: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' }, token: { type: 'string' }, 'memory-budget': { type: 'string' }, 'host-budget': { type: 'string' }, queue: { type: 'string' }, 'no-warm-up': { type: 'boolean' } },
  });
  const port = Number(v.port ?? 7860);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new FiseditError(`--port must be 0..65535, got ${v.port}`);
  const budget = Number(v['memory-budget'] ?? 2048);
  const hostBudget = Number(v['host-budget'] ?? 8192);
  const queueLimit = Number(v.queue ?? 32);
  if (!(budget >= 0) || !(hostBudget >= 0) || !(queueLimit >= 1)) throw new FiseditError('--memory-budget and --host-budget must be >= 0, --queue >= 1');
  const model = resolve(v.model ?? ensureTinyModel(defaultModelDir()));
  const sd = StableDiffusion.load(model, await backendOption(v));
  const dataDir = resolve(v.data ?? `${fiseditHome()}/server`);
  const { app } = buildServer({ sd, dataDir, token: v.token ?? process.env.FISEDIT_TOKEN, queueLimit, memoryBudget: budget * 2 ** 20, hostBudget: hostBudget * 2 ** 20, ...(v['no-warm-up'] ? { warmUp: false } : {}) });
  const address = await app.listen({ host: v.host ?? '127.0.0.1', port });
  process.stdout.write(`fisedit serving ${model} at ${address} (data in ${dataDir})\n`);
}
