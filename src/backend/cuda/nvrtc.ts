// Compiling our .cu sources with NVRTC for the GPU that is present, with the cubin cached on disk
// under a key of source, architecture and options (a second start loads it without compiling).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FiseditError } from '../../io/errors.js';
import { writeFileAtomic } from '../../util/files.js';
import { fiseditHome } from '../../util/home.js';
import { bindFunctions, loadLibrary, type Library } from './libs.js';

let nvrtc: Record<string, (...a: unknown[]) => number> | undefined;

function bind(): Record<string, (...a: unknown[]) => number> {
  if (nvrtc) return nvrtc;
  const lib: Library = loadLibrary('NVRTC (libnvrtc)', ['libnvrtc.so.13', 'libnvrtc.so.12', 'libnvrtc.so']);
  const decl: Record<string, string> = {
    create: 'int nvrtcCreateProgram(_Out_ void **prog, const char *src, const char *name, int numHeaders, const char **headers, const char **includeNames)',
    compile: 'int nvrtcCompileProgram(void *prog, int numOptions, const char **options)',
    cubinSize: 'int nvrtcGetCUBINSize(void *prog, _Out_ size_t *size)',
    cubin: 'int nvrtcGetCUBIN(void *prog, _Out_ uint8_t *cubin)',
    logSize: 'int nvrtcGetProgramLogSize(void *prog, _Out_ size_t *size)',
    log: 'int nvrtcGetProgramLog(void *prog, _Out_ uint8_t *log)',
    destroy: 'int nvrtcDestroyProgram(_Inout_ void **prog)',
  };
  nvrtc = bindFunctions(lib, decl);
  return nvrtc;
}

export function cubinCacheDir(): string {
  return process.env.FISEDIT_CUBIN_CACHE ?? join(fiseditHome(), 'cubin');
}

/**
 * A cubin for `arch` (e.g. "sm_90"), from the disk cache or freshly compiled; `headers`: the text of
 * each file the source includes by that name (part of the cache key, as the source is).
 */
export function compileCubin(source: string, name: string, arch: string, options: readonly string[] = [], headers: Readonly<Record<string, string>> = {}): Uint8Array {
  // the toolkit's headers (cuda_fp16.h, mma.h) for sources that include them
  const home = process.env.CUDA_HOME ?? process.env.CUDA_PATH ?? '/usr/local/cuda';
  const includes = [join(home, 'include'), join(home, 'targets', 'x86_64-linux', 'include')].filter((d) => existsSync(join(d, 'cuda_fp16.h')));
  const opts = [`--gpu-architecture=${arch}`, '-std=c++17', ...includes.map((d) => `--include-path=${d}`), ...options];
  const includeNames = Object.keys(headers).sort(), texts = includeNames.map((n) => headers[n]!);
  const hash = createHash('sha256').update(source).update('\0').update(opts.join(' '));
  includeNames.forEach((n, i) => hash.update('\0').update(n).update('\0').update(texts[i]!));
  const key = hash.digest('hex').slice(0, 32);
  const dir = cubinCacheDir();
  const file = join(dir, `${name}-${arch}-${key}.cubin`);
  if (existsSync(file)) return readFileSync(file);
  const f = bind();
  const prog = [null];
  const ok = (what: string, code: number) => {
    if (code !== 0) throw new FiseditError(`NVRTC ${what} failed (code ${code}) for ${name}`);
  };
  ok('create', f.create!(prog, source, `${name}.cu`, includeNames.length, texts, includeNames));
  try {
    const code = f.compile!(prog[0], opts.length, opts);
    if (code !== 0) {
      const size = [0];
      f.logSize!(prog[0], size);
      const log = new Uint8Array(Number(size[0]));
      f.log!(prog[0], log);
      throw new FiseditError(`NVRTC could not compile ${name}.cu for ${arch}:\n${Buffer.from(log).toString().replace(/\0+$/, "")}`);
    }
    const size = [0];
    ok('cubin size', f.cubinSize!(prog[0], size));
    const cubin = new Uint8Array(Number(size[0]));
    ok('cubin', f.cubin!(prog[0], cubin));
    writeFileAtomic(file, cubin);
    return cubin;
  } finally {
    f.destroy!(prog);
  }
}
