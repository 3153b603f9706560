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

/** The tensors a tidy scope's result carries out of it (Backend.tidy): a tensor, or those in (nested) arrays. */
export function scopeResults(r: unknown): Tensor[] {
  return r instanceof Tensor ? [r] : Array.isArray(r) ? r.flatMap(scopeResults) : [];
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

/** A PyTorch convolution weight [O, I, kh, kw] -> [O, kh, kw, I] (one kernel row of an NHWC image is contiguous). */
export function oihwToOhwi(d: Float32Array, [o, i, kh, kw]: readonly [number, number, number, number]): Float32Array {
  const out = new Float32Array(d.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) out[((a * kh + y) * kw + x) * i + b] = d[((a * i + b) * kh + y) * kw + x]!;
  return out;
}
