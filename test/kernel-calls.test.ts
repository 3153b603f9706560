// The host's kernel launches against the kernels' parameter lists, checked without a GPU: every
// `this.run(...)` and `this.runVector(...)` in src/backend/cuda whose kernel names and argument list
// can be read from the source (names as string literals, a const holding them, or a template matched
// against the declared builds; an array literal, or a const array of the same function, with spreads
// of const arrays or of ternaries between arrays of one length) passes exactly as many
// arguments as KERNELS declares parameters. The driver checks the count too, but only on a GPU: a
// launch with one argument too many cost a whole device call in session 56.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KERNELS } from '../src/backend/cuda/kernels.js';

const CUDA_DIR = join(import.meta.dirname, '..', '..', 'src', 'backend', 'cuda');

const CLOSE: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Where the string or template literal opening at `i` closes (`i` itself where no string opens there). */
function pastString(s: string, i: number): number {
  const quote = s[i]!;
  if (quote !== "'" && quote !== '"' && quote !== '`') return i;
  for (i++; i < s.length && s[i] !== quote; i++) if (s[i] === '\\') i++;
  return i;
}

/** The text between the bracket at `open` and its match (strings and template literals skipped over). */
function inside(s: string, open: number): string {
  const stack: string[] = [];
  for (let i = open; i < s.length; i = pastString(s, i) + 1) {
    const ch = s[i]!;
    if (CLOSE[ch]) stack.push(CLOSE[ch]);
    else if (ch === stack[stack.length - 1]) {
      stack.pop();
      if (!stack.length) return s.slice(open + 1, i);
    }
  }
  throw new Error(`unbalanced bracket at ${open}`);
}

/** The places in `s` at bracket depth 0 that are neither a bracket nor inside a string. */
function* shallow(s: string): Generator<number> {
  let depth = 0;
  for (let i = 0; i < s.length; i = pastString(s, i) + 1) {
    const ch = s[i]!;
    if (CLOSE[ch]) depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (depth === 0) yield i;
  }
}

/** The comma-separated parts of `s` at bracket depth 0, trimmed (empty text: none). */
function topLevel(s: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (const i of shallow(s)) if (s[i] === ',') (parts.push(s.slice(start, i).trim()), (start = i + 1));
  const last = s.slice(start).trim();
  if (last) parts.push(last);
  return parts;
}

/**
 * The initializer of the last `const name =` before `at` in `source` within the same function (no
 * line between them begins a member or a top-level declaration: text at column 0 or 2), up to its
 * statement's end; undefined where there is none (a parameter, say).
 */
