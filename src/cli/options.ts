// Parsing option values the same way in every command.
import type { Backend } from '../backend/backend.js';
import { createBackend, PRECISIONS } from '../backend/index.js';
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

/** The help line of --device and --dtype, the same in every command. */
export const DEVICE_HELP = `  --device cpu|cuda[:N]  where to run (default cpu; cuda needs an NVIDIA GPU, see README)
  --dtype fp16|tf32|fp32 cuda precision (default fp16; fp32 is the exact checking mode)`;

/** The backend of --device and --dtype (a precision only means something on the GPU). */
export async function backendOption(v: { device?: string; dtype?: string }): Promise<Backend> {
  const device = v.device ?? 'cpu';
  const math = choiceOption('dtype', v.dtype, PRECISIONS);
  if (math && device === 'cpu') throw new FiseditError('--dtype chooses the cuda precision; the cpu backend always computes in float32');
  return createBackend(device, { math });
}
