// Host time of a cuBLASLt GEMM call (what recording an edit's sparse graph pays for each of its
// ~180 GEMMs, whose row counts are new with every mask): a shape's first call (plan: descriptors and
// heuristic, then the matmul) against later calls, eagerly and inside a stream capture, and the
// plan alone. (Running a plan's first matmul outside the capture, on a second stream while the
// capture goes on, did not help: 126 -> 111 µs, bench/results/2026-11-30-gemm-host-outside-warmup-trial.json.)
// GPU machine only. Writes JSON to $OUT (or bench/results/).
import { CudaBackend } from '../src/backend/cuda/cuda.js';
import { OP_N, OP_T } from '../src/backend/cuda/cublas.js';
import { CublasLt } from '../src/backend/cuda/cublaslt.js';
import { benchEnvironment } from './random-weights.js';
import { devicePtr } from './stats.js';
import { writeResult } from './output.js';

const WORKSPACE = 32 * 2 ** 20, SHAPES = 40, MAX_ROWS = 2048;
/** [output features, K]: a linear layer's 1280x1280, a 320-channel 3x3 convolution's im2col, a 1280-channel one's. */
const SHAPE = (process.env.BENCH_GEMM_SHAPE ?? '1280x1280').split('x').map(Number) as [number, number];
const [OUT, K] = SHAPE;
const gpu = new CudaBackend();
const driver = gpu.driver;
const lt = new CublasLt('fp16', driver.name, gpu.pool.alloc(WORKSPACE).ptr, WORKSPACE, () => driver.stream, gpu.hostCosts);
const x = gpu.zeros([MAX_ROWS, K]), w = gpu.zeros([OUT, K]), b = gpu.zeros([OUT]), y = gpu.zeros([MAX_ROWS, OUT]);
let next = 17;
/** Row counts no earlier call used (each case its own). */
const freshRows = () => Array.from({ length: SHAPES }, () => (next += 7));
const gemm = (rows: number) => lt.gemm(OP_T, OP_N, OUT, rows, K, devicePtr(w), K, devicePtr(x), K, devicePtr(y), OUT, devicePtr(b));
const prepare = (rows: number) => lt.prepare(OP_T, OP_N, OUT, rows, K, K, K, OUT, true);

/** Mean host microseconds of f over the rows, f called for each. */
function hostUs(rows: number[], f: (r: number) => void): number {
  const t0 = performance.now();
  for (const r of rows) f(r);
  return ((performance.now() - t0) * 1000) / rows.length;
}

gemm(64); // the library's own first-call setup is not what we measure
driver.synchronize();
// the row families (powers of two) of every later case, planned and run once: what is left is a new shape's cost
for (let r = 32; r <= MAX_ROWS; r *= 2) gemm(r + 1);
driver.synchronize();
const eager = freshRows();
const eagerFirstUs = hostUs(eager, gemm);
driver.synchronize();
const eagerAgainUs = hostUs(eager, gemm);
driver.synchronize();
const captured = freshRows();
let capturedFirstUs = 0, capturedAgainUs = 0;
const exec = driver.capture(() => {
  capturedFirstUs = hostUs(captured, gemm);
  capturedAgainUs = hostUs(captured, gemm);
});
driver.destroyGraph(exec);
// rows planned and run eagerly first, then called inside a capture: the matmul's own cost under capture
const planned = freshRows();
const plannedFirstUs = hostUs(planned, gemm);
driver.synchronize();
let capturedPlannedUs = 0;
const exec2 = driver.capture(() => (capturedPlannedUs = hostUs(planned, gemm)));
driver.destroyGraph(exec2);
// rows planned eagerly (descriptors, algorithm) but never run before the capture: is it where the plan is made, or the eager run?
const prepared = freshRows();
const preparedUs = hostUs(prepared, prepare);
let capturedPreparedUs = 0;
const exec4 = driver.capture(() => (capturedPreparedUs = hostUs(prepared, gemm)));
driver.destroyGraph(exec4);
// rows planned eagerly, their first matmul queued eagerly without waiting for it, then called in a capture
const queued = freshRows();
const queuedFirstUs = hostUs(queued, gemm);
let capturedQueuedUs = 0;
const exec5 = driver.capture(() => (capturedQueuedUs = hostUs(queued, gemm)));
driver.destroyGraph(exec5);

