// Where a model's parameters come from: a component's weights, read under a name prefix and
// placed on the backend, declared parameters there (Backend.parameter: no op writes them). Layers ask
// for tensors by their diffusers/transformers names.
import type { Backend } from '../backend/backend.js';

import type { Tensor } from '../tensor/tensor.js';

/** Anything that can hand out named float32 tensors of an expected shape (a file, a generator). */
export interface WeightSource {
  has(name: string): boolean;
  read(name: string, shape: readonly number[]): Float32Array;
}

const instances = new Map<string, number>();

/** A name unique to a model object in this process ("unet-2"): it keys what a backend records of the model's calls. */
export function instanceName(kind: string): string {
  const n = (instances.get(kind) ?? 0) + 1;
  instances.set(kind, n);
  return `${kind}-${n}`;
}

export class Params {
  constructor(readonly backend: Backend, private readonly weights: WeightSource, private readonly prefix = '') {}

  /** The module's full name ("down_blocks.0.resnets.1.conv1"): the key of its cached activations. */
  get name(): string {
    return this.prefix.replace(/\.$/, '');
  }

  /** Parameters under a sub-module name ("down_blocks.0"). */
  at(name: string | number): Params {
    return new Params(this.backend, this.weights, `${this.prefix}${name}.`);
  }

  has(name: string): boolean {
    return this.weights.has(this.prefix + name);
  }

  tensor(name: string, shape: readonly number[]): Tensor {
    return this.backend.parameter(this.backend.fromHost(this.weights.read(this.prefix + name, shape), shape));
  }

  /** The `name` tensors of several modules (of one source) as one, stacked along their first dimension. */
  static stacked(parts: readonly Params[], name: string, shapes: readonly (readonly number[])[]): Tensor {
    const first = parts[0];
    if (!first || shapes.length !== parts.length || shapes.some((s) => s.length !== shapes[0]!.length || !s.slice(1).every((d, i) => d === shapes[0]![i + 1]))) {
      throw new Error(`Params.stacked: ${parts.length} modules, shapes ${shapes.map((s) => `[${s.join(', ')}]`).join(' ')}`);
    }
    const datas = parts.map((p, i) => p.weights.read(p.prefix + name, shapes[i]!));
    const all = new Float32Array(datas.reduce((a, d) => a + d.length, 0));
    datas.reduce((at, d) => (all.set(d, at), at + d.length), 0);
    return first.backend.parameter(first.backend.fromHost(all, [shapes.reduce((a, s) => a + s[0]!, 0), ...shapes[0]!.slice(1)]));
  }

  convWeight(name: string, shape: readonly [number, number, number, number]): Tensor {
    return this.backend.parameter(this.backend.convWeight(this.weights.read(this.prefix + name, shape), shape));
  }
}
