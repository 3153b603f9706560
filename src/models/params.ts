// Where a model's parameters come from: a component's weights, read under a name prefix and
// placed on the backend. Layers ask for tensors by their diffusers/transformers names.
import type { Backend } from '../backend/backend.js';
import type { Weights } from '../io/weights.js';
import type { Tensor } from '../tensor/tensor.js';

export class Params {
  constructor(readonly backend: Backend, private readonly weights: Weights, private readonly prefix = '') {}

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
