// A component's weights: one safetensors file or shards listed by an index JSON. Tensors are
// read on demand, checked against the shape the model expects, and converted to float32.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FiseditError } from './errors.js';
import { SafetensorsFile } from './safetensors.js';
import { shapeString, sameShape } from '../tensor/tensor.js';

const WEIGHT_FILES = ['diffusion_pytorch_model.safetensors', 'model.safetensors'];

export class Weights {
  private constructor(
    readonly where: string,
    private readonly files: Map<string, SafetensorsFile>,
    private readonly fileOf: Map<string, SafetensorsFile>,
  ) {}

  /** Opens the weights of a component folder (single file or sharded). */
  static open(dir: string): Weights {
    for (const name of WEIGHT_FILES) {
      const single = join(dir, name);
      if (existsSync(single)) return Weights.fromFiles(single, [single]);
      const index = `${single}.index.json`;
      if (existsSync(index)) return Weights.fromIndex(index, dir);
    }
    throw new FiseditError(`no weights in ${dir}: expected ${WEIGHT_FILES.join(' or ')} (or a sharded .index.json)`);
  }

  static fromFiles(where: string, paths: string[]): Weights {
    const files = new Map<string, SafetensorsFile>();
    const fileOf = new Map<string, SafetensorsFile>();
    try {
      for (const p of paths) {
        const f = SafetensorsFile.open(p);
        files.set(p, f);
        for (const name of f.tensors.keys()) fileOf.set(name, f);
      }
    } catch (e) {
      for (const f of files.values()) f.close();
      throw e;
    }
    return new Weights(where, files, fileOf);
  }

  private static fromIndex(index: string, dir: string): Weights {
    let map: Record<string, string>;
    try {
      map = (JSON.parse(readFileSync(index, 'utf8')) as { weight_map: Record<string, string> }).weight_map;
      if (typeof map !== 'object' || map === null) throw new Error('no "weight_map" object');
    } catch (e) {
      throw new FiseditError(`bad shard index ${index}: ${(e as Error).message}`, { cause: e });
    }
    const shards = [...new Set(Object.values(map))];
    for (const s of shards)
      if (typeof s !== 'string' || s.includes('/') || s.includes('\\')) throw new FiseditError(`bad shard index ${index}: shard name ${JSON.stringify(s)}`);
    const w = Weights.fromFiles(index, shards.map((s) => join(dir, s)));
    for (const [name, shard] of Object.entries(map))
      if (!w.files.get(join(dir, shard))?.has(name)) {
        w.close();
        throw new FiseditError(`bad shard index ${index}: tensor "${name}" is not in ${shard}`);
      }
    return w;
  }

  names(): string[] {
    return [...this.fileOf.keys()];
  }

  has(name: string): boolean {
    return this.fileOf.has(name);
  }

  shape(name: string): readonly number[] {
    return this.file(name).info(name).shape;
  }

  /** A tensor as float32, after checking it has the expected shape. */
  read(name: string, expected: readonly number[]): Float32Array {
    const f = this.file(name);
    const got = f.info(name).shape;
    // PyTorch stores 1x1 conv weights as [O, I, 1, 1]; linear ones as [O, I]. Both are accepted where one is expected.
    if (!sameShape(got, expected) && !sameShape(got.filter((d, i) => !(i >= 2 && d === 1)), expected.filter((d, i) => !(i >= 2 && d === 1))))
      throw new FiseditError(`${this.where}: tensor "${name}" has shape ${shapeString(got)}, the config implies ${shapeString(expected)}`);
    return f.readFloat32(name);
  }

  private file(name: string): SafetensorsFile {
    const f = this.fileOf.get(name);
    if (!f) throw new FiseditError(`${this.where}: missing tensor "${name}"`);
    return f;
  }

  close(): void {
    for (const f of this.files.values()) f.close();
  }
}
