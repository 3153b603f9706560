// Without a GPU (CI), asking for the cuda backend names what is missing and the CPU keeps working.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createBackend } from '../src/backend/index.js';

it('the cuda backend names what is missing, and cpu still works', async (t) => {
  let backend;
  try {
    backend = await createBackend('cuda');
  } catch (e) {
    assert.match((e as Error).message, /^cuda backend: (the NVIDIA driver \(libcuda\) not found|NVRTC \(libnvrtc\) not found|cuBLAS \(libcublas\) not found|the driver reports no CUDA device|cuInit failed)/);
    assert.equal((e as Error).name, 'FiseditError');
  }
  if (backend) t.diagnostic(`a GPU is present here (${backend.name}); the GPU tests are run by npm run test:gpu`);
  const cpu = await createBackend('cpu');
  assert.deepEqual([...cpu.toHost(cpu.add(cpu.fromHost(new Float32Array([1, 2]), [2]), cpu.fromHost(new Float32Array([3, 4]), [2])))], [4, 6]);
  await assert.rejects(createBackend('tpu'), /unknown device "tpu"/);
});
