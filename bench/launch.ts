// What one node of a CUDA graph costs on this GPU when it does almost nothing, and what a step of
// dependent ops would cost as one persistent kernel instead. GPU machine only. Writes JSON to $OUT
// (or bench/results/).
// 1. Chains of tiny kernels (an 8-element scale, each reading the last one's output) replayed as
//    graphs: a FISEdit step of ~630 kernels pays this floor ~630 times.
// 2. Chains of ops that each read what other blocks of the op before wrote (`loads` dependent
//    loads a thread, at hashed places) and write a value a thread: one kernel an op, recorded as a
//    graph with and without programmatic dependent launches (as the cuda backend records a step),
//    against one persistent kernel whose blocks meet at a grid barrier between ops. A sparse step's
//    small kernels take ~4 µs each (its ~0% floor, 2.63 ms of GPU time: docs/gpu-history.md); the
//    difference per op is what a persistent step, the design beyond the kernel-per-op floor, could
//    save on the launch boundaries alone. (On the H200, session 50: nothing. The dependent launches
//    took 1.0-1.9 µs an op, the leanest barrier 1.2-2.0.)
import { CudaBackend } from '../src/backend/cuda/cuda.js';
import { compileCubin } from '../src/backend/cuda/nvrtc.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { benchEnvironment } from './random-weights.js';
import { devicePtr, medianSynchronisedMs } from './stats.js';
import { writeResult } from './output.js';

const REPLAYS = 20;
const gpu = new CudaBackend();
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

function nodeFloor() {
  const x = gpu.fromHost(new Float32Array(8).fill(1), [8]);
  return [100, 400, 1600].map((nodes) => {
    const chain = (xi: Tensor) => {
      let y = xi;
      for (let i = 0; i < nodes; i++) y = gpu.scale(y, 1);
      return [y];
    };
    const replay = () => gpu.tidy(() => gpu.replayable(`chain ${nodes}`, [x], chain));
    replay(); // recorded
    const ms = medianSynchronisedMs(REPLAYS, () => gpu.synchronize(), replay);
    const r = { nodes, replayMs: round(ms, 3), usPerNode: round((ms * 1000) / nodes) };
    console.log(JSON.stringify(r));
    return r;
  });
}

// One op: each thread makes `loads` dependent loads of the last op's output (the next place hashed
// from the value just loaded: the loads cannot overlap) and writes one value. The grid barrier is
// self-resetting (its count back to 0 by the last block in, its generation only counts up), and it
// needs every block resident at once: one block an SM at most, on an otherwise idle GPU.
const CHAIN_SOURCE = `
__device__ __forceinline__ void op(const float* in, float* out, unsigned n, int loads) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x, j = i;
  float s = 0.f;
  for (int k = 0; k < loads; k++) {
    j = (j * 2654435761u + 40503u + (__float_as_uint(s) >> 31)) % n;
    s += in[j];
  }
  out[i] = s * (0.5f / loads) + 0.5f;
}
extern "C" __global__ void k_chain_op(const float* in, float* out, unsigned n, int loads) {
  asm volatile("griddepcontrol.wait;" ::: "memory");
  asm volatile("griddepcontrol.launch_dependents;" :::);
  op(in, out, n, loads);
}
__device__ void grid_barrier(unsigned* bar) {
  __syncthreads();
  if (threadIdx.x == 0) {
    volatile unsigned* generation = bar + 1;
    unsigned g = *generation;
    __threadfence();
    if (atomicAdd(bar, 1u) == gridDim.x - 1) {
      atomicExch(bar, 0u);
      __threadfence();
      atomicAdd(bar + 1, 1u);
    } else {
      while (*generation == g) {}
    }
    __threadfence();
  }
  __syncthreads();
}
extern "C" __global__ void k_chain_persistent(float* a, float* b, unsigned n, int loads, int ops, unsigned* bar) {
  for (int o = 0; o < ops; o++) {
    op(o & 1 ? b : a, o & 1 ? a : b, n, loads);
    grid_barrier(bar);
  }
}
// the leanest barrier: one release-add a block on a count that only grows (zeroed before the launch),
// polled with acquire loads until every block has added for this op
extern "C" __global__ void k_chain_persistent_lean(float* a, float* b, unsigned n, int loads, int ops, unsigned* count) {
  for (int o = 0; o < ops; o++) {
    op(o & 1 ? b : a, o & 1 ? a : b, n, loads);
    __syncthreads();
    if (threadIdx.x == 0) {
      const unsigned target = (unsigned)(o + 1) * gridDim.x;
      unsigned seen;
      asm volatile("atom.add.release.gpu.u32 %0, [%1], 1;" : "=r"(seen) : "l"(count) : "memory");
      if (seen + 1 < target) do asm volatile("ld.acquire.gpu.u32 %0, [%1];" : "=r"(seen) : "l"(count) : "memory"); while (seen < target);
    }
    __syncthreads();
  }
}`;

