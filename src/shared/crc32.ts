/**
 * CRC-32 (IEEE 802.3, the one of zlib, gzip and PNG), table-driven, for the frame checksums of
 * trace format version 2. Pure JavaScript because it runs where `zlib.crc32` does not: Node 18,
 * Node 20 before 20.15, and the webview. Writers in Node may pass `zlib.crc32` instead (the same
 * function, about 10x faster): see `nativeCrc32` in src/shared/frameSeal.ts.
 */

/** A CRC-32 function: the checksum of `bytes` continuing from `initial` (0 to start). */
export type Crc32 = (bytes: Uint8Array, initial?: number) => number;

// Slicing by 8: eight tables of 256, eight bytes per step. Over the frames of a 79 MB trace in
// Node 20 on the 2-core VM: 105 ms sliced by 4, 66 ms by 8 (the webview checks every frame).
const T = new Int32Array(2048);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) {
    c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  T[n] = c;
}
for (let n = 0; n < 256; n++) {
  let c = T[n];
  for (let k = 1; k < 8; k++) {
    c = T[c & 0xff] ^ (c >>> 8);
    T[k * 256 + n] = c;
  }
}

/** CRC-32 of `bytes`, continuing from `initial` (a previous result; 0 to start). */
export function crc32(bytes: Uint8Array, initial = 0): number {
  let c = ~initial;
  let i = 0;
  const n = bytes.length;
  const end8 = n - (n & 7);
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
