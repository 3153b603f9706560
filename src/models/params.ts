// Where a model's parameters come from: a component's weights, read under a name prefix and
// placed on the backend. Layers ask for tensors by their diffusers/transformers names.
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
    return this.backend.fromHost(this.weights.read(this.prefix + name, shape), shape);
  }

  convWeight(name: string, shape: readonly [number, number, number, number]): Tensor {
    return this.backend.convWeight(this.weights.read(this.prefix + name, shape), shape);
  }
}
