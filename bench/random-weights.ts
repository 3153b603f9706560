// Weights for benchmarks of full-size models: deterministic, fast to make (xorshift, not normal
// draws), uniform with the variance of a fan-in initialisation; norms near 1.
import type { WeightSource } from '../src/models/params.js';

export /** Fast deterministic weights: uniform with the variance of a fan-in init; norms near 1. */
const RANDOM_WEIGHTS: WeightSource = {
  has: (name) => !name.startsWith('text_model.'),
  read(name, shape) {
    const n = shape.reduce((a, b) => a * b, 1);
    const fanIn = shape.length > 1 ? shape.slice(1).reduce((a, b) => a * b, 1) : 1;
    const a = /norm[^.]*\.weight$/.test(name) ? 0.1 : name.endsWith('.bias') ? 0.02 : Math.sqrt(3 / fanIn);
    const base = /norm[^.]*\.weight$/.test(name) ? 1 : 0;
    let s = 2463534242 ^ n;
    for (const ch of name) s = (Math.imul(s, 31) + ch.charCodeAt(0)) | 0;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
      out[i] = base + a * ((s >>> 0) / 2147483648 - 1);
    }
    return out;
  },
};

/** The BENCH_* settings of this run as a shell prefix, so a result file names the command that made it. */
export function benchEnvironment(): string {
  return Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_')).sort().map(([k, v]) => `${k}=${v} `).join('');
}

/** CudaOptions.wgmmaPipeline from a BENCH_WGMMA_PIPELINE value: on, off or auto. */
export function pipelineOption(v: string): boolean | 'auto' {
  const o = ({ on: true, off: false, auto: 'auto' } as const)[v as 'on' | 'off' | 'auto'];
  if (o === undefined) throw new Error(`BENCH_WGMMA_PIPELINE: '${v}' is not on, off or auto`);
  return o;
}

/** CudaOptions.flashSplits from a BENCH_FLASH_SPLITS value: auto (unset) or a number (the backend refuses any but an integer from 1). */
export function flashSplitsOption(v: string | undefined): number | 'auto' {
  return v === undefined || v === 'auto' ? 'auto' : Number(v);
}

/** CudaOptions.gemmAlgorithms from a BENCH_GEMM_ALGOS value: timed (unset) or heuristic (the backend refuses others, checkCudaOptions). */
export function gemmAlgorithmsOption(v: string | undefined): 'timed' | 'heuristic' {
  return (v ?? 'timed') as 'timed' | 'heuristic';
}

/** CudaOptions.gegluKernel from a BENCH_GEGLU_KERNEL value: on unless `off` (cuBLASLt + k_geglu then, for an A/B). */
export function gegluKernelOption(v: string | undefined): boolean {
  return v !== 'off';
}

/** CudaOptions.winograd from a BENCH_WINOGRAD value: on (unset), `off` (never, for an A/B) or `f4` (F(4x4, 3x3) where the map allows; the backend refuses others). */
export function winogradOption(v: string | undefined): boolean | 'f4' {
  return v === undefined || v === 'on' ? true : v === 'off' ? false : (v as 'f4');
}

/** CudaOptions.rowsGemm from a BENCH_ROWS_GEMM value: the default (unset), `off` (every linear layer by cuBLASLt, for an A/B) or the most rows (the backend refuses others). */
export function rowsGemmOption(v: string | undefined): boolean | number {
  return v === undefined ? true : v === 'off' ? false : Number(v);
}
