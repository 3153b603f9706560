// Choosing a backend by name. The cuda backend is loaded only when asked for, so the CPU path
// never touches the NVIDIA libraries.
import type { Backend } from './backend.js';
import { CpuBackend } from './cpu/cpu.js';
import { FiseditError } from '../io/errors.js';

export type DeviceName = 'cpu' | 'cuda';

export async function createBackend(device: string, o: { math?: 'fp32' | 'tf32' | 'fp16' } = {}): Promise<Backend> {
  if (device === 'cpu') return new CpuBackend();
  if (device === 'cuda' || device.startsWith('cuda:')) {
    const { CudaBackend } = await import('./cuda/cuda.js');
    return new CudaBackend({ device: device.includes(':') ? Number(device.split(':')[1]) : 0, math: o.math });
  }
  throw new FiseditError(`unknown device "${device}" (cpu, cuda or cuda:N)`);
}
