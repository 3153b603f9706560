// `fisedit plan`: U-Net MACs per layer and in total for a config, an image size and a mask, dense
// and sparse, without weights.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { PlanChoices } from '../backend/backend.js';
import { CUDA_DEFAULT_PLAN } from '../backend/cuda/conv-paths.js';
import { UNetMacCounter, type MacReport } from '../edit/macs.js';
import { maskFromPng } from '../edit/mask-image.js';
import { Config } from '../io/config.js';
import { FiseditError } from '../io/errors.js';
import { parseUNetConfig } from '../models/unet.js';

export const PLAN_HELP = `fisedit plan: U-Net MACs per layer, dense and sparse, from a config alone

  fisedit plan (--model DIR | --unet-config FILE) [--size PX] [--mask FILE.png]
               [--batch N] [--blocks apsc|N] [--attention accurate|fast] [--plan-of cpu|cuda]
               [--vae-factor 8] [--json]

  --size PX      image side in pixels (default: the config's sample_size x 8)
  --mask FILE    PNG at latent or image resolution, white = edit; without it only dense MACs
  --batch N      U-Net batch (default 2: classifier-free guidance)
  --plan-of B    the backend whose plan to count (default cpu: APSC's blocks everywhere; cuda: blocks
                 of one position where it convolves tiles as GEMM rows, >= 640 channels)
  --json         print the report as JSON instead of a table
`;

/** Each backend's plan choices without the backend (the cuda backend's with its default modes). */
const PLAN_OF: Record<string, PlanChoices> = { cpu: {}, cuda: CUDA_DEFAULT_PLAN };

export function planCommand(args: string[]): void {
  const { values: v } = parseArgs({
    args, strict: true,
    options: {
      model: { type: 'string' }, 'unet-config': { type: 'string' }, size: { type: 'string' }, mask: { type: 'string' },
      batch: { type: 'string' }, blocks: { type: 'string' }, attention: { type: 'string' }, 'plan-of': { type: 'string' }, 'vae-factor': { type: 'string' }, json: { type: 'boolean' },
    },
  });
  const file = v['unet-config'] ?? (v.model ? join(v.model, 'unet', 'config.json') : undefined);
  if (!file) throw new FiseditError('plan needs --model DIR or --unet-config FILE');
  const config = parseUNetConfig(Config.read(file));
  const factor = Number(v['vae-factor'] ?? 8);
  const size = Number(v.size ?? config.sampleSize * factor);
  if (!Number.isInteger(size) || size <= 0 || size % factor) throw new FiseditError(`--size must be a positive multiple of ${factor}, got ${v.size}`);
  const latent = size / factor;
  const mask = v.mask ? maskFromPng(readFileSync(v.mask), latent, latent, factor, v.mask) : undefined;
  const blocks = v.blocks === undefined || v.blocks === 'apsc' ? 'apsc' : Number(v.blocks);
  const attention = v.attention === 'fast' ? 'fast' : v.attention === undefined || v.attention === 'accurate' ? 'accurate' : undefined;
  if (!attention) throw new FiseditError(`--attention must be accurate or fast, got ${v.attention}`);
  const batch = Number(v.batch ?? 2);
  if (!Number.isInteger(batch) || batch < 1) throw new FiseditError(`--batch must be a positive integer, got ${v.batch}`);
  const planOf = PLAN_OF[v['plan-of'] ?? 'cpu'];
  if (!planOf) throw new FiseditError(`--plan-of must be cpu or cuda, got ${v['plan-of']}`);
  const report = new UNetMacCounter(config).count(latent, latent, { batch, mask, blocks, attention, planOf });
  if (v.json) process.stdout.write(`${JSON.stringify(reportJson(report, size, batch), null, 2)}\n`);
  else process.stdout.write(formatReport(report, size, batch));
}

export function reportJson(r: MacReport, size: number, batch: number) {
  return {
    size, batch, editSize: r.editSize, gmacDense: r.totalDense / 1e9, gmacSparse: r.totalSparse === undefined ? undefined : r.totalSparse / 1e9,
    denseFallbacks: r.denseFallbacks,
    layers: [...r.dense].map(([name, dense]) => ({ name, dense, sparse: r.sparse?.get(name) ?? (r.sparse ? 0 : undefined) })),
  };
}

function formatReport(r: MacReport, size: number, batch: number): string {
  const g = (n: number) => (n / 1e9).toFixed(3).padStart(10);
  const lines = [`U-Net MACs at ${size}x${size} px, batch ${batch}${r.editSize !== undefined ? `, edit size ${(r.editSize * 100).toFixed(1)}%` : ''}`, ''];
  lines.push(`${'layer'.padEnd(48)} ${'dense GMAC'.padStart(10)}${r.sparse ? ` ${'sparse GMAC'.padStart(11)}` : ''}`);
  for (const [name, dense] of r.dense) lines.push(`${name.padEnd(48)} ${g(dense)}${r.sparse ? ` ${g(r.sparse.get(name) ?? 0).padStart(11)}` : ''}`);
  lines.push('', `${'total'.padEnd(48)} ${g(r.totalDense)}${r.totalSparse !== undefined ? ` ${g(r.totalSparse).padStart(11)}` : ''}`);
  if (r.totalSparse !== undefined) lines.push(`sparse / dense: ${(r.totalSparse / r.totalDense).toFixed(3)}; convolutions on the dense fallback: ${r.denseFallbacks}`);
  return `${lines.join('\n')}\n`;
}
