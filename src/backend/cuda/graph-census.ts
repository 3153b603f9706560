// What the CUDA graphs a driver recorded hold, read back from the driver: the programmatic edges into
// library kernels (Driver.libraryDependents), which the GPU tests and bench:unet / bench:edit report.
// A diagnostic beside the driver's own work, so kept out of driver.ts.
import { DEPENDENCY_TYPE_PROGRAMMATIC, EDGE_BYTES, EDGE_TYPE, GRAPH_NODE_TYPE_KERNEL, NODE_BYTES } from './driver-api.js';

/** What the census reads of a driver: its bound functions, its error check, its recorded graphs and the functions of its own modules. */
export interface CensusSource {
  f: Record<string, (...a: unknown[]) => number>;
  check(what: string, code: number): void;
  graphs: Iterable<unknown>;
  ours: ReadonlySet<bigint>;
}

/**
 * The programmatic edges from kernels of ours into library kernels (not of our modules) in the
 * graphs, by the library kernel's name: none while beforeLibraryCall does its work (the GPU tests
 * check). A library's edges between its own kernels are its business (cuBLASLt launches a split-K
 * GEMM's reduction as a programmatic dependent of the GEMM): `fromLibraries` counts those instead,
 * for the benches' record. Keyed "source -> target" by the kernels' names.
 */
export function libraryDependents(d: CensusSource, fromLibraries = false): Map<string, number> {
  const found = new Map<string, number>();
  const params = new Uint8Array(NODE_BYTES), fnAt = new DataView(params.buffer);
  /** The function a kernel node runs (0 where the node names a CUkernel: a library's), undefined for other nodes. */
  const kernelOf = (node: bigint): bigint | undefined => {
    const type = [0];
    d.check('cuGraphNodeGetType', d.f.cuGraphNodeGetType!(node, type));
    if (type[0] !== GRAPH_NODE_TYPE_KERNEL) return undefined;
    d.check('cuGraphKernelNodeGetParams', d.f.cuGraphKernelNodeGetParams!(node, params));
    return fnAt.getBigUint64(0, true);
  };
  for (const graph of d.graphs) {
    const count = [0];
    d.check('cuGraphGetEdges', d.f.cuGraphGetEdges!(graph, null, null, null, count));
    const n = Number(count[0]);
    if (!n) continue;
    const from = new BigUint64Array(n), to = new BigUint64Array(n), data = new Uint8Array(EDGE_BYTES * n);
    d.check('cuGraphGetEdges', d.f.cuGraphGetEdges!(graph, from, to, data, count));
    for (let e = 0; e < n; e++) {
      if (data[EDGE_BYTES * e + EDGE_TYPE] !== DEPENDENCY_TYPE_PROGRAMMATIC) continue;
      const fn = kernelOf(to[e]);
      if (fn === undefined || d.ours.has(fn)) continue;
      const source = kernelOf(from[e]);
      if (source === undefined || d.ours.has(source) === fromLibraries) continue;
      const label = `${kernelName(d, source)} -> ${kernelName(d, fn)}`;
      found.set(label, (found.get(label) ?? 0) + 1);
    }
  }
  return found;
}

/** A kernel's name as its module has it (a library's mangled name cut short), or what it is when the driver cannot say. */
function kernelName(d: CensusSource, fn: bigint): string {
  const name: (string | null)[] = [null];
  return (fn !== 0n && d.f.cuFuncGetName!(name, fn) === 0 && name[0]?.slice(0, 60)) || 'a library kernel';
}
