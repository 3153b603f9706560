// Finding and loading the NVIDIA libraries: the driver (libcuda.so.1), NVRTC and cuBLAS. Locations
// come from FISEDIT_CUDA_LIBS, CUDA_HOME, LD_LIBRARY_PATH and the usual install folders; a
// library that cannot be found or loaded is an error that names it and where it was looked for.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import koffi from 'koffi';
import { FiseditError } from '../../io/errors.js';

export type Library = ReturnType<typeof koffi.load>;

export function searchFolders(): string[] {
  const env = (v: string | undefined) => (v ? v.split(':').filter(Boolean) : []);
  const cudaHome = process.env.CUDA_HOME ?? process.env.CUDA_PATH;
  return [
    ...env(process.env.FISEDIT_CUDA_LIBS),
    ...(cudaHome ? [join(cudaHome, 'lib64'), join(cudaHome, 'lib')] : []),
    ...env(process.env.LD_LIBRARY_PATH),
    '/usr/local/nvidia/lib64', '/usr/local/cuda/lib64', '/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib/wsl/lib',
    ...safeList('/usr/local').filter((d) => d.startsWith('cuda-')).sort().reverse().map((d) => join('/usr/local', d, 'lib64')),
  ];
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Loads the first of `names` found in the search folders (or by the system loader). */
export function loadLibrary(what: string, names: readonly string[]): Library {
  const folders = searchFolders();
  const tried: string[] = [];
  for (const dir of folders)
    for (const n of names) {
      const p = join(dir, n);
      if (!existsSync(p)) continue;
      try {
        return koffi.load(p);
      } catch (e) {
        tried.push(`${p}: ${(e as Error).message}`);
      }
    }
  for (const n of names) {
    try {
      return koffi.load(n);
    } catch {
      // not on the loader's path either
    }
  }
  throw new FiseditError(
    `cuda backend: ${what} not found (looked for ${names.join(', ')} in FISEDIT_CUDA_LIBS, CUDA_HOME, LD_LIBRARY_PATH and ${folders.slice(-6).join(', ')})` +
      (tried.length ? `; failed to load: ${tried.join('; ')}` : ''),
  );
}

/** C functions by name from their prototypes (koffi's C-like syntax). */
export function bindFunctions(lib: Library, prototypes: Record<string, string>): Record<string, (...args: unknown[]) => number> {
  return Object.fromEntries(Object.entries(prototypes).map(([k, proto]) => [k, lib.func(proto) as (...args: unknown[]) => number]));
}

/** cuBLAS and cuBLASLt return a status; anything but success is an error naming the call. */
export function checkCublas(what: string, code: number): void {
  if (code !== 0) throw new FiseditError(`cuda backend: ${what} failed with cuBLAS status ${code}`);
}
