/** Tiny valid PNGs built in code (no files, no native modules), cached per name. */
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A solid-colour RGB PNG. */
export function solidPng(size: number, rgb: readonly [number, number, number]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const row = Buffer.alloc(1 + size * 3); // leading 0 = no filter
  for (let x = 0; x < size; x++) row.set(rgb, 1 + x * 3);
  const pixels = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const cache = new Map<string, Buffer>();
const CACHE_LIMIT = 2000;

/** A 64x64 PNG whose colour derives from the name (locked badges are grey), so images differ. */
export function pngFor(name: string, locked = false): Buffer {
  const key = `${name}|${locked}`;
  let png = cache.get(key);
  if (!png) {
    const hash = crc32(name);
    const rgb: [number, number, number] = locked
      ? [96, 96, 96]
      : [hash & 0xff, (hash >>> 8) & 0xff, (hash >>> 16) & 0xff];
    png = solidPng(64, rgb);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, png);
  }
  return png;
}
