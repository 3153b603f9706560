// PNG out (8-bit RGB or grey, one IDAT, "up" filter) and in (8-bit grey, grey+alpha, RGB, RGBA;
// non-interlaced; every filter type). Enough for images, masks and overlays; nothing else is read.
import { deflateSync, inflateSync } from 'node:zlib';
import { FiseditError } from './errors.js';

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export interface Image {
  width: number;
  height: number;
  /** 1 (grey) or 3 (RGB) */
  channels: 1 | 3;
  /** row-major, interleaved channels */
  data: Uint8Array;
}

export function encodePng(img: Image): Buffer {
  const { width, height, channels, data } = img;
  if (data.length !== width * height * channels) throw new FiseditError(`encodePng: ${data.length} bytes for ${width}x${height}x${channels}`);
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = y === 0 ? 0 : 2; // "up" filter after the first row
    for (let x = 0; x < stride; x++) {
      const v = data[y * stride + x]!;
      raw[y * (stride + 1) + 1 + x] = y === 0 ? v : (v - data[(y - 1) * stride + x]!) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = channels === 3 ? 2 : 0;
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}

/** Decodes a PNG to 8-bit RGBA-free form: grey stays grey, colour becomes RGB (alpha dropped). */
export function decodePng(buf: Uint8Array, source = 'PNG'): Image {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 8 || !b.subarray(0, 8).equals(SIGNATURE)) throw new FiseditError(`${source} is not a PNG file`);
  let pos = 8;
  let width = 0, height = 0, colorType = -1;
  const idat: Buffer[] = [];
  while (pos + 8 <= b.length) {
    const len = b.readUInt32BE(pos);
    const type = b.toString('ascii', pos + 4, pos + 8);
    if (pos + 12 + len > b.length) throw new FiseditError(`${source}: chunk ${type} runs past the end of the file`);
    const data = b.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8], interlace = data[12];
      colorType = data[9]!;
      if (depth !== 8) throw new FiseditError(`${source}: bit depth ${depth} is not supported (8 only)`);
      if (interlace !== 0) throw new FiseditError(`${source}: interlaced PNGs are not supported`);
      if (![0, 2, 4, 6].includes(colorType)) throw new FiseditError(`${source}: colour type ${colorType} (palette) is not supported`);
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (colorType < 0 || idat.length === 0) throw new FiseditError(`${source}: missing IHDR or IDAT`);
  const bpp = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colorType]!;
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch (e) {
    throw new FiseditError(`${source}: corrupt image data (${(e as Error).message})`, { cause: e });
  }
  const stride = width * bpp;
  if (raw.length < (stride + 1) * height) throw new FiseditError(`${source}: image data too short`);
  const px = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const cur = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= bpp ? px[y * stride + x - bpp]! : 0;
      const up = y > 0 ? px[(y - 1) * stride + x]! : 0;
      const c = x >= bpp && y > 0 ? px[(y - 1) * stride + x - bpp]! : 0;
      let pred = 0;
      if (filter === 1) pred = a;
      else if (filter === 2) pred = up;
      else if (filter === 3) pred = (a + up) >> 1;
      else if (filter === 4) {
        const p = a + up - c, pa = Math.abs(p - a), pb = Math.abs(p - up), pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? up : c;
      } else if (filter !== 0) throw new FiseditError(`${source}: bad filter type ${filter}`);
      px[y * stride + x] = (cur + pred) & 0xff;
    }
  }
  const channels = colorType === 0 || colorType === 4 ? 1 : 3;
  const out = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) for (let k = 0; k < channels; k++) out[i * channels + k] = px[i * bpp + k]!;
  return { width, height, channels, data: out };
}
