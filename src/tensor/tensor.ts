// A Tensor is a shape plus storage that belongs to a backend. Model code never touches the
// storage; it hands tensors to the backend's ops. Activations are channels-last: images are
// [N, H, W, C] and token sequences [N, L, C] (the same memory order, with L = H * W).
export class Tensor<S = unknown> {
  constructor(readonly shape: readonly number[], readonly storage: S) {}

  get size(): number {
    return numel(this.shape);
  }

  /** The last dimension (channels, or features of a token). */
  get channels(): number {
    return this.shape[this.shape.length - 1]!;
  }
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** NCHW host data (as PyTorch writes it) -> NHWC. */
export function nchwToNhwc(data: Float32Array, [n, c, h, w]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n!; b++)
    for (let ch = 0; ch < c!; ch++)
      for (let i = 0; i < h! * w!; i++) out[(b * h! * w! + i) * c! + ch] = data[(b * c! + ch) * h! * w! + i]!;
  return out;
}

/** NHWC host data -> NCHW, for comparing with references and writing files. */
export function nhwcToNchw(data: Float32Array, [n, h, w, c]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n!; b++)
    for (let ch = 0; ch < c!; ch++)
      for (let i = 0; i < h! * w!; i++) out[(b * c! + ch) * h! * w! + i] = data[(b * h! * w! + i) * c! + ch]!;
  return out;
}
