// Session 62 probe (a record, run by …-s62-call2.sh from the repository root): where a 768 px VAE decode's
// wall time goes beyond its GPU time: sd.decode as an edit calls it, against its parts (the latents'
// upload, the replayed graph alone up to a synchronisation, the image's download by toHost), 10 each.
import { CudaBackend } from '../../dist/src/backend/cuda/cuda.js';
import { randomSd2 } from '../../dist/bench/sd2.js';
const gpu = new CudaBackend({ math: 'fp16' });
const sd = randomSd2(gpu);
const h = 96, latents = new Float32Array(h * h * 4).map((_, i) => Math.sin(i * 12.9898) * 1.5);
const med = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const time = (f) => { gpu.synchronize(); const t0 = performance.now(); f(); gpu.synchronize(); return performance.now() - t0; };
for (let i = 0; i < 3; i++) sd.decode(latents, [h, h]);
const whole = [], upload = [], replay = [], download = [], alloc = [];
for (let i = 0; i < 10; i++) whole.push(time(() => sd.decode(latents, [h, h])));
for (let i = 0; i < 10; i++) gpu.tidy(() => {
  let z;
  upload.push(time(() => { z = gpu.fromHost(latents.map((v) => v / 0.18215), [1, h, h, 4]); }));
  let y;
  replay.push(time(() => { y = gpu.replayable(`${sd.vae.instance} decode`, [z], (x) => [gpu.unitRange(sd.vae.decode(x))])[0]; }));
  download.push(time(() => gpu.toHost(y)));
  alloc.push(time(() => new Float32Array(y.size)));
});
gpu.profileStart();
sd.decode(latents, [h, h]);
const p = gpu.profileEnd();
console.log(JSON.stringify({ what: 'VAE decode 768 px, ms, median of 10', whole: med(whole), upload: med(upload), replay: med(replay), download: med(download), allocFloat32: med(alloc), profiledMs: +p.totalMs.toFixed(2), top: p.ops.slice(0, 6).map(({ op, ms, count }) => `${op} ${ms.toFixed(3)} x${count}`) }));
