// A sparse step's LayerNorm + projections (CudaBackend.normLinearMany) by k_norm_gemm ('fused') and by
// k_layer_norm + cuBLASLt ('library'), timed inside CUDA graphs as the steps run them, for the token
// rows a 5-30% mask leaves at each of SD 2's transformer widths: q, k and v (three products, no
// bias), a cross-attention's q, the feed-forward's GEGLU input (8 x the width, with its bias), and
// the same GEMMs without the norm (proj_in's form). GPU machine only. Writes JSON to $OUT (or bench/results/).
import { CudaBackend } from '../src/backend/cuda/cuda.js';
import type { LayerNormParams } from '../src/backend/backend.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { Random } from '../src/util/random.js';
import { benchEnvironment } from './random-weights.js';
import { graphOpUs } from './stats.js';
import { writeResult } from './output.js';

const PER_GRAPH = 10, REPLAYS = Number(process.env.BENCH_REPLAYS ?? 30);
/** Rows (both guidance halves) by width: a ~5% mask's, then ~15% and ~30% masks' (bench:edit's op profiles). */
const ROWS: Record<number, number[]> = { 320: [768, 1536, 3072], 640: [252, 700, 1200], 1280: [40, 76, 200, 350] };
const FORMS = [
  { form: 'qkv', products: 3, widen: 1, bias: false, norm: true },
  { form: 'q', products: 1, widen: 1, bias: false, norm: true },
  { form: 'ff in', products: 1, widen: 8, bias: true, norm: true },
  { form: 'proj in', products: 1, widen: 1, bias: true, norm: false },
] as const;
/** BENCH_NORM_GEMM_FORMS=qkv,q,...: only those. */
const only = process.env.BENCH_NORM_GEMM_FORMS?.split(',');
const rnd = new Random(5);
const modes = ['fused', 'library'] as const;
const backends = Object.fromEntries(modes.map((m) => [m, new CudaBackend({ normGemm: m, dependentLaunches: process.env.BENCH_DEPENDENT_LAUNCHES !== 'off' })])) as Record<(typeof modes)[number], CudaBackend>;

const host = (shape: number[], scale = 1, shift = 0): [number[], Float32Array] => [shape, rnd.normal(shape.reduce((a, b) => a * b)).map((v) => v * scale + shift)];

const results = [];
for (const [k, rowCounts] of Object.entries(ROWS).map(([k, r]) => [Number(k), r] as const))
  for (const f of FORMS) {
    if (only && !only.includes(f.form)) continue;
    const n = k * f.widen;
    const data = { ws: Array.from({ length: f.products }, () => host([n, k], 0.03)), b: host([n]), gamma: host([k], 0.2, 1), beta: host([k], 0.1) };
    for (const m of rowCounts) {
      const x = host([m, k], 1, 0.5);
      const timed = modes.map((mode) => {
        const gpu = backends[mode];
        const t = ([shape, values]: [number[], Float32Array]) => gpu.keep(gpu.fromHost(values, shape));
        const ws = data.ws.map(t), b = f.bias ? t(data.b) : undefined;
        const norm: LayerNormParams | undefined = f.norm ? { gamma: t(data.gamma), beta: t(data.beta), eps: 1e-5 } : undefined;
        const { us, out } = graphOpUs(gpu, gpu.fromHost(x[1], x[0]), `norm-gemm ${f.form} ${m} ${k}`, (xi: Tensor) => gpu.normLinearMany(xi, norm, ws, [b]).at(-1)!, PER_GRAPH, REPLAYS);
        return { us, out: gpu.toHost(out) };
      });
      const [fused, library] = timed as [(typeof timed)[0], (typeof timed)[0]];
      let diff = 0, peak = 0;
      fused.out.forEach((v, i) => { diff = Math.max(diff, Math.abs(v - library.out[i]!)); peak = Math.max(peak, Math.abs(library.out[i]!)); });
      const r = { form: f.form, rows: m, k, n, products: f.products, fusedUs: +fused.us.toFixed(2), libraryUs: +library.us.toFixed(2), maxDiffRelative: +(diff / peak).toExponential(2) };
      console.log(JSON.stringify(r));
      results.push(r);
    }
  }

writeResult('norm-gemm', {
  what: `a sparse step's LayerNorm + projections (normLinearMany) by k_norm_gemm and by k_layer_norm + cuBLASLt, inside CUDA graphs (${backends.fused.description}); microseconds per op (${PER_GRAPH} independent ops a graph, median of ${REPLAYS} replays)`,
  command: `${benchEnvironment()}node dist/bench/norm-gemm.js`,
  date: new Date().toISOString(),
  results,
});
