// Typed, validated access to a component's JSON config. Every missing or wrong field is an error
// that names the file, the field and what was expected.
import { readFileSync } from 'node:fs';
import { FiseditError } from './errors.js';

export class Config {
  constructor(readonly source: string, readonly raw: Record<string, unknown>) {}

  static read(path: string): Config {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new FiseditError(`cannot read config ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message}`, { cause: e });
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new FiseditError(`config ${path} is not valid JSON: ${(e as Error).message}`, { cause: e });
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new FiseditError(`config ${path} is not a JSON object`);
    return new Config(path, raw as Record<string, unknown>);
  }

  private fail(key: string, want: string, got: unknown): never {
    const what = got === undefined ? 'is missing' : `is ${JSON.stringify(got)}`;
    throw new FiseditError(`${this.source}: field "${key}" ${what}; expected ${want}`);
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }

  number(key: string, fallback?: number): number {
    const v = this.raw[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(key, 'a number', this.raw[key]);
    return v;
  }

  int(key: string, fallback?: number): number {
    const v = this.raw[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) this.fail(key, 'a positive integer', this.raw[key]);
    return v;
  }

  bool(key: string, fallback?: boolean): boolean {
    const v = this.raw[key] ?? fallback;
    if (typeof v !== 'boolean') this.fail(key, 'true or false', this.raw[key]);
    return v;
  }

  string<S extends string>(key: string, allowed?: readonly S[], fallback?: S): S {
    const v = this.raw[key] ?? fallback;
    if (typeof v !== 'string') this.fail(key, allowed ? `one of ${allowed.join(', ')}` : 'a string', this.raw[key]);
    if (allowed && !allowed.includes(v as S)) this.fail(key, `one of ${allowed.join(', ')}`, v);
    return v as S;
  }

  intList(key: string): number[] {
    const v = this.raw[key];
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => Number.isInteger(x) && x > 0)) this.fail(key, 'a non-empty list of positive integers', v);
    return v as number[];
  }

  stringList(key: string): string[] {
    const v = this.raw[key];
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string')) this.fail(key, 'a non-empty list of strings', v);
    return v as string[];
  }

  /** A positive integer given once for every level or as one value per level (diffusers allows both). */
  perLevel(key: string, levels: number, fallback?: number): number[] {
    const v = this.raw[key] ?? fallback;
    if (Number.isInteger(v) && (v as number) > 0) return Array(levels).fill(v);
    if (Array.isArray(v) && v.length === levels && v.every((x) => Number.isInteger(x) && x > 0)) return v as number[];
    this.fail(key, `a positive integer or a list of ${levels}`, v);
  }
}
