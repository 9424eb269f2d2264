// Favicon hashes as scan engines compute them: Shodan's mmh3 over the MIME-style base64
// of the body (76-character lines, each ending in "\n"), as a signed 32-bit integer.
import { createHash } from 'node:crypto';

/** MurmurHash3 x86 32-bit over the bytes of `data`, returned signed like Python's mmh3.hash. */
export function murmur3x86_32(data: Buffer, seed = 0): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const nblocks = data.length >>> 2;
  for (let i = 0; i < nblocks; i++) {
    let k = data.readUInt32LE(i * 4);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  const tail = nblocks * 4;
  switch (data.length & 3) {
    case 3:
      k ^= data[tail + 2]! << 16;
    // falls through
    case 2:
      k ^= data[tail + 1]! << 8;
    // falls through
    case 1:
      k ^= data[tail]!;
      k = Math.imul(k, c1);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, c2);
      h ^= k;
  }
  h ^= data.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Base64 with a newline after every 76 characters and at the end (Python's base64.encodebytes). */
export function mimeBase64(body: Buffer): string {
  const b64 = body.toString('base64');
  let out = '';
  for (let i = 0; i < b64.length; i += 76) out += b64.slice(i, i + 76) + '\n';
  return out;
}

export function shodanFaviconHash(body: Buffer): number {
  return murmur3x86_32(Buffer.from(mimeBase64(body), 'latin1'));
}

export function md5Hex(body: Buffer): string {
  return createHash('md5').update(body).digest('hex');
}
