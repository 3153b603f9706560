// Masks as PNG files: white = edit. A mask may be drawn at latent or at image resolution; at image
// resolution a latent pixel is edited when any pixel over it is white (so a painted stroke is never lost).
import { FiseditError } from '../io/errors.js';
import { decodePng, encodePng } from '../io/png.js';

export function maskFromPng(png: Uint8Array, latentH: number, latentW: number, factor: number, source = 'mask PNG'): Uint8Array {
  const img = decodePng(png, source);
  const on = (i: number) => {
    let s = 0;
    for (let k = 0; k < img.channels; k++) s += img.data[i * img.channels + k]!;
    return s / img.channels > 127;
  };
  if (img.width === latentW && img.height === latentH) return Uint8Array.from({ length: latentH * latentW }, (_, i) => (on(i) ? 1 : 0));
  if (img.width === latentW * factor && img.height === latentH * factor) {
    const m = new Uint8Array(latentH * latentW);
    for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) if (on(y * img.width + x)) m[Math.floor(y / factor) * latentW + Math.floor(x / factor)] = 1;
    return m;
  }
  throw new FiseditError(`${source} is ${img.width}x${img.height}; it must be ${latentW}x${latentH} (latent) or ${latentW * factor}x${latentH * factor} (image)`);
}

/** A binary mask as a black-and-white PNG, optionally scaled up by an integer factor. */
export function maskToPng(mask: Uint8Array, h: number, w: number, factor = 1): Buffer {
  const W = w * factor, H = h * factor;
  const data = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[y * W + x] = mask[Math.floor(y / factor) * w + Math.floor(x / factor)] ? 255 : 0;
  return encodePng({ width: W, height: H, channels: 1, data });
}
