// What the cuda backend's kernel sources must hold everywhere, checked without a GPU: every kernel
// waits for the kernels before it (the host launches them as programmatic dependents,
// kernels/launch.cuh) before it reads or writes memory an earlier kernel may be using: at its start,
// or after looking up only the plan's arrays, or after reading only what it is listed to read early
// (EARLY_READS: what the kernel the host launches just before it does not write); numbers the
// host and a kernel share come from kernels.ts alone (KERNEL_DEFINES); the host passes each kernel
// the arguments it declares (a mismatch would reach the GPU as garbage, found only there).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ArgKind } from '../src/backend/cuda/driver.js';
import { GEMM_GEGLU_KERNELS, GEMM_ROWS_KERNELS, KERNELS, KERNEL_DEFINES, KERNEL_DIR, LATENT_KERNELS, LN_KEPT, OPS_KERNELS, SPARSE_KERNELS, WINOGRAD_KERNELS, TILE_CONV_KERNELS, TILE_CONV_WG_KERNELS, kernelDefines, layerNormLanes } from '../src/backend/cuda/kernels.js';

/** Each __global__ function of a source (macro line continuations joined): its text up to the body and the body's first statement. */
function kernels(source: string): { head: string; first: string }[] {
  const s = source.replace(/\\\n/g, ' ');
  const found: { head: string; first: string }[] = [];
  for (let at = s.indexOf('__global__'); at >= 0; at = s.indexOf('__global__', at + 1)) {
    let depth = 0, i = at;
    for (; i < s.length && !(s[i] === '{' && depth === 0); i++) depth += s[i] === '(' ? 1 : s[i] === ')' ? -1 : 0;
    found.push({ head: s.slice(at, i).replace(/\s+/g, ' ').slice(0, 120), first: s.slice(i + 1).trimStart().split(';')[0]! });
  }
  return found;
}

