import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SafetensorsFile, writeSafetensors } from '../src/io/safetensors.js';
import { fromFloat32, floatToHalf, halfToFloat } from '../src/tensor/dtype.js';
import { tempDir } from './helpers.js';

const dir = tempDir();

/** A raw safetensors file from a header object and a data section. */
function rawFile(name: string, header: unknown, data = Buffer.alloc(0), lenOverride?: bigint): string {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(lenOverride ?? BigInt(json.length));
  const p = join(dir, name);
  writeFileSync(p, Buffer.concat([len, json, data]));
  return p;
}

describe('safetensors', () => {
  it('round-trips every dtype, reading each tensor on its own', () => {
    const p = join(dir, 'all.safetensors');
    const f32 = new Float32Array([1.5, -2.25, 3e-8, 65504]);
    writeSafetensors(p, {
      f32: { dtype: 'F32', shape: [2, 2], data: f32 },
      f16: { dtype: 'F16', shape: [4], data: fromFloat32('F16', f32) },
      bf16: { dtype: 'BF16', shape: [4], data: fromFloat32('BF16', f32) },
      i32: { dtype: 'I32', shape: [3], data: new Int32Array([-7, 0, 16777216]) },
      i64: { dtype: 'I64', shape: [2], data: new BigInt64Array([-3n, 1n << 40n]) },
      u8: { dtype: 'U8', shape: [3], data: new Uint8Array([0, 128, 255]) },
      bool: { dtype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) },
    }, { note: 'hello' });
    const f = SafetensorsFile.open(p);
    assert.equal(f.metadata.note, 'hello');
    assert.deepEqual([...f.readFloat32('f32')], [...f32]);
    assert.deepEqual([...f.readFloat32('f16')], [1.5, -2.25, halfToFloat(floatToHalf(3e-8)), 65504]);
    assert.deepEqual([...f.readFloat32('bf16')].slice(0, 2), [1.5, -2.25]);
    assert.deepEqual([...f.readFloat32('i32')], [-7, 0, 16777216]);
    assert.deepEqual([...f.readFloat32('i64')], [-3, 2 ** 40]);
    assert.deepEqual([...f.readFloat32('u8')], [0, 128, 255]);
    assert.deepEqual([...f.readFloat32('bool')], [1, 0]);
    assert.deepEqual(f.info('f32').shape, [2, 2]);
    assert.equal(f.readBytes('u8').length, 3, 'a read returns only that tensor');
    f.close();
  });

  it('rounds float16 to nearest even, with subnormals and overflow', () => {
    assert.equal(floatToHalf(1 + 2 ** -11), 0x3c00); // a tie: rounds to even
    assert.equal(floatToHalf(1 + 3 * 2 ** -11), 0x3c02);
    assert.equal(halfToFloat(floatToHalf(2 ** -24)), 2 ** -24);
    assert.equal(floatToHalf(1e6), 0x7c00);
    assert.ok(Number.isNaN(halfToFloat(floatToHalf(NaN))));
  });

  const tensor = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
  const bad: [string, () => string, RegExp][] = [
    ['a file shorter than 8 bytes', () => { const p = join(dir, 'short'); writeFileSync(p, Buffer.from([1, 2])); return p; }, /shorter than the 8-byte header length/],
    ['a header length over the bound', () => rawFile('huge', {}, Buffer.alloc(0), 1n << 40n), /exceeds the .*-byte bound/],
    ['a header running past the file', () => rawFile('past', {}, Buffer.alloc(0), 1000n), /runs past the end/],
    ['a header that is not JSON', () => rawFile('notjson', '{"a": ', Buffer.alloc(0)), /header is not JSON/],
    ['a header that is not an object', () => rawFile('array', [1, 2]), /not a JSON object/],
    ['an unknown dtype', () => rawFile('dtype', { t: { ...tensor, dtype: 'F8' } }, Buffer.alloc(8)), /unknown dtype "F8"/],
    ['a negative dimension', () => rawFile('shape', { t: { ...tensor, shape: [-2] } }, Buffer.alloc(8)), /bad shape/],
    ['malformed offsets', () => rawFile('offs', { t: { ...tensor, data_offsets: [0] } }, Buffer.alloc(8)), /bad data_offsets/],
    ['begin after end', () => rawFile('order', { t: { ...tensor, data_offsets: [8, 0] } }, Buffer.alloc(8)), /begin after end/],
    ['offsets outside the file', () => rawFile('outside', { t: { ...tensor, data_offsets: [0, 8] } }, Buffer.alloc(4)), /past its end/],
    ['a size that disagrees with shape x dtype', () => rawFile('size', { t: { ...tensor, shape: [3] } }, Buffer.alloc(8)), /needs 12/],
    ['overlapping tensors', () => rawFile('overlap', { a: tensor, b: { ...tensor, data_offsets: [4, 12] } }, Buffer.alloc(12)), /overlap/],
    ['non-string metadata', () => rawFile('meta', { __metadata__: { a: 1 } }), /__metadata__\.a is not a string/],
  ];
  for (const [what, make, message] of bad)
    it(`rejects ${what} with a message naming the cause`, () => {
      const p = make();
      assert.throws(() => SafetensorsFile.open(p), (e: Error) => message.test(e.message) && e.message.includes(p));
    });

  it('names a missing tensor and a missing file', () => {
    const p = rawFile('one', { t: tensor }, Buffer.alloc(8));
    const f = SafetensorsFile.open(p);
    assert.throws(() => f.info('nope'), /no tensor named "nope"/);
    f.close();
    assert.throws(() => SafetensorsFile.open(join(dir, 'absent.safetensors')), /cannot open safetensors file .*absent/);
  });
});
