// Sessions on disk: session.json (settings and the list of versions), session.safetensors (the
// initial noise and each version's latents, image and mask) and cache-<id>.safetensors (a
// version's recorded activations). Every file is written atomically (temporary file, rename), so a
// crash mid-write leaves the previous file intact.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { groupSumsShape, type Backend } from '../backend/backend.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Latent, LatentMath } from '../backend/latents.js';
import { FiseditError } from '../io/errors.js';
import { writeFileAtomic } from '../util/files.js';
import { SafetensorsFile, writeSafetensors, type TensorToWrite } from '../io/safetensors.js';
import { GenerationCache, StepCache } from './cache.js';

/**
 * 4: a resnet's first convolution is recorded without its time embedding again, which its second
 *    norm's statistics take in (3 added it to the recorded output; 2 recorded it without, and its
 *    second norm's statistics without it);
 * 3: a resnet's first convolution is recorded with its time embedding added (2 recorded it without);
 * 2: a layer's recorded output includes its residual sum (1 recorded the convolution or proj_out alone).
 */
export const SESSION_FORMAT = 4;

/**
 * Writes a version's cache to `file` as float32 (GroupNorm sums as float64); `ops` reads its tensors
 * (a backend, or the host tier), `latents` its latents.
 */
export function writeCache(file: string, cache: GenerationCache, ops: Pick<Backend, 'toHost' | 'toBytes'>, latents: LatentMath): void {
  const tensors: Record<string, TensorToWrite> = {};
  const f32 = (data: Float32Array, shape: readonly number[]): TensorToWrite => ({ dtype: 'F32', shape, data });
  cache.steps.forEach((s, i) => {
    for (const [name, t] of s.tensors) tensors[`s${i}.t.${name}`] = f32(ops.toHost(t), t.shape);
    for (const [name, t] of s.probs) tensors[`s${i}.p.${name}`] = f32(ops.toHost(t), t.shape);
    for (const [name, a] of s.norms) {
      tensors[`s${i}.n.${name}.scale`] = f32(ops.toHost(a.scale), a.scale.shape);
      tensors[`s${i}.n.${name}.shift`] = f32(ops.toHost(a.shift), a.shift.shape);
      // the sums are float64 as the backend stores them: [N, segments, groups, 2]
      if (a.sums) tensors[`s${i}.n.${name}.sums`] = { dtype: 'F64', shape: [...a.sums.shape.slice(0, 3), 2], data: ops.toBytes(a.sums) };
    }
    tensors[`s${i}.latents`] = f32(latents.toHost(s.latents), [s.latents.length]);
    s.history.forEach((h, j) => (tensors[`s${i}.h.${j}`] = f32(latents.toHost(h), [h.length])));
  });
  tensors.final = f32(latents.toHost(cache.final), [cache.final.length]);
  writeSafetensors(file, tensors, { format: 'fisedit-cache', version: String(SESSION_FORMAT), steps: String(cache.steps.length) });
}

/** Reads a cache written by writeCache, placing activations on `ops`. */
export function readCache(file: string, ops: Backend): GenerationCache {
  const f = SafetensorsFile.open(file);
  try {
    const steps = Number(f.metadata.steps);
    if (f.metadata.format !== 'fisedit-cache' || !Number.isInteger(steps)) throw new FiseditError(`${file} is not a fisedit cache file`);
    if (f.metadata.version !== String(SESSION_FORMAT)) throw new FiseditError(`${file}: a cache of format ${f.metadata.version ?? 1}, this build reads ${SESSION_FORMAT} (regenerate the session)`);
    const cache = new GenerationCache();
    for (let i = 0; i < steps; i++) cache.steps.push(new StepCache());
    const history = new Map<number, Latent[]>();
    const latent = (name: string) => ops.latents.fromHost(f.readFloat32(name));
    for (const name of f.tensors.keys()) {
      if (name === 'final') { cache.final = latent(name); continue; }
      const m = /^s(\d+)\.(t|p|n|latents|h)(?:\.(.*))?$/.exec(name);
      if (!m) throw new FiseditError(`${file}: unexpected entry "${name}"`);
      const step = cache.steps[Number(m[1])];
      if (!step) throw new FiseditError(`${file}: entry "${name}" beyond step ${steps - 1}`);
      const rest = m[3] ?? '';
      const tensor = () => ops.keep(ops.fromHost(f.readFloat32(name), f.info(name).shape));
      if (m[2] === 't') step.tensors.set(rest, tensor());
      else if (m[2] === 'p') step.probs.set(rest, tensor());
      else if (m[2] === 'latents') step.latents = latent(name);
      else if (m[2] === 'h') (history.get(Number(m[1])) ?? history.set(Number(m[1]), []).get(Number(m[1]))!)[Number(rest)] = latent(name);
      else if (rest.endsWith('.scale')) {
        const norm = rest.slice(0, -6);
        const shift = `s${m[1]}.n.${norm}.shift`, sums = `s${m[1]}.n.${norm}.sums`;
        step.norms.set(norm, { scale: tensor(), shift: ops.keep(ops.fromHost(f.readFloat32(shift), f.info(shift).shape)), ...(f.tensors.has(sums) && { sums: readSums(f, sums, ops) }) });
      }
    }
    for (const [i, h] of history) cache.steps[i]!.history = h;
    return cache;
  } finally {
    f.close();
  }
}

/** GroupNorm sums (float64 in the file) as the backend stores them. */
function readSums(f: SafetensorsFile, name: string, ops: Backend): Tensor {
  const { dtype, shape } = f.info(name);
  if (dtype !== 'F64' || shape.length !== 4 || shape[3] !== 2) throw new FiseditError(`${f.path}: GroupNorm sums "${name}" are ${dtype} [${shape}], expected F64 [N, segments, groups, 2]`);
  return ops.keep(ops.fromBytes(f.readBytes(name), groupSumsShape(shape[0]!, shape[1]!, shape[2]!, ops.elementBytes)));
}

/** Writes JSON atomically. */
export function writeJson(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

export function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw new FiseditError(`cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
}

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function removeFile(file: string): void {
  if (existsSync(file)) rmSync(file);
}

export const cacheFile = (dir: string, id: number) => join(dir, `cache-${id}.safetensors`);
