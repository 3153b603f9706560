// `fisedit edit`: a generation and a chain of edits in one process, written to a folder.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureTinyModel } from '../default/tiny-model.js';
import { UNetMacCounter } from '../edit/macs.js';
import { maskFromPng, maskToPng } from '../edit/mask-image.js';
import { EditSession, type EditOptions, type Version } from '../edit/session.js';
import { FiseditError } from '../io/errors.js';
import { StableDiffusion } from '../pipeline/text-to-image.js';
import { imagePng, overlayPng } from './images.js';
import { defaultModelDir } from './paths.js';
import { progressBar } from './progress.js';
import { DEVICE_HELP, backendOption, choiceOption, numberOption } from './options.js';

export const EDIT_HELP = `fisedit edit: generate, then edit the prompt again and again (FISEdit)

  fisedit edit --prompt P0 --edit P1 [--edit P2 ...] --out-dir D [options]
  fisedit edit --session D --edit P3 [--out-dir D]      continue a saved session

Writes D/0.png (the generation), then for each edit i: D/i.png, D/i.mask.png (white = edited),
D/i.overlay.png (the edited region in red), and D/report.json (timings of dense and sparse
steps, edit size, U-Net MACs, cache bytes). The session is saved in D/session so that a later
run can continue it with --session D.

Options:
  --model DIR            diffusers pipeline folder (default: the embedded tiny model)
${DEVICE_HELP}
  --steps N --guidance G --seed S --width W --height H --scheduler NAME   as in generate
  --mask auto|FILE.png   the edit region: found automatically (default) or a PNG at latent or image
                         resolution, white = edit (one --mask for all edits, or one per --edit)
  --dense-steps K        dense steps first: before the automatic mask (default 20% of the steps), or
                         with --mask FILE, steps recomputed everywhere before the sparse ones (default 0)
  --threshold otsu|F     Otsu (default) or a target edit size F in (0, 1)
  --norm exact|cached    GroupNorm statistics of sparse steps (default exact)
  --attention accurate|fast                --blocks apsc|N (default apsc)
`;

const OPTIONS = {
  model: { type: 'string' }, prompt: { type: 'string' }, edit: { type: 'string', multiple: true }, mask: { type: 'string', multiple: true },
  'out-dir': { type: 'string' }, session: { type: 'string' }, device: { type: 'string' }, dtype: { type: 'string' },
  steps: { type: 'string' }, guidance: { type: 'string' }, seed: { type: 'string' }, width: { type: 'string' }, height: { type: 'string' },
  scheduler: { type: 'string' }, 'dense-steps': { type: 'string' }, threshold: { type: 'string' }, norm: { type: 'string' },
  attention: { type: 'string' }, blocks: { type: 'string' }, 'negative-prompt': { type: 'string' },
} as const;


