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
import { writeResult } from './output.js';

const WORKSPACE = 32 * 2 ** 20, SHAPES = 40, OUT = 1280, K = 1280, MAX_ROWS = 2048;
const gpu = new CudaBackend();
const driver = gpu.driver;
const lt = new CublasLt('fp16', gpu.pool.alloc(WORKSPACE).ptr, WORKSPACE, driver.stream, gpu.hostCosts);
const x = gpu.zeros([MAX_ROWS, K]), w = gpu.zeros([OUT, K]), b = gpu.zeros([OUT]), y = gpu.zeros([MAX_ROWS, OUT]);
const ptr = (t: { storage: unknown }) => (t.storage as { ptr: number }).ptr;
let next = 17;
/** Row counts no earlier call used (each case its own). */
const freshRows = () => Array.from({ length: SHAPES }, () => (next += 7));
const gemm = (rows: number) => lt.gemm(OP_T, OP_N, OUT, rows, K, ptr(w), K, ptr(x), K, ptr(y), OUT, ptr(b));

/** Mean host microseconds of f over the rows, f called for each. */
function hostUs(rows: number[], f: (r: number) => void): number {
  const t0 = performance.now();
  for (const r of rows) f(r);
  return ((performance.now() - t0) * 1000) / rows.length;
}

gemm(64); // the library's own first-call setup is not what we measure
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
// rows planned eagerly first, then called inside a capture: the matmul's own cost under capture
const planned = freshRows();
const plannedFirstUs = hostUs(planned, gemm);
driver.synchronize();
let capturedPlannedUs = 0;
const exec2 = driver.capture(() => (capturedPlannedUs = hostUs(planned, gemm)));
driver.destroyGraph(exec2);

// rows planned inside a capture, then run there: which of the two a capture makes dear
const split = freshRows();
let capturedPlanUs = 0, capturedMatmulUs = 0, recordMs = 0;
const t0 = performance.now();
const exec3 = driver.capture(() => {
  const r0 = performance.now();
  capturedPlanUs = hostUs(split, (r) => lt.prepare(OP_T, OP_N, OUT, r, K, K, K, OUT, true));
  capturedMatmulUs = hostUs(split, gemm);
  recordMs = performance.now() - r0;
});
// the graph made executable: cuGraphInstantiate's share of a capture, per GEMM node
const instantiateUs = ((performance.now() - t0 - recordMs) * 1000) / SHAPES;
driver.destroyGraph(exec3);
const eagerLaterFirstUs = hostUs(freshRows(), gemm);
driver.synchronize();

const results = { eagerFirstUs, eagerAgainUs, capturedFirstUs, capturedAgainUs, plannedFirstUs, capturedPlannedUs, capturedPlanUs, capturedMatmulUs, instantiateUs, eagerLaterFirstUs };
for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(18)} ${v.toFixed(1)} µs`);
const out = {
  what: `host microseconds per cuBLASLt fp16 GEMM call (${OUT}x<rows>x${K}, bias), mean over ${SHAPES} row counts (${gpu.description}); first: a row count not seen before (plan + matmul); again: the same calls repeated; captured: inside a stream capture; plannedFirst/capturedPlanned: planned eagerly, then called in a capture; capturedPlan/capturedMatmul: new rows planned in a capture, then run there; instantiate: cuGraphInstantiate per GEMM node; eagerLaterFirst: new rows eagerly, last`,
  command: `${benchEnvironment()}node dist/bench/gemm-host.js`,
  date: new Date().toISOString(),
  moduleLoading: process.env.CUDA_MODULE_LOADING ?? '(default)',
  results: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, +v.toFixed(1)])),
};
writeResult(`gemm-host${process.env.CUDA_MODULE_LOADING ? `-${process.env.CUDA_MODULE_LOADING.toLowerCase()}` : ''}`, out);
