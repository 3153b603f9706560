// The FISMASK1 container of binary masks (../shared/data/masks-dev-300.bin): "FISMASK1", u32 count,
// u32 height, u32 width, then per mask a u32 index and height*width bytes (1 = edited).
import { readFileSync } from 'node:fs';
import { FiseditError } from './errors.js';

export interface MaskSet {
  height: number;
  width: number;
  masks: { index: number; mask: Uint8Array }[];
}

export function readMaskSet(path: string): MaskSet {
  const b = readFileSync(path);
  const fail = (why: string): never => {
    throw new FiseditError(`${path} is not a FISMASK1 file: ${why}`);
  };
  if (b.length < 20 || b.toString('ascii', 0, 8) !== 'FISMASK1') fail('bad magic');
  const count = b.readUInt32LE(8), height = b.readUInt32LE(12), width = b.readUInt32LE(16);
  const record = 4 + height * width;
  if (b.length !== 20 + count * record) fail(`${b.length} bytes, expected ${20 + count * record} for ${count} masks of ${height}x${width}`);
  const masks = [];
  for (let i = 0; i < count; i++) {
    const at = 20 + i * record;
    const mask = new Uint8Array(b.subarray(at + 4, at + record));
    if (mask.some((v) => v > 1)) fail(`mask ${i} is not binary`);
    masks.push({ index: b.readUInt32LE(at), mask });
  }
  return { height, width, masks };
}