export async function editCommand(args: string[]): Promise<void> {
  const { values: v } = parseArgs({ args, options: OPTIONS, strict: true });
  const edits = v.edit ?? [];
  const outDir = resolve(v['out-dir'] ?? v.session ?? '');
  if (!v['out-dir'] && !v.session) throw new FiseditError('edit needs --out-dir D (or --session D to continue a saved session)');
  if (!v.session && v.prompt === undefined) throw new FiseditError('edit needs --prompt (the generation) unless it continues a --session');
  if (v.session && !existsSync(join(resolve(v.session), 'session', 'session.json'))) throw new FiseditError(`no saved session in ${v.session} (expected ${join(v.session, 'session', 'session.json')})`);
  const masks = v.mask ?? [];
  if (masks.length > 1 && masks.length !== edits.length) throw new FiseditError(`${masks.length} --mask options for ${edits.length} edits: give one for all, or one per edit`);
  const threshold = v.threshold === undefined || v.threshold === 'otsu' ? 'otsu' : { targetSize: numberOption('threshold', v.threshold, false)! };
  const common: EditOptions = {
    denseSteps: numberOption('dense-steps', v['dense-steps'], true), threshold,
    norm: choiceOption('norm', v.norm, ['exact', 'cached'] as const), attention: choiceOption('attention', v.attention, ['accurate', 'fast'] as const),
    blocks: v.blocks === undefined || v.blocks === 'apsc' ? 'apsc' : numberOption('blocks', v.blocks, true),
  };
  const model = resolve(v.model ?? ensureTinyModel(defaultModelDir()));
  const backend = await backendOption(v);
  const t0 = Date.now();
  const sd = StableDiffusion.load(model, backend, progressBar('loading'));
  process.stderr.write(`loaded ${model} (${backend.name}) in ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
  mkdirSync(outDir, { recursive: true });
  const sessionDir = join(outDir, 'session');
  const reportFile = join(outDir, 'report.json');
  let session: EditSession;
  const report: { model: string; device: string; versions: Record<string, unknown>[] } = existsSync(reportFile) && v.session
    ? JSON.parse(readFileSync(reportFile, 'utf8'))
    : { model, device: backend.name, versions: [] };
  if (v.session) session = EditSession.load(sessionDir, sd);
  else {
    session = new EditSession(sd);
    const v0 = session.generate({
      prompt: v.prompt!, negativePrompt: v['negative-prompt'] ?? '', steps: numberOption('steps', v.steps, true), guidanceScale: numberOption('guidance', v.guidance, false),
      width: numberOption('width', v.width, true), height: numberOption('height', v.height, true), seed: numberOption('seed', v.seed, true) ?? 0, scheduler: v.scheduler,
      onStep: progressBar('generate'),
    });
    writeOutputs(outDir, sd, session.generationSettings!, v0, undefined);
    report.versions.push(versionReport(v0, session, undefined));
  }
  const s = session.generationSettings!;
  const [h, w] = s.size;
  const counter = new UNetMacCounter(sd.unet.config);
  edits.forEach((prompt, i) => {
    const maskArg = masks.length === 1 ? masks[0] : masks[i];
    const mask = maskArg === undefined || maskArg === 'auto' ? 'auto' : maskFromPng(readFileSync(maskArg), h, w, sd.vae.downFactor, maskArg);
    const version = session.edit(prompt, { ...common, mask, onStep: progressBar(`edit ${i + 1}/${edits.length}`) });
    if (version.truncated.length) process.stderr.write(`warning: prompt past 77 tokens; dropped: "${version.truncated.join(' ')}"\n`);
    const macs = counter.count(h, w, { batch: s.guidance > 1 ? 2 : 1, mask: version.mask, blocks: common.blocks, attention: common.attention, planOf: backend });
    writeOutputs(outDir, sd, s, version, version.mask);
    report.versions.push(versionReport(version, session, { denseGmacPerCall: macs.totalDense / 1e9, sparseGmacPerCall: macs.totalSparse! / 1e9 }));
    process.stdout.write(`${version.id}: "${prompt}" edit size ${(version.editSize * 100).toFixed(1)}%, dense ${version.timings.denseSteps} steps ${(version.timings.denseMs / 1000).toFixed(1)}s, sparse ${version.timings.sparseSteps} steps ${(version.timings.sparseMs / 1000).toFixed(1)}s\n`);
  });
  session.save(sessionDir);
  writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`wrote ${outDir} (${report.versions.length} versions, report.json, session/)\n`);
}

function writeOutputs(dir: string, sd: StableDiffusion, s: { width: number; height: number }, v: Version, mask: Uint8Array | undefined): void {
  const f = sd.vae.downFactor;
  writeFileSync(join(dir, `${v.id}.png`), imagePng(v.image, s.width, s.height));
  if (!mask) return;
  writeFileSync(join(dir, `${v.id}.mask.png`), maskToPng(mask, s.height / f, s.width / f, f));
  writeFileSync(join(dir, `${v.id}.overlay.png`), overlayPng(v.image, s.width, s.height, mask, f));
}

function versionReport(v: Version, session: EditSession, macs: { denseGmacPerCall: number; sparseGmacPerCall: number } | undefined) {
  return {
    id: v.id, parent: v.parent, prompt: v.prompt, editSize: v.editSize, truncated: v.truncated, timings: v.timings,
    ...(macs ? { macs } : {}), cacheBytes: session.cacheBytes().total,
  };
}