/** The kernels a source defines: __global__ functions by name, both builds of each (PLANNED_)VECTOR_KERNEL, each kernel a TILE_CONV_BUILD line names. */
function defined(source: string): Set<string> {
  const names = new Set<string>();
  for (const m of source.matchAll(/__global__ void (?:__launch_bounds__\([^)]*\) )?(\w+)\s*\(/g)) names.add(m[1]!);
  for (const m of source.matchAll(/^(?:PLANNED_)?VECTOR_KERNEL\((\w+),/gm)) names.add(m[1]!).add(`${m[1]}_v`);
  for (const m of source.matchAll(/^TILE_CONV_BUILD\((\w+),/gm)) names.add(m[1]!);
  for (const m of source.matchAll(/^GEMM_ROWS_BUILD\((\d+), (\d+)\)/gm)) names.add(`k_gemm_rows${m[1]}_${m[2]}`);
  return names;
}

/**
 * The argument kinds of each kernel a source declares in plain words (`extern "C" __global__ void
 * [attributes] name(parameters)`; not those a macro builds), as the host passes them (driver.ts ArgKind).
 */
function declaredKinds(source: string): Map<string, (ArgKind | string)[]> {
  const kinds = new Map<string, (ArgKind | string)[]>();
  const s = source.replace(/\\\n/g, ' ');
  for (const m of s.matchAll(/extern "C" __global__ void (?:__\w+__\([^)]*\)\s*)*(\w+)\s*\(([^)]*)\)\s*\{/g)) {
    const kindOf = (param: string): ArgKind | string => {
      const type = param.trim().replace(/\s*\b\w+$/, '').replace(/\bconst\b/g, '').trim();
      if (type.includes('*')) return 'ptr';
      // a 32-bit slot whether signed or not (the host passes counts below 2^31)
      return ({ int: 'i32', u32: 'i32', float: 'f32', u64: 'u64', size_t: 'u64' } as Record<string, ArgKind>)[type] ?? `unknown type "${type}"`;
    };
    kinds.set(m[1]!, m[2]!.trim() ? m[2]!.split(',').map(kindOf) : []);
  }
  return kinds;
}

/** `source` with each parameter-list macro of the headers (`#define NAME_ARGS ...`, as tile-write.cuh's TILE_CONV_ARGS) written out. */
function withArgMacros(source: string, headers: readonly string[]): string {
  let s = source;
  for (const h of headers)
    for (const m of h.replace(/\\\n/g, ' ').matchAll(/^#define (\w+_ARGS)\s+(.*)$/gm)) s = s.replace(new RegExp(`\\(${m[1]}\\)`, 'g'), `(${m[2]!.trim()})`);
  return s;
}

/** Whether `text` reads parameter p (by name, not as a member such as blockIdx.x). */
function mentions(text: string, p: string): boolean {
  return new RegExp(`(?<![.\\w])${p}\\b`).test(text);
}

/** The kernels a source builds with PLANNED_VECTOR_KERNEL (their plan lookups before the wait). */
function plannedKernels(source: string): string[] {
  return [...source.matchAll(/^PLANNED_VECTOR_KERNEL\((\w+),/gm)].map((m) => m[1]!);
}

/** The text from `open` (an opening bracket's index) to its matching close, exclusive. */
function bracketed(s: string, open: number): string {
  const pair: Record<string, string> = { '(': ')', '{': '}' };
  const o = s[open]!, c = pair[o]!;
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    depth += s[i] === o ? 1 : s[i] === c ? -1 : 0;
    if (depth === 0) return s.slice(open + 1, i);
  }
  throw new Error(`unbalanced ${o} at ${open}`);
}

/**
 * Kernels of ours that read some of their parameters before they wait, and which (besides the plan's
 * arrays): the host launches each straight after a kernel that writes none of them, or (GUARDED_EARLY_READS)
 * only where the host says so. k_group_affine follows the k_group_partial that writes its `sums`
 * (CudaPointwiseOps.groupNormAffine). A planned kernel's body reads nothing but the plan before its wait.
 */
const EARLY_READS: Record<string, string[]> = { k_group_affine: ['base', 'rows', 'gamma', 'beta', 'offset'], gemm_rows: ['w'] };
/**
 * Kernels whose every statement that names an early read before the wait either returns nothing (a
 * prefetch into L2: no order needed against any kernel) or runs under `if (early)`, a flag the host
 * sets only for a model's parameter that the kernel just ahead cannot have written
 * (CudaDevice.settledParameter); the same read then follows the wait under `if (!early)`. gemm_rows
 * is every k_gemm_rows build's body.
 */
const GUARDED_EARLY_READS = new Set(['gemm_rows']);

/**
 * The function `fn` of a kernel source (a planned kernel's body `name_t`, or a kernel): its data
 * parameters (not plan arrays, which are `const int*` or `const unsigned char*`), the text that runs
 * before it waits, and how many times it waits.
 */
function bodyBeforeWait(source: string, fn: string): { data: string[]; beforeWait: string; waits: number } {
  const at = source.indexOf(`void ${fn}(`);
  if (at < 0) throw new Error(`no ${fn}`);
  const params = bracketed(source, source.indexOf('(', at));
  const body = bracketed(source, source.indexOf('{', at + params.length)).replace(/\/\/.*$/gm, ''); // code, not comments
  const data = params.split(',').map((p) => p.trim()).filter((p) => p.includes('*') && !/^const (int|unsigned char)\s*\*/.test(p)).map((p) => p.match(/(\w+)$/)![1]!);
  const loops = body.split('FOR_EACH_VEC_PLANNED(').length - 1, calls = body.split('after_earlier_kernels()').length - 1;
  const loop = body.indexOf('FOR_EACH_VEC_PLANNED(');
  // before the wait: all up to the loop and the loop's first lookup, or all up to the call
  const beforeWait = loop >= 0 ? body.slice(0, loop) + bracketed(body, loop + 'FOR_EACH_VEC_PLANNED'.length) : body.slice(0, Math.max(0, body.indexOf('after_earlier_kernels()')));
  return { data, beforeWait, waits: loops + calls };
}

/** Asserts that `fn`'s text before its wait reads none of its data parameters but those `allowed`. */
function readsBeforeWaitOnly(fn: string, { data, beforeWait }: { data: string[]; beforeWait: string }, allowed: readonly string[]): void {
  for (const p of data.filter((p) => !allowed.includes(p))) assert.ok(!mentions(beforeWait, p), `${fn} reads ${p} (not a plan array) before it waits`);
}

describe('kernel sources', () => {
  // the headers too: storage.cuh holds the VECTOR_KERNEL builds
  const files = readdirSync(KERNEL_DIR).filter((f) => f.endsWith('.cu') || f.endsWith('.cuh'));

  it('every kernel starts by waiting for the kernels before it', () => {
    assert.ok(files.length >= 5, `kernel sources in ${KERNEL_DIR}: ${files.join(', ')}`);
    let count = 0;
    for (const f of files) {
      const source = readFileSync(join(KERNEL_DIR, f), 'utf8');
      if (f.endsWith('.cu')) assert.match(source, /#include "launch.cuh"/, `${f} includes launch.cuh`);
      for (const k of kernels(source)) {
        count++;
        // PLANNED_VECTOR_KERNEL's builds call their body, which waits after its plan lookups (checked below)
        if (f === 'storage.cuh' && /^name##_t<(1|VW)> args$/.test(k.first)) continue;
        if (Object.keys(EARLY_READS).some((name) => k.head.includes(` ${name}(`) || k.first.startsWith(`${name}<`))) continue; // checked below
        assert.equal(k.first, 'after_earlier_kernels()', `${f}: ${k.head} starts with "${k.first}"`);
      }
    }
    assert.ok(count >= 26, `${count} kernels found`);
    const storage = readFileSync(join(KERNEL_DIR, 'storage.cuh'), 'utf8').replace(/\\\n/g, ' ');
    assert.equal([...storage.matchAll(/name##_t<(1|VW)> args/g)].length, 4, 'VECTOR_KERNEL and PLANNED_VECTOR_KERNEL build two kernels each');
    assert.match(storage, /#define FOR_EACH_VEC_PLANNED\(e, n, T, at, expr\)[^#]*T at = [^;]*;\s*after_earlier_kernels\(\);\s*for \(/, 'FOR_EACH_VEC_PLANNED waits after its first lookup, before its loop');
  });

  it('a kernel that looks up the plan before it waits reads nothing else before the wait', () => {
    let planned = 0;
    for (const f of files.filter((f) => f.endsWith('.cu'))) {
      const source = readFileSync(join(KERNEL_DIR, f), 'utf8');
      for (const name of plannedKernels(source)) {
        planned++;
        const body = bodyBeforeWait(source, `${name}_t`);
        assert.equal(body.waits, 1, `${f}: ${name}_t waits ${body.waits} times (after_earlier_kernels() or FOR_EACH_VEC_PLANNED)`);
        readsBeforeWaitOnly(`${f}: ${name}_t`, body, []);
      }
    }
    assert.ok(planned >= 6, `${planned} planned kernels found`);
    // the check finds a read of data before the wait
    const bad = 'template <int W> __device__ void k_x_t(const st* x, const int* idx, st* out, u64 n) {\n  FOR_EACH_VEC_PLANNED(e, n, int, at, idx[e] + (int)ld(x[e])) out[e] = x[at];\n}\nPLANNED_VECTOR_KERNEL(k_x, (const st* x, const int* idx, st* out, u64 n), (x, idx, out, n))';
    const found = bodyBeforeWait(bad, 'k_x_t');
    assert.deepEqual([found.waits, found.data], [1, ['x', 'out']]);
    assert.ok(mentions(found.beforeWait, 'x') && !mentions('blockIdx.x', 'x'));
  });

  it('every kernel of a module table is defined in that module source (what the device loads from it)', () => {
    const modules: [string, Record<string, ArgKind[]>][] = [['ops.cu', OPS_KERNELS], ['sparse.cu', SPARSE_KERNELS], ['winograd.cu', WINOGRAD_KERNELS], ['latents.cu', LATENT_KERNELS], ['tile-conv.cu', TILE_CONV_KERNELS], ['tile-conv-sm90.cu', TILE_CONV_WG_KERNELS], ['gemm-geglu-sm90.cu', GEMM_GEGLU_KERNELS], ['gemm-rows-sm90.cu', GEMM_ROWS_KERNELS]];
    for (const [file, table] of modules) {
      const names = defined(readFileSync(join(KERNEL_DIR, file), 'utf8'));
      for (const k of Object.keys(table)) assert.ok(names.has(k), `${k} is not defined in ${file}`);
    }
    assert.ok(!defined(readFileSync(join(KERNEL_DIR, 'ops.cu'), 'utf8')).has('k_scatter_rows'), 'the check tells files apart');
  });

  it('a kernel that reads before it waits reads only what the kernel launched before it does not write', () => {
    const sources = files.filter((f) => f.endsWith('.cu')).map((f) => readFileSync(join(KERNEL_DIR, f), 'utf8'));
    for (const [name, allowed] of Object.entries(EARLY_READS)) {
      const source = sources.find((s) => s.includes(`__global__ void ${name}(`) || s.includes(`__forceinline__ void ${name}(`));
      assert.ok(source, `${name} is defined`);
      const body = bodyBeforeWait(source, name);
      assert.equal(body.waits, 1, `${name} waits once`);
      assert.ok(allowed.every((p) => mentions(body.beforeWait, p)), `${name} reads ${allowed.join(', ')} before it waits`);
      readsBeforeWaitOnly(name, body, allowed);
      // a guarded kernel's reads: each statement that names them is a prefetch or under the host's flag
      if (GUARDED_EARLY_READS.has(name)) {
        const reading = body.beforeWait.split('\n').filter((line) => allowed.some((p) => mentions(line, p)));
        const guarded = (line: string) => /cp\.async\.bulk\.prefetch\.L2/.test(line) || /^\s*if \(early\) /.test(line);
        assert.ok(reading.length > 0 && reading.every(guarded), `${name} names ${allowed.join(', ')} before it waits only in an L2 prefetch or under if (early): ${reading.join(' | ')}`);
        for (const line of reading.filter((l) => /^\s*if \(early\) /.test(l)))
          assert.ok(source.includes(line.replace('if (early) ', 'if (!early) ')), `${name} does after its wait what it does early where not early: ${line.trim()}`);
      }
    }
  });

  it('numbers the host shares with a kernel are defined at compilation from kernels.ts, never in the source', () => {
    for (const [module, names] of Object.entries(KERNEL_DEFINES)) {
      const source = readFileSync(join(KERNEL_DIR, `${module}.cu`), 'utf8');
      for (const [name, value] of Object.entries(names)) {
        assert.doesNotMatch(source, new RegExp(`#define\\s+${name}\\b`), `${module}.cu defines ${name} itself`);
        assert.match(source, new RegExp(`\\b${name}\\b`), `${module}.cu does not use ${name}`);
        assert.ok(kernelDefines(module).includes(`-D${name}=${value}`), `${module}'s options give ${name}=${value}`);
      }
    }
    assert.ok(Object.keys(KERNEL_DEFINES.ops!).length >= 4);
  });

  it('the host passes each kernel the arguments its source declares, in number and kind', () => {
    let checked = 0;
    const headers = files.filter((f) => f.endsWith('.cuh')).map((f) => readFileSync(join(KERNEL_DIR, f), 'utf8'));
    for (const f of files.filter((f) => f.endsWith('.cu'))) {
      for (const [name, declared] of declaredKinds(withArgMacros(readFileSync(join(KERNEL_DIR, f), 'utf8'), headers))) {
        const table = KERNELS[name];
        if (!table) continue; // a kernel the host does not launch by this name (a macro's template, say)
        // a u64 parameter may take a device address the host passes as 'ptr' (which replays re-point); a pointer never goes as a bare u64
        const passed = table.map((k, i) => (k === 'ptr' && declared[i] === 'u64' ? 'u64' : k));
        assert.deepEqual(passed, declared, `${f}: ${name}'s arguments in kernels.ts against its parameters`);
        checked++;
      }
    }
    assert.ok(checked >= 25, `${checked} kernels checked`);
    assert.deepEqual(declaredKinds('extern "C" __global__ void __launch_bounds__(128, 3) k_x(const __half* q, int n, float s, u64 m) {').get('k_x'), ['ptr', 'i32', 'f32', 'u64']);
    assert.deepEqual(declaredKinds(withArgMacros('extern "C" __global__ void k_y(X_ARGS) {', ['#define X_ARGS \\\n  const st *a, \\\n  int n'])).get('k_y'), ['ptr', 'i32']);
  });

  it('the check finds a kernel that does not wait', () => {
    const [k] = kernels('extern "C" __global__ void k_x(float* a, int n) {\n  FOR_EACH(i, n) a[i] = 0;\n}');
    assert.equal(k!.first, 'FOR_EACH(i, n) a[i] = 0');
  });

  it('layer norm: a row takes the fewest lanes (a power of two, at most 32) whose kept vectors hold it', () => {
    // SD's rows in fp16 (8 values a vector): 320, 640 and 1280 wide, and the text encoder's 1024
    assert.deepEqual([320, 640, 1280, 1024].map((c) => layerNormLanes(c, 8)), [8, 16, 32, 32]);
    assert.equal(layerNormLanes(16, 8), 1);
    assert.equal(layerNormLanes(33, 1), 8);
    // longer than 32 lanes hold: 32 lanes, the rest read again
    assert.equal(layerNormLanes(32 * LN_KEPT * 4 + 4, 4), 32);
    for (const [c, w] of [[320, 8], [1280, 4], [77, 1]] as const) {
      const lanes = layerNormLanes(c, w);
      assert.ok(lanes * LN_KEPT * w >= c || lanes === 32, `${c} held`);
      assert.ok(lanes === 1 || (lanes / 2) * LN_KEPT * w < c, `${c}: no fewer lanes hold it`);
    }
  });
});