function launchAgainstBarrier() {
  const d = gpu.driver;
  const arch = `sm_${d.computeCapability.join('')}`;
  const module = d.loadModule(compileCubin(CHAIN_SOURCE, 'bench-chain', arch));
  const opFn = d.getFunction(module, 'k_chain_op'), persistentFn = d.getFunction(module, 'k_chain_persistent'), leanFn = d.getFunction(module, 'k_chain_persistent_lean');
  const OPS = 600, THREADS = 256;
  const results = [];
  for (const blocks of [8, 32, d.multiprocessors]) {
    for (const loads of [1, 3]) {
      const n = blocks * THREADS;
      const a = gpu.fromHost(new Float32Array(n).fill(1), [n]), b = gpu.fromHost(new Float32Array(n).fill(1), [n]);
      const bar = gpu.fromHost(new Float32Array(2), [2]);
      const [pa, pb, pbar] = [a, b, bar].map(devicePtr) as [number, number, number];
      const graphUs = (programmatic: boolean) => {
        const was = d.dependentLaunches;
        d.dependentLaunches = programmatic && was;
        const exec = d.capture(() => {
          for (let o = 0; o < OPS; o++) d.launch(opFn, 'k_chain_op', blocks, THREADS, ['ptr', 'ptr', 'i32', 'i32'], [o & 1 ? pb : pa, o & 1 ? pa : pb, n, loads]);
        });
        d.dependentLaunches = was;
        d.replay(exec);
        const ms = medianSynchronisedMs(REPLAYS, () => d.synchronize(), () => d.replay(exec));
        d.destroyGraph(exec);
        return (ms * 1000) / OPS;
      };
      const persistentUs = (fn: unknown, name: string, zeroFirst: boolean) => {
        const run = () => {
          if (zeroFirst) d.zero(pbar, 4);
          d.launch(fn, name, blocks, THREADS, ['ptr', 'ptr', 'i32', 'i32', 'i32', 'ptr'], [pa, pb, n, loads, OPS, pbar]);
        };
        run();
        return (medianSynchronisedMs(REPLAYS, () => d.synchronize(), run) * 1000) / OPS;
      };
      const r = {
        blocks, threads: THREADS, loads, ops: OPS, graphUsPerOp: round(graphUs(false)), dependentGraphUsPerOp: round(graphUs(true)),
        persistentUsPerOp: round(persistentUs(persistentFn, 'k_chain_persistent', false)), leanPersistentUsPerOp: round(persistentUs(leanFn, 'k_chain_persistent_lean', true)),
      };
      console.log(JSON.stringify(r));
      results.push(r);
    }
  }
  return results;
}

const out = {
  what: `results: chains of tiny kernels (k_scale over 8 values, each on the last one's output) replayed as CUDA graphs, the input and output copies included; launchAgainstBarrier: chains of 600 ops, each thread making \`loads\` dependent loads of what other blocks of the op before wrote, as a graph of one kernel an op (plain, and with programmatic dependent launches) against one persistent kernel with a grid barrier between ops (${gpu.description}); medians of ${REPLAYS} runs`,
  command: `${benchEnvironment()}node dist/bench/launch.js`,
  date: new Date().toISOString(),
  results: nodeFloor(),
  launchAgainstBarrier: gpu.driver.computeCapability[0]! >= 9 ? launchAgainstBarrier() : 'not measured: programmatic dependent launches need sm_90 or later',
};
writeResult('graph-node-floor', out);