// rows planned inside a capture, then run there: which of the two a capture makes dear
const split = freshRows();
let capturedPlanUs = 0, capturedMatmulUs = 0, recordMs = 0;
const t0 = performance.now();
const exec3 = driver.capture(() => {
  const r0 = performance.now();
  capturedPlanUs = hostUs(split, prepare);
  capturedMatmulUs = hostUs(split, gemm);
  recordMs = performance.now() - r0;
});
// the graph made executable: cuGraphInstantiate's share of a capture, per GEMM node
const instantiateUs = ((performance.now() - t0 - recordMs) * 1000) / SHAPES;
driver.destroyGraph(exec3);
const eagerLaterFirstUs = hostUs(freshRows(), gemm);
driver.synchronize();

// inside a capture that already holds `nodes` kernels of ours (as a sparse step's ~700 do), with
// and without programmatic dependent launches: does a GEMM's cost grow with the graph?
const small = gpu.zeros([256]);
const pdl = driver.dependentLaunches;
const afterNodes: Record<string, number> = {};
for (const [nodes, dependent] of [[0, pdl], [300, pdl], [1000, pdl], [1000, false]] as const) {
  driver.dependentLaunches = dependent;
  const fresh = freshRows(), known = freshRows();
  hostUs(known, prepare);
  let firstUs = 0, knownUs = 0;
  const e = driver.capture(() => {
    gpu.tidy(() => {
      for (let i = 0; i < nodes; i++) gpu.scale(small, 1);
    });
    firstUs = hostUs(fresh, gemm);
    knownUs = hostUs(known, gemm);
  });
  driver.destroyGraph(e);
  afterNodes[`${nodes} nodes${dependent ? ', dependent launches' : ''}: new rows`] = +firstUs.toFixed(1);
  afterNodes[`${nodes} nodes${dependent ? ', dependent launches' : ''}: prepared rows`] = +knownUs.toFixed(1);
}
driver.dependentLaunches = pdl;
// prepared rows called with a bias that changes from call to call (layers of one shape share a plan and its descriptor)
{
  const biases = [gpu.zeros([OUT]), gpu.zeros([OUT])];
  const known = freshRows();
  hostUs(known, prepare);
  let us = 0;
  const e = driver.capture(() => {
    let i = 0;
    us = hostUs([...known, ...known], (r) => lt.gemm(OP_T, OP_N, OUT, r, K, devicePtr(w), K, devicePtr(x), K, devicePtr(y), OUT, devicePtr(biases[i++ % 2]!)));
  });
  driver.destroyGraph(e);
  afterNodes['0 nodes: prepared rows, bias changing'] = +us.toFixed(1);
}
console.log(JSON.stringify(afterNodes));

const results = { eagerFirstUs, eagerAgainUs, capturedFirstUs, capturedAgainUs, plannedFirstUs, capturedPlannedUs, preparedUs, capturedPreparedUs, queuedFirstUs, capturedQueuedUs, capturedPlanUs, capturedMatmulUs, instantiateUs, eagerLaterFirstUs };
for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(18)} ${v.toFixed(1)} µs`);
const out = {
  what: `host microseconds per cuBLASLt fp16 GEMM call (${OUT}x<rows>x${K}, bias), mean over ${SHAPES} row counts, each row family (power of two) planned and run before (${gpu.description}); first: a row count not seen before (plan + matmul); again: the same calls repeated; captured: inside a stream capture; plannedFirst/capturedPlanned: planned and run eagerly (then waited for), then called in a capture; prepared/capturedPrepared: planned eagerly without running, then called in a capture; queuedFirst/capturedQueued: planned and run eagerly without waiting, then called in a capture; capturedPlan/capturedMatmul: new rows planned in a capture, then run there; instantiate: cuGraphInstantiate per GEMM node; eagerLaterFirst: new rows eagerly, last`,
  command: `${benchEnvironment()}node dist/bench/gemm-host.js`,
  date: new Date().toISOString(),
  moduleLoading: process.env.CUDA_MODULE_LOADING ?? '(default)',
  results: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, +v.toFixed(1)])),
  capturedAfterNodesUs: afterNodes,
};
writeResult(`gemm-host-${OUT}x${K}${process.env.CUDA_MODULE_LOADING ? `-${process.env.CUDA_MODULE_LOADING.toLowerCase()}` : ''}`, out);
