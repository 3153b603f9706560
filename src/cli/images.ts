// Image outputs of the command line and the server: the picture, its mask, the mask over it.
import { encodePng } from '../io/png.js';
import { toImage } from '../pipeline/text-to-image.js';

/** PNG of an image in [0, 1], channels-last [H, W, 3]. */
export function imagePng(pixels: Float32Array, width: number, height: number): Buffer {
  return encodePng(toImage(pixels, width, height));
}

/** The image with the edited region (latent mask, upsampled by `factor`) tinted red. */
export function overlayPng(pixels: Float32Array, width: number, height: number, mask: Uint8Array, factor: number): Buffer {
  const w = width / factor;
  const out = pixels.slice();
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      if (!mask[Math.floor(y / factor) * w + Math.floor(x / factor)]) continue;
      const i = (y * width + x) * 3;
      out[i] = out[i]! * 0.5 + 0.5;
      out[i + 1] = out[i + 1]! * 0.5;
      out[i + 2] = out[i + 2]! * 0.5;
    }
  return imagePng(out, width, height);
}
