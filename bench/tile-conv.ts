// A sparse step's convolution layer (Backend.convTilesInto: tiles through the norm's affine + SiLU,
// 3x3 convolution, written with the residual into the base map in place) for the tile shapes
// a 5-30% mask gives, by k_tile_conv ('fused'; k_tile_conv_wg* on Hopper) and by gather + cuBLASLt/cuDNN + write ('library'),
// timed inside CUDA graphs as the steps run them (BENCH_COLD=on: each convolution reading its weights from
// memory, as a step's do). GPU machine only. Writes JSON to $OUT (or bench/results/).
import { CudaBackend } from '../src/backend/cuda/cuda.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { Random } from '../src/util/random.js';
import { benchEnvironment } from './random-weights.js';
import { benchCold, graphOpUs, weightCopies } from './stats.js';
import { writeResult } from './output.js';

const PER_GRAPH = 10, REPLAYS = Number(process.env.BENCH_REPLAYS ?? 30);
/** Side of the maps the tiles come from (every shape: the base map's copy is the same work for both paths). */
const MAP = 24;

const channels: [number, number][] = [[320, 320], [640, 640], [1280, 1280], [2560, 1280], [1920, 640], [960, 320]];
const tileSets: [number, number][] = [[4, 8], [6, 8], [6, 40], [10, 16], [18, 4]];
/** BENCH_TILE_CONV_SHAPES=ci:co:side:tiles,...: those instead (side 3: one-position tiles, a plan by rows; e.g. under Nsight Compute). */
const only = process.env.BENCH_TILE_CONV_SHAPES?.split(',');
const rnd = new Random(11);
const modes = ['fused', 'library'] as const;
const backends = Object.fromEntries(modes.map((m) => [m, new CudaBackend({ tileConvolution: m, dependentLaunches: process.env.BENCH_DEPENDENT_LAUNCHES !== 'off' })])) as Record<(typeof modes)[number], CudaBackend>;

interface Layer { ci: number; co: number; side: number; origins: Int32Array; data: Record<string, [number[], Float32Array]> }

/** A layer's host data: the same for both paths. */
function layer(ci: number, co: number, side: number, count: number): Layer {
  const origins = Int32Array.from({ length: 2 * count }, () => Math.floor(rnd.uniform() * (MAP - side + 3)) - 1);
  const host = (shape: number[], scale = 1): [number[], Float32Array] => [shape, rnd.normal(shape.reduce((a, b) => a * b)).map((v) => v * scale)];
  const data = { w: host([co, ci, 3, 3], 0.02), b: host([co]), base: host([2, MAP, MAP, co]), residual: host([2, MAP, MAP, co]), scale: host([2, ci], 0.5), shift: host([2, ci], 0.5), x: host([2, MAP, MAP, ci]) };
  return { ci, co, side, origins, data };
}

/** Microseconds per convTilesInto on `gpu`, the map written into (to compare the paths) and the kernels of a launch (profiled before the graphs, whose replays write the same bits). */
function timeLayer(gpu: CudaBackend, l: Layer, key: string): { us: number; out: Float32Array; kernels: string } {
  const t = (name: string) => gpu.keep(gpu.fromHost(l.data[name]![1], l.data[name]![0]));
  // BENCH_COLD=on: each convolution of a graph takes the next of the weights' copies (stats.ts weightCopies)
  const ws = Array.from({ length: weightCopies(gpu, l.data.w![1].length * 2) }, () => gpu.keep(gpu.convWeight(l.data.w![1], l.data.w![0] as [number, number, number, number])));
  const [b, base, residual, scale, shift] = ['b', 'base', 'residual', 'scale', 'shift'].map(t) as Tensor[];
  const corners = l.origins.map((v) => Math.min(MAP - 1, v + 1));
  const active = new Uint8Array(MAP * MAP).fill(1);
  const conv = { tiles: { origins: l.origins, side: l.side }, affine: { scale: scale!, shift: shift! }, silu: true, b, stride: 1 };
  gpu.profileStart(1);
  gpu.tidy(() => gpu.convTilesInto(base!, gpu.fromHost(l.data.x![1], l.data.x![0]), { ...conv, w: ws[0]! }, { corners, active, residual }));
  const kernels = gpu.profileEnd().ops.map((op) => op.op.split(' ')[0]!).join(' ');
  let next = 0;
  const { us } = graphOpUs(gpu, gpu.fromHost(l.data.x![1], l.data.x![0]), key, (xi) => gpu.convTilesInto(base!, xi, { ...conv, w: ws[next++ % ws.length]! }, { corners, active, residual }), PER_GRAPH, REPLAYS);
  return { us, out: gpu.toHost(base!), kernels }; // written in place, the same values at each replay
}

const shapes = only ? only.map((s) => s.split(':').map(Number) as [number, number, number, number]) : channels.flatMap(([ci, co]) => tileSets.map(([side, count]) => [ci, co, side, count] as const));
const results = [];
for (const [ci, co, side, count] of shapes) {
  const rows = 2 * count * (side - 2) ** 2;
  const l = layer(ci, co, side, count);
  const [fused, library] = modes.map((m) => timeLayer(backends[m], l, `tile-conv ${ci} ${co} ${side} ${count}`));
  let diff = 0, peak = 0;
  fused!.out.forEach((v, i) => { diff = Math.max(diff, Math.abs(v - library!.out[i]!)); peak = Math.max(peak, Math.abs(library!.out[i]!)); });
  const r = { ci, co, side, tiles: 2 * count, rows, kdim: 9 * ci, fusedUs: +fused!.us.toFixed(1), libraryUs: +library!.us.toFixed(1), fusedKernels: fused!.kernels, maxDiffRelative: +(diff / peak).toExponential(2) };
  console.log(JSON.stringify(r));
  results.push(r);
}

writeResult('tile-conv', {
  what: `a sparse step's convolution layer (convTilesInto: affine + SiLU gather, 3x3, written + residual into a ${MAP}x${MAP} base in place) by k_tile_conv and by gather + library GEMM/convolution + write, inside CUDA graphs of ${PER_GRAPH} (${backends.fused.description}; ${benchCold ? 'weights read from memory: copies taken in turn' : "one layer's weights, in L2 after the first"}); microseconds per layer, median of ${REPLAYS} replays`,
  command: `${benchEnvironment()}node dist/bench/tile-conv.js`,
  date: new Date().toISOString(),
  results,
});
