// The host's share of a 768 px edit outside the U-Net: the automatic mask's recipe on host latents
// (the cpu backend's path; the cuda backend runs it on the device), the pixel region of the mask
// and the compositing of the decoded image into the base. Any machine (no GPU). Writes JSON to $OUT
// (or bench/results/).
import { HostLatents } from '../src/backend/latents.js';
import { CpuBackend } from '../src/backend/cpu/cpu.js';
import { pixelRegion } from '../src/edit/composite.js';
import { keepOutside } from '../src/backend/keep-outside.js';
import { automaticMask } from '../src/edit/mask.js';
import { EDIT_MARGIN_PX } from '../src/edit/session.js';
import { Random } from '../src/util/random.js';
import { median } from './stats.js';
import { writeResult } from './output.js';

const H = 96, W = 96, FACTOR = 8, MAPS = 10, RUNS = 21;
const rnd = new Random(1);
// ten difference maps with a changed block, a 768 px image and its decode
const inBlock = (p: number) => Math.floor(p / W) >= 30 && Math.floor(p / W) < 50 && p % W >= 20 && p % W < 60;
const maps = Array.from({ length: MAPS }, () => rnd.normal(H * W).map((v, p) => Math.abs(v) + (inBlock(p) ? 4 : 0)));
const lat = new HostLatents(new CpuBackend());
const mask = automaticMask(lat, maps, H, W);
const pixels = H * FACTOR * W * FACTOR * 3;
const base = rnd.normal(pixels);

/** Median milliseconds of f over RUNS calls (after one to warm up); `fresh` makes what a call consumes. */
function ms<T>(fresh: () => T, f: (input: T) => unknown): number {
  f(fresh());
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const input = fresh();
    const t0 = performance.now();
    f(input);
    times.push(performance.now() - t0);
  }
  return median(times);
}

const region = pixelRegion(mask, H, W, FACTOR, EDIT_MARGIN_PX);
const results = {
  automaticMaskOtsuMs: ms(() => maps, (m) => automaticMask(lat, m, H, W)),
  automaticMaskTargetMs: ms(() => maps, (m) => automaticMask(lat, m, H, W, { targetSize: 0.05 })),
  pixelRegionMs: ms(() => mask, (m) => pixelRegion(m, H, W, FACTOR, EDIT_MARGIN_PX)),
  // each call gets a fresh decode, as an edit does
  compositeMs: ms(() => base.map((v) => -v), (decoded) => keepOutside(decoded, { region, values: base })),
};
for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(24)} ${v.toFixed(2)} ms`);
writeResult('host-steps', {
  what: `host work of a 768 px edit outside the U-Net (latent ${H}x${W}, ${MAPS} difference maps, mask ${mask.reduce((a, b) => a + b, 0)} cells), median of ${RUNS} runs`,
  command: 'node dist/bench/host-steps.js',
  date: new Date().toISOString(),
  results: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, +v.toFixed(2)])),
});
