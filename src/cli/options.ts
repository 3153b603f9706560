// Parsing option values the same way in every command.
import { FiseditError } from '../io/errors.js';

/** A number option, or undefined when absent; integer options reject fractions. */
export function numberOption(name: string, v: string | undefined, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new FiseditError(`--${name} must be ${integer ? 'an integer' : 'a number'}, got "${v}"`);
  return n;
}

export function choiceOption<S extends string>(name: string, v: string | undefined, allowed: readonly S[]): S | undefined {
  if (v === undefined) return undefined;
  if (!allowed.includes(v as S)) throw new FiseditError(`--${name} must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as S;
}
