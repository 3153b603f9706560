// What one node of a CUDA graph costs on this GPU when it does almost nothing: chains of tiny
// kernels (an 8-element scale, each reading the last one's output) replayed as graphs. A FISEdit
// step of ~700 kernels pays this floor ~700 times. GPU machine only. Writes JSON to $OUT (or bench/results/).
import { CudaBackend } from '../src/backend/cuda/cuda.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { benchEnvironment } from './random-weights.js';
import { medianSynchronisedMs } from './stats.js';
import { writeResult } from './output.js';

const REPLAYS = 20;
const gpu = new CudaBackend();
const x = gpu.fromHost(new Float32Array(8).fill(1), [8]);

const results = [100, 400, 1600].map((nodes) => {
  const chain = (xi: Tensor) => {
    let y = xi;
    for (let i = 0; i < nodes; i++) y = gpu.scale(y, 1);
    return [y];
  };
  const replay = () => gpu.tidy(() => gpu.replayable(`chain ${nodes}`, [x], chain));
  replay(); // recorded
  const ms = medianSynchronisedMs(REPLAYS, () => gpu.synchronize(), replay);
  const r = { nodes, replayMs: Math.round(ms * 1000) / 1000, usPerNode: Math.round((ms * 1000 / nodes) * 100) / 100 };
  console.log(JSON.stringify(r));
  return r;
});

const out = {
  what: `chains of tiny kernels (k_scale over 8 values, each on the last one's output) replayed as CUDA graphs (${gpu.description}); median of ${REPLAYS} replays, the input and output copies included`,
  command: `${benchEnvironment()}node dist/bench/launch.js`,
  date: new Date().toISOString(),
  results,
};
writeResult('graph-node-floor', out);
