/**
 * CRC-32 (IEEE 802.3, the one of zlib, gzip and PNG), table-driven, for the frame checksums of
 * trace format version 2. Pure JavaScript because it runs where `zlib.crc32` does not: Node 18,
 * Node 20 before 20.15, and the webview. Writers in Node may pass `zlib.crc32` instead (the same
 * function, about 10x faster): see `nativeCrc32` in src/shared/frameSeal.ts.
 */

/** A CRC-32 function: the checksum of `bytes` continuing from `initial` (0 to start). */
export type Crc32 = (bytes: Uint8Array, initial?: number) => number;

// Slicing by 16 (sixteen tables of 256, sixteen bytes per step, read as four aligned 32-bit
// words) where the bytes are long enough, by 8 (read byte by byte) for the rest. Over the frames
// of a 79 MB trace in Node 20 on the 2-core VM: 105 ms sliced by 4, 66 ms by 8; over those of
// the 264 MB one (10M spans): 225 ms by 8, 150 ms by 16 in words (by 16 in bytes: 215 ms).
const T = new Int32Array(4096);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) {
    c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  T[n] = c;
}
for (let n = 0; n < 256; n++) {
  let c = T[n];
  for (let k = 1; k < 16; k++) {
    c = T[c & 0xff] ^ (c >>> 8);
    T[k * 256 + n] = c;
  }
}

// Words are read in the machine's order: the 16-byte step assumes little-endian (as every
// platform VS Code runs on is); elsewhere the 8-byte step does it all.
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** CRC-32 of `bytes`, continuing from `initial` (a previous result; 0 to start). */
export function crc32(bytes: Uint8Array, initial = 0): number {
  let c = ~initial;
  let i = 0;
  const n = bytes.length;
  if (LITTLE_ENDIAN && n >= 64) {
    // Bytes one by one up to a 4-byte boundary, then 16 at a time as aligned words.
    const offset = bytes.byteOffset;
    while ((offset + i) & 3) {
      c = T[(c ^ bytes[i++]) & 0xff] ^ (c >>> 8);
    }
    const words = new Int32Array(bytes.buffer, offset + i, ((n - i) >> 4) << 2);
    const m = words.length;
    for (let w = 0; w < m; w += 4) {
      c ^= words[w];
      const w1 = words[w + 1];
      const w2 = words[w + 2];
      const w3 = words[w + 3];
      c =
        T[3840 + (c & 0xff)] ^
        T[3584 + ((c >>> 8) & 0xff)] ^
        T[3328 + ((c >>> 16) & 0xff)] ^
        T[3072 + (c >>> 24)] ^
        T[2816 + (w1 & 0xff)] ^
        T[2560 + ((w1 >>> 8) & 0xff)] ^
        T[2304 + ((w1 >>> 16) & 0xff)] ^
        T[2048 + (w1 >>> 24)] ^
        T[1792 + (w2 & 0xff)] ^
        T[1536 + ((w2 >>> 8) & 0xff)] ^
        T[1280 + ((w2 >>> 16) & 0xff)] ^
        T[1024 + (w2 >>> 24)] ^
        T[768 + (w3 & 0xff)] ^
        T[512 + ((w3 >>> 8) & 0xff)] ^
        T[256 + ((w3 >>> 16) & 0xff)] ^
        T[w3 >>> 24];
    }
    i += m * 4;
  }
  const end8 = n - ((n - i) & 7);
  while (i < end8) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    const hi = bytes[i + 4] | (bytes[i + 5] << 8) | (bytes[i + 6] << 16) | (bytes[i + 7] << 24);
    c =
      T[1792 + (c & 0xff)] ^
      T[1536 + ((c >>> 8) & 0xff)] ^
      T[1280 + ((c >>> 16) & 0xff)] ^
      T[1024 + (c >>> 24)] ^
      T[768 + (hi & 0xff)] ^
      T[512 + ((hi >>> 8) & 0xff)] ^
      T[256 + ((hi >>> 16) & 0xff)] ^
      T[hi >>> 24];
    i += 8;
  }
  while (i < n) {
    c = T[(c ^ bytes[i++]) & 0xff] ^ (c >>> 8);
  }
  return ~c >>> 0;
}
