// CudaOptions' modes are checked before a CudaBackend touches the GPU (checkCudaOptions), so these
// run without one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCudaOptions, type CudaOptions } from '../src/backend/cuda/options.js';

describe('cuda backend options', () => {
  it('takes every documented value of each mode, and none set', () => {
    const o: CudaOptions = { math: 'tf32', flashRowsPerWarp: 16, wgmmaPipeline: false, convolution: 'gemm', tileConvolution: 'rows', cudnnEngines: 'off', gemmAlgorithms: 'heuristic', winograd: 'f4' };
    assert.equal(checkCudaOptions(o), o);
    assert.deepEqual(checkCudaOptions({}), {});
    for (const rowsGemm of [true, false, 1, 32, 1024]) assert.deepEqual(checkCudaOptions({ rowsGemm }), { rowsGemm });
  });

  it('refuses a few-row GEMM limit that is not a number of rows k_gemm_rows takes', () => {
    for (const rowsGemm of [0, 1025, 2.5, NaN, 'on'])
      assert.throws(() => checkCudaOptions({ rowsGemm } as unknown as CudaOptions), /CudaOptions\.rowsGemm: .* is not true, false or a number of rows from 1 to 1024/);
  });

  it('refuses a value outside a mode, naming the option and its values', () => {
    const bad = (o: unknown) => () => checkCudaOptions(o as CudaOptions);
    assert.throws(bad({ tileConvolution: 'fuzed' }), /CudaOptions\.tileConvolution: "fuzed" is not one of "library", "fused", "rows"/);
    assert.throws(bad({ convolution: 'cudnn8' }), /CudaOptions\.convolution: "cudnn8" is not one of "auto", "cudnn", "gemm"/);
    assert.throws(bad({ cudnnEngines: 'fast' }), /CudaOptions\.cudnnEngines: "fast"/);
    assert.throws(bad({ gemmAlgorithms: 'timed ' }), /CudaOptions\.gemmAlgorithms: "timed "/);
    assert.throws(bad({ flashRowsPerWarp: 8 }), /CudaOptions\.flashRowsPerWarp: 8 is not one of 16, 32, "auto"/);
    assert.throws(bad({ wgmmaPipeline: 'on' }), /CudaOptions\.wgmmaPipeline: "on" is not one of true, false, "auto"/);
    assert.throws(bad({ winograd: 'f6' }), /CudaOptions\.winograd: "f6" is not one of true, false, "f4"/);
    assert.throws(bad({ math: 'fp8' }), /CudaOptions\.math: "fp8" is not one of "fp16", "tf32", "fp32"/);
  });
});
