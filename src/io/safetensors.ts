// The safetensors format: u64 little-endian header length, a JSON header
// { name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {str: str} },
// then the byte buffer. Tensors are read on demand, so a 5 GB file is never one buffer.
import { closeSync, openSync, readSync, fstatSync, writeSync, renameSync, unlinkSync } from 'node:fs';
import { FiseditError } from './errors.js';
import { toFloat32, type DType, DTYPE_BYTES } from '../tensor/dtype.js';

/** Headers beyond this are not model files; refusing them bounds memory on hostile input. */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export interface TensorInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Absolute byte offsets in the file. */
  readonly begin: number;
  readonly end: number;
}

export class SafetensorsFile {
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  readonly metadata: Readonly<Record<string, string>>;
  private fd: number | undefined;

  private constructor(readonly path: string, fd: number, tensors: Map<string, TensorInfo>, metadata: Record<string, string>) {
    this.fd = fd;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  static open(path: string): SafetensorsFile {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      throw new FiseditError(`cannot open safetensors file ${path}: ${(e as Error).message}`, { cause: e });
    }
    try {
      const { tensors, metadata } = parseHeader(fd, fstatSync(fd).size, path);
      return new SafetensorsFile(path, fd, tensors, metadata);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  info(name: string): TensorInfo {
    const t = this.tensors.get(name);
    if (!t) throw new FiseditError(`${this.path}: no tensor named "${name}"`);
    return t;
  }

  /** The raw bytes of one tensor (a fresh buffer). */
  readBytes(name: string): Buffer {
    const t = this.info(name);
    const buf = Buffer.allocUnsafe(t.end - t.begin);
    if (this.fd === undefined) throw new FiseditError(`${this.path}: file already closed`);
    let done = 0;
    while (done < buf.length) {
      const n = readSync(this.fd, buf, done, buf.length - done, t.begin + done);
      if (n === 0) throw new FiseditError(`${this.path}: file truncated while reading "${name}"`);
      done += n;
    }
    return buf;
  }

  /** One tensor converted to float32 (from F32, F16, BF16 or an integer type). */
  readFloat32(name: string): Float32Array {
    return toFloat32(this.info(name).dtype, this.readBytes(name));
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function parseHeader(fd: number, fileSize: number, path: string) {
  const fail = (why: string): never => {
    throw new FiseditError(`${path} is not a valid safetensors file: ${why}`);
  };
  if (fileSize < 8) fail(`file is ${fileSize} bytes, shorter than the 8-byte header length`);
  const lenBuf = Buffer.alloc(8);
  readSync(fd, lenBuf, 0, 8, 0);
  const headerLen = lenBuf.readBigUInt64LE(0);
  if (headerLen > BigInt(MAX_HEADER_BYTES)) fail(`header length ${headerLen} exceeds the ${MAX_HEADER_BYTES}-byte bound`);
  const n = Number(headerLen);
  if (8 + n > fileSize) fail(`header length ${n} runs past the end of the ${fileSize}-byte file`);
  const headerBuf = Buffer.alloc(n);
  readSync(fd, headerBuf, 0, n, 8);
  let header: unknown;
  try {
    header = JSON.parse(headerBuf.toString('utf8'));
  } catch (e) {
    fail(`header is not JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');
  const dataStart = 8 + n;
  const dataSize = fileSize - dataStart;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(raw as object)) if (typeof v !== 'string') fail(`__metadata__.${k} is not a string`);
      metadata = raw as Record<string, string>;
      continue;
    }
    if (typeof raw !== 'object' || raw === null) fail(`entry "${name}" is not an object`);
    const { dtype, shape, data_offsets } = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) fail(`tensor "${name}" has unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(DTYPE_BYTES).join(', ')})`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor "${name}" has a bad shape ${JSON.stringify(shape)}`);
    if (!Array.isArray(data_offsets) || data_offsets.length !== 2 || !data_offsets.every((d) => Number.isSafeInteger(d) && d >= 0))
      fail(`tensor "${name}" has bad data_offsets ${JSON.stringify(data_offsets)}`);
    const [b, e] = data_offsets as [number, number];
    if (b > e) fail(`tensor "${name}" has data_offsets [${b}, ${e}] with begin after end`);
    if (e > dataSize) fail(`tensor "${name}" ends at byte ${e} of the data section, past its end (${dataSize} bytes)`);
    const elements = (shape as number[]).reduce((a, d) => a * d, 1);
    const want = elements * DTYPE_BYTES[dtype as DType];
    if (e - b !== want) fail(`tensor "${name}" occupies ${e - b} bytes but shape [${shape}] x ${dtype} needs ${want}`);
    tensors.set(name, { name, dtype: dtype as DType, shape: shape as number[], begin: dataStart + b, end: dataStart + e });
  }
  const sorted = [...tensors.values()].sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!, cur = sorted[i]!;
    if (cur.begin < prev.end) fail(`tensors "${prev.name}" and "${cur.name}" overlap`);
  }
  return { tensors, metadata };
}

export interface TensorToWrite {
  dtype: DType;
  shape: readonly number[];
  data: ArrayBufferView;
}

/** Writes a safetensors file atomically (a temporary file renamed into place). */
export function writeSafetensors(path: string, tensors: Record<string, TensorToWrite>, metadata?: Record<string, string>): void {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  const names = Object.keys(tensors).sort();
  for (const name of names) {
    const t = tensors[name]!;
    const elements = t.shape.reduce((a, d) => a * d, 1);
    const bytes = elements * DTYPE_BYTES[t.dtype];
    if (t.data.byteLength !== bytes) throw new FiseditError(`tensor "${name}": ${t.data.byteLength} bytes of data for shape [${t.shape}] x ${t.dtype} (${bytes} bytes)`);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // align the data section to 8 bytes
  const jsonBuf = Buffer.from(json, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(jsonBuf.length));
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, len);
    writeSync(fd, jsonBuf);
    for (const name of names) {
      const d = tensors[name]!.data;
      writeSync(fd, new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    }
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    try { closeSync(fd); } catch { /* already closed */ }
    try { unlinkSync(tmp); } catch { /* nothing to clean */ }
    throw e;
  }
}
