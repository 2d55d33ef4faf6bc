/** How many bytes of frames each stream of a trace holds, read from the frame headers alone. */
import {
  FILE_HEADER_BYTES,
  FRAME_HEADER_BYTES,
  FRAME_HEADER_BYTES_V1,
} from '../shared/traceFormat';

/** Streams counted at most: a model holds 65,536 threads, and a hostile file of tiny frames
 * could name a stream per frame (a map of millions before the decoder rejects it). */
const MAX_STREAMS = 1 << 16;

/**
 * Payload bytes per stream (`pid:threadId`) of a whole trace given in parts (the first starts
 * with the file header, each holds whole frames): a hint for sizing a thread's columns before
 * decoding, so a large thread's lists do not grow by doubling (each doubling copies the list
 * and touches fresh pages). Stops quietly at anything that is not a frame: the decoder reports
 * it; a hint only decides capacities.
 */
export function bytesPerStream(parts: readonly Uint8Array[]): Map<string, number> {
  const sizes = new Map<string, number>();
  if (!parts.length || parts[0].length < FILE_HEADER_BYTES) {
    return sizes;
  }
  const version = parts[0][4] | (parts[0][5] << 8);
  const headerBytes = version >= 2 ? FRAME_HEADER_BYTES : FRAME_HEADER_BYTES_V1;
  parts.forEach((bytes, partIndex) => {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let pos = partIndex === 0 ? FILE_HEADER_BYTES : 0;
    while (pos + headerBytes <= bytes.length) {
      const length = view.getUint32(pos, true);
      if (pos + headerBytes + length > bytes.length) {
        return;
      }
      const stream = `${view.getUint32(pos + 4, true)}:${view.getUint32(pos + 8, true)}`;
      const size = sizes.get(stream);
      if (size === undefined && sizes.size >= MAX_STREAMS) {
        return;
      }
      sizes.set(stream, (size ?? 0) + length);
      pos += headerBytes + length;
    }
  });
  return sizes;
}
