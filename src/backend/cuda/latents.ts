// LatentOps on the GPU: the sampling loop's float32 vectors in device memory, computed by the
// kernels of kernels/latents.cu (k_lat_sample and k_lat_guide, which touch storage, by ops.cu's). A
// step's guidance, scheduler update and FISEdit mask merge then queue behind its U-Net call, and
// the host goes on to queue the next step instead of waiting for a download (which left the GPU
// idle ~1.7 ms a sparse step, bench/results/2026-11-30-edit-cuda-fp16-s5-verify.json: median step
// 7.29 ms against 5.2 ms of graph and 0.39 ms of copies).
import { MAX_TERMS, checkDifferenceMaps, checkOpenedMask, checkSameLength, checkTerms, guidedItems, pixelChannels, type Latent, type LatentOps, type Term } from '../latents.js';
import { FiseditError } from '../../io/errors.js';
import { numel, type Tensor } from '../../tensor/tensor.js';
import type { DeviceBuffer } from './memory.js';

/** A float32 vector in device memory, kept past every scope (released when collected). */
export class DeviceLatent implements Latent {
  constructor(readonly buffer: DeviceBuffer, readonly length: number) {}
}

/** What the latents need of the device. */
export interface LatentDevice {
  /** Device memory that outlives every scope. */
  vector(bytes: number): DeviceBuffer;
  /** An uninitialised tensor in the storage format, in the current scope. */
  tensor(shape: readonly number[]): Tensor<DeviceBuffer>;
  ptr(t: Tensor): number;
  /** A kernel over n elements (blocks of `block` threads, 256 by default; one block when n = block). */
  run(kernel: string, n: number, args: number[], block?: number): void;
  /** A device copy of a mask, made once per mask array (an edit's mask is fixed). */
  mask(m: Uint8Array): number;
  upload(dst: number, src: Float32Array): void;
  /** Waits for the queued work, then copies. */
  download(dst: Float32Array, src: number): void;
}

/** Threads of the one-block k_mask_* kernels (reductions and the opening over a latent map). */
const MASK_BLOCK = 1024;

export class CudaLatents implements LatentOps {
  constructor(private readonly dev: LatentDevice) {}

  private make(length: number): DeviceLatent {
    return new DeviceLatent(this.dev.vector(Math.max(1, length) * 4), length);
  }

  private ptr(x: Latent): number {
    if (!(x instanceof DeviceLatent)) throw new Error('latent does not belong to the cuda backend (host arrays go in through latents.fromHost)');
    if (x.buffer.freed) throw new Error('latent used after its memory was released');
    return x.buffer.ptr;
  }

  fromHost(x: Float32Array): Latent {
    const out = this.make(x.length);
    if (x.length) this.dev.upload(out.buffer.ptr, x);
    return out;
  }

  toHost(x: Latent): Float32Array {
    const out = new Float32Array(x.length);
    if (x.length) this.dev.download(out, this.ptr(x));
    return out;
  }

  combine(terms: readonly Term[]): Latent {
    const n = checkTerms(terms);
    const ptrs = terms.map(([, v]) => this.ptr(v)), coefs = terms.map(([c]) => c);
    while (ptrs.length < MAX_TERMS) (ptrs.push(0), coefs.push(0));
    const out = this.make(n);
    this.dev.run('k_lat_combine', n, [out.buffer.ptr, ...ptrs, ...coefs, terms.length, n]);
    return out;
  }

  clamp(x: Latent, r: number): Latent {
    const out = this.make(x.length);
    this.dev.run('k_lat_clamp', x.length, [out.buffer.ptr, this.ptr(x), r, x.length]);
    return out;
  }

  sample(x: Latent, shape: readonly number[], copies: number, scale: number): Tensor {
    if (numel(shape) !== x.length) throw new FiseditError(`sample: ${x.length} latent values for shape [${copies}, ${shape.join(', ')}]`);
    const out = this.dev.tensor([copies, ...shape]);
    this.dev.run('k_lat_sample', x.length, [out.storage.ptr, this.ptr(x), scale, copies, x.length]);
    return out;
  }

  guide(out: Tensor, g: number): Latent {
    const items = guidedItems(out);
    const n = out.size / items, guided = this.make(n);
    this.dev.run('k_lat_guide', n, [guided.buffer.ptr, this.dev.ptr(out), g, items, n]);
    return guided;
  }

  where(mask: Uint8Array, x: Latent, base: Latent): Latent {
    const channels = pixelChannels(mask, x, base);
    const out = this.make(x.length);
    this.dev.run('k_lat_where', x.length, [out.buffer.ptr, this.dev.mask(mask), this.ptr(x), this.ptr(base), channels, x.length]);
    return out;
  }

  differenceLevels(diffs: readonly Latent[]): Latent {
    checkDifferenceMaps(diffs);
    const n = diffs[0]!.length, sum = this.dev.vector(Math.max(1, n) * 8), range = this.dev.vector(16), levels = this.make(n);
    diffs.forEach((d, i) => {
      this.dev.run('k_mask_range', MASK_BLOCK, [this.ptr(d), range.ptr, n], MASK_BLOCK);
      this.dev.run('k_mask_accumulate', n, [sum.ptr, this.ptr(d), range.ptr, i === 0 ? 1 : 0, n]);
    });
    this.dev.run('k_mask_levels', MASK_BLOCK, [sum.ptr, levels.buffer.ptr, n], MASK_BLOCK);
    return levels;
  }

  levelCounts(levels: Latent): Float64Array {
    const counts = this.make(256);
    this.dev.run('k_mask_counts', MASK_BLOCK, [this.ptr(levels), counts.buffer.ptr, levels.length], MASK_BLOCK);
    return Float64Array.from(this.toHost(counts));
  }

  openedMask(levels: Latent, keep: Uint8Array, h: number, w: number): Uint8Array {
    checkOpenedMask(levels, keep, h, w);
    const scratch = this.dev.vector(Math.max(1, 2 * h * w)), mask = this.make(h * w);
    this.dev.run('k_mask_open', MASK_BLOCK, [this.ptr(levels), this.dev.mask(keep), scratch.ptr, mask.buffer.ptr, h, w], MASK_BLOCK);
    return Uint8Array.from(this.toHost(mask));
  }

  channelAbsDiff(a: Latent, b: Latent, channels: number): Latent {
    checkSameLength('channelAbsDiff', a, b);
    const pixels = a.length / channels, out = this.make(pixels);
    this.dev.run('k_lat_abs_diff', pixels, [out.buffer.ptr, this.ptr(a), this.ptr(b), channels, pixels]);
    return out;
  }
}