function constBefore(source: string, name: string, at: number): string | undefined {
  const found = [...source.slice(0, at).matchAll(new RegExp(`const ${name}\\s*=\\s*`, 'g'))].pop();
  if (!found || /\n(?: {2})?[A-Za-z/*@]/.test(source.slice(found.index!, at))) return undefined;
  const from = found.index! + found[0].length;
  if (source[from] === '[') return `[${inside(source, from)}]`;
  const end = source.indexOf(';', from);
  return source.slice(from, end).trim();
}

/** How many values an argument-array expression holds, where the source says; undefined where it cannot be read. */
function countOf(expr: string, source: string, at: number): number | undefined {
  const e = expr.trim();
  if (/^\w+$/.test(e)) {
    const init = constBefore(source, e, at);
    return init === undefined ? undefined : countOf(init, source, at);
  }
  if (e.startsWith('[') && inside(e, 0).length === e.length - 2) {
    let n = 0;
    for (const part of topLevel(inside(e, 0))) {
      if (!part.startsWith('...')) n++;
      else {
        const spread = countOf(part.slice(3), source, at);
        if (spread === undefined) return undefined;
        n += spread;
      }
    }
    return n;
  }
  // cond ? [..] : [..] with arrays of one length
  const ternary = arrayTernary(e);
  if (ternary) {
    const [a, b] = ternary.map((x) => countOf(x, source, at));
    return a !== undefined && a === b ? a : undefined;
  }
  return undefined;
}

/** The two arrays of `cond ? [..] : [..]` (its ? and : at bracket depth 0, each before a [), or undefined. */
function arrayTernary(e: string): [string, string] | undefined {
  let question = -1;
  for (const i of shallow(e)) {
    if ((e[i] !== '?' && e[i] !== ':') || !/^\s*\[/.test(e.slice(i + 1))) continue;
    if (e[i] === '?') question = i;
    else if (question >= 0) return [e.slice(question + 1, i).trim(), e.slice(i + 1).trim()];
  }
  return undefined;
}

interface Launch {
  file: string;
  line: number;
  names: string[];
  count: number | undefined;
}

/**
 * Each run/runVector call of a source: the kernel names its first argument spells out and its argument
 * count. Line comments go first (an apostrophe in one would read as a string), their lines kept.
 */
function launches(file: string, text: string): Launch[] {
  const source = text.replace(/(^|\s)\/\/.*$/gm, '$1');
  const out: Launch[] = [];
  for (const m of source.matchAll(/this\.(run|runVector)\(/g)) {
    const open = m.index! + m[0].length - 1;
    const args = topLevel(inside(source, open));
    out.push({ file, line: source.slice(0, open).split('\n').length, names: kernelNames(args[0] ?? '', source, open), count: args[2] === undefined ? undefined : countOf(args[2], source, open) });
  }
  return out;
}

/**
 * The kernels a launch's first argument names: its string literals; for a template (`k_flash_${dp}_${mt}`, its substitutions numbers)
 * every declared kernel its pattern matches (the builds of one kernel share its parameters); for a
 * const named in the source before the launch, its initializer's string literals (`const kernel =
 * pipelined ? 'k_flash_wg64_pipe' : 'k_flash_wg64'`); none for anything else (a field such as
 * `l.name`, whose value the source does not show).
 */
function kernelNames(arg: string, source: string, at: number): string[] {
  if (/^\w+$/.test(arg)) {
    const init = constBefore(source, arg, at);
    return init === undefined ? [] : kernelNames(init.split(/,\s*\w+\s*=/)[0]!, source, at); // `const a = .., b = ..`: a's part
  }
  const template = arg.match(/^`(k_[^`]*)`$/);
  if (template) {
    const pattern = new RegExp(`^${template[1]!.split(/\$\{[^}]*\}/).map((p) => p.replace(/[^\w]/g, '\\$&')).join('[0-9]+')}$`);
    return Object.keys(KERNELS).filter((k) => pattern.test(k));
  }
  return [...arg.matchAll(/'(k_\w+)'/g)].map((x) => x[1]!);
}

describe('kernel launches on the host', () => {
  it('pass each kernel as many arguments as it declares, wherever the source spells them out', () => {
    const all = readdirSync(CUDA_DIR).filter((f) => f.endsWith('.ts')).flatMap((f) => launches(f, readFileSync(join(CUDA_DIR, f), 'utf8')));
    const checked = all.filter((l) => l.names.length && l.count !== undefined);
    for (const l of checked)
      for (const name of l.names) {
        const kinds = KERNELS[name];
        assert.ok(kinds, `${l.file}:${l.line} launches ${name}, which no kernel table declares`);
        assert.equal(l.count, kinds.length, `${l.file}:${l.line} passes ${name} ${l.count} arguments; it declares ${kinds.length}`);
      }
    // most launches are readable: a change that hid them from this test would show here
    assert.ok(checked.length >= 25, `only ${checked.length} of ${all.length} launches could be read`);
  });

  it('reads the forms the sources use, and finds a wrong count', () => {
    // a method's body (indented 4), then another method's (its `args` a parameter, not the const above)
    const source = [
      '    const through = input?.affine ? [a, b.c[1]!] : [0, 0];',
      "    const args = [x, ...through, y, 3]; // it's short",
      "    this.run(wide ? 'k_im2col_v' : 'k_im2col', 0, args, 128, rows); // the kernel's rows",
      "    this.runVector('k_copy', n, [from, this.p(out), // the copy's length:",
      '      Math.max(n, 1)], []);',
      '    this.run(`k_flash_${d}`, 0, [1, 2], 128);',
      "    this.run('k_copy', 0, [x, ...rest], 32);",
      "    const kernel = wide ? 'k_copy_v' : 'k_copy', blocks = 4;",
      '    this.run(kernel, 0, [x, y, 1], 128);',
      '    this.run(l.name, 0, [x], 128);',
      '  other(args: number[]) {',
      "    this.run('k_copy', 0, [...args, 1], 128);",
    ].join('\n');
    const found = launches('sample.ts', source);
    assert.deepEqual(found.map((l) => [l.names, l.count]), [[['k_im2col_v', 'k_im2col'], 5], [['k_copy'], 3], [[], 2], [['k_copy'], undefined], [['k_copy_v', 'k_copy'], 3], [[], 1], [['k_copy'], undefined]]);
    assert.notEqual(found[0]!.count, KERNELS.k_im2col!.length, 'the sample launch of k_im2col is short, and the count shows it');
  });
});
