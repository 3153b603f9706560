// Choosing a backend by name. The cuda backend is loaded only when asked for, so the CPU path
// never touches the NVIDIA libraries.
import type { Backend } from './backend.js';
import { CpuBackend } from './cpu/cpu.js';
import { FiseditError } from '../io/errors.js';
import type { Precision } from './cuda/precision.js';

export { PRECISIONS } from './cuda/precision.js';

export type DeviceName = 'cpu' | 'cuda';

/** 'cpu', 'cuda' or 'cuda:N'; on the GPU, `math` is the precision (default fp16). */
export async function createBackend(device: string, o: { math?: Precision } = {}): Promise<Backend> {
  if (device === 'cpu') return new CpuBackend();
  if (device === 'cuda' || device.startsWith('cuda:')) {
    const { CudaBackend } = await import('./cuda/cuda.js');
    return new CudaBackend({ device: device.includes(':') ? Number(device.split(':')[1]) : 0, math: o.math });
  }
  throw new FiseditError(`unknown device "${device}" (cpu, cuda or cuda:N)`);
}
