// Which cuBLASLt GEMM shapes share an algorithm (cublaslt.ts familyKey), checked without a GPU: a
// strided batch's family by its shape (the dense Winograd's products) or by octave of columns (a
// sparse step's Winograd tiles, as many as its mask makes: GemmStrides 'by octave').
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OP_N, OP_T } from '../src/backend/cuda/cublas.js';
import { familyKey, stridedShape, type GemmShape, type GemmStrides } from '../src/backend/cuda/cublaslt.js';

/** Winograd's products over `tiles` tiles, ci -> co channels (winograd-ops.ts winogradBatch's layout). */
function products(tiles: number, ci: number, co: number, family: GemmStrides['family']): GemmShape {
  const shape = { ta: OP_T, tb: OP_N, m: co, n: tiles, k: ci, lda: ci, ldb: ci, ldc: co, bias: false, count: 16, residual: false };
  return stridedShape(shape, { strides: [co * ci, tiles * ci, tiles * co], family });
}

describe('cuBLASLt GEMM families', () => {
  it("a batch 'by octave' shares its family with every tile count of its octave, and only theirs", () => {
    const key = (tiles: number) => familyKey(products(tiles, 640, 640, 'by octave'));
    assert.equal(key(648), key(1024));
    assert.equal(key(520), key(1000));
    assert.notEqual(key(1024), key(1025), 'the next octave');
    assert.notEqual(familyKey(products(648, 640, 320, 'by octave')), key(648), 'other channels');
  });

  it("a batch 'by shape' (the dense Winograd's) is a family of its own for each tile count, apart from 'by octave' ones", () => {
    const key = (tiles: number) => familyKey(products(tiles, 640, 640, 'by shape'));
    assert.notEqual(key(648), key(1024));
    assert.notEqual(key(1024), familyKey(products(1024, 640, 640, 'by octave')));
  });

  it("refuses a batch 'by octave' whose B or D planes are not packed", () => {
    const shape = { ta: OP_T, tb: OP_N, m: 320, n: 100, k: 320, lda: 320, ldb: 320, ldc: 320, bias: false, count: 16, residual: false };
    assert.throws(() => stridedShape(shape, { strides: [320 * 320, 101 * 320, 100 * 320], family: 'by octave' }), /a batch by octave has packed planes/);
    assert.throws(() => stridedShape(shape, { strides: [320 * 320, 100 * 320, 99 * 320], family: 'by octave' }), /a batch by octave has packed planes/);
    assert.equal(stridedShape(shape, { strides: [320 * 320, 101 * 320, 100 * 320], family: 'by shape' }).packedByOctave, false);
  });
});
