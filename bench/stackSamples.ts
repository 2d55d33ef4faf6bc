/**
 * Synthetic sampled stacks for bench:viewer (issue #17): one more traced process whose main
 * thread has `seconds` of samples every `intervalUs` over [fromNs, toNs), from a call tree of a
 * few hundred functions up to 24 deep that changes every few ms, as a busy program's would.
 * Returns whole frames (no file header) to append to a trace.
 */
import { FRAME_HEADER_BYTES, Rec, sealFrame } from '../src/shared/traceFormat';

/** The pid of the made-up process (the generated traces use 4242). */
const PID = 4343;
/** Frame payloads of about this size, as the tracer writes them. */
const FRAME_PAYLOAD = 60 * 1024;

/** Varint bytes into a growing array. */
class Bytes {
  readonly out: number[] = [];
  uv(n: number): void {
    while (n >= 128) {
      this.out.push((n % 128) | 128);
      n = Math.floor(n / 128);
    }
    this.out.push(n);
  }
  zv(n: number): void {
    this.uv(n >= 0 ? n * 2 : -n * 2 - 1);
  }
  text(s: string): void {
    const b = new TextEncoder().encode(s);
    this.uv(b.length);
    this.out.push(...b);
  }
}

/** Frames of one stream with `seconds` of stack samples spread over [fromNs, toNs). */
export function stackSampleFrames(
  fromNs: number,
  toNs: number,
  seconds = 60,
  intervalUs = 1000,
): { frames: Uint8Array; samples: number } {
  const frames: Uint8Array[] = [];
  let payload = new Bytes();
  const cut = (): void => {
    const bytes = new Uint8Array(FRAME_HEADER_BYTES + payload.out.length);
    bytes.set(payload.out, FRAME_HEADER_BYTES);
    sealFrame(bytes, payload.out.length, PID, 0, frames.length);
    frames.push(bytes);
    payload = new Bytes();
  };
  payload.out.push(Rec.Thread);
  payload.uv(fromNs);
  payload.text(
    JSON.stringify({
      pid: PID,
      threadId: 0,
      kind: 'main',
      name: 'main',
      nodeVersion: 'v22',
      platform: 'linux',
      cores: 8,
      startNs: fromNs,
    }),
  );
  cut();
  // The call tree: 24 levels, 400 functions in 8 files; frame ids per path, as the tracer's.
  let rnd = 7;
  const random = (): number => {
    rnd ^= rnd << 13;
    rnd ^= rnd >>> 17;
    rnd ^= rnd << 5;
    return (rnd >>> 0) / 4294967296;
  };
  let nextString = 1;
  const strings = new Map<string, number>();
  const stringId = (s: string): number => {
    let id = strings.get(s);
    if (id === undefined) {
      id = nextString++;
      strings.set(s, id);
      payload.out.push(Rec.String);
      payload.uv(id);
      payload.text(s);
    }
    return id;
  };
  const frameIds = new Map<string, number>();
  const frameOf = (parent: number, fn: number): number => {
    const key = `${parent}:${fn}`;
    let id = frameIds.get(key);
    if (id === undefined) {
      id = frameIds.size + 1;
      frameIds.set(key, id);
      const name = stringId(`function${fn}`);
      const file = stringId(`/work/app/src/module${fn % 8}.js`);
      payload.out.push(Rec.StackFrame);
      for (const v of [id, parent, name, file, 10 + fn, 3]) {
        payload.uv(v);
      }
    }
    return id;
  };
  const count = Math.round((seconds * 1e6) / intervalUs);
  const stepUs = Math.max(1, Math.floor((toNs - fromNs) / 1000 / count));
  let path = [0];
  let lastNs = 0;
  const BATCH = 1024;
  for (let i = 0; i < count; i += BATCH) {
    const n = Math.min(BATCH, count - i);
    const leaves: number[] = [];
    for (let k = 0; k < n; k++) {
      // Every ~5 samples the stack changes below a random depth.
      if (random() < 0.2 || path.length === 1) {
        const keep = 1 + Math.floor(random() * (path.length - 1));
        path = path.slice(0, keep);
        const depth = 4 + Math.floor(random() * 20);
        while (path.length <= depth) {
          path.push(frameOf(path[path.length - 1], Math.floor(random() * 400)));
        }
      }
      leaves.push(path[path.length - 1]);
    }
    const firstUs = Math.round((fromNs + i * stepUs * 1000) / 1000);
    payload.out.push(Rec.StackSamples);
    const timeNs = firstUs * 1000 + n * stepUs * 1000;
    payload.uv(Math.max(0, timeNs - lastNs));
    lastNs = Math.max(lastNs, timeNs);
    payload.uv(firstUs);
    payload.uv(n);
    for (let k = 0; k < n; k++) {
      payload.zv(k === 0 ? 0 : stepUs);
      payload.uv(leaves[k]);
      payload.uv(stepUs);
    }
    if (payload.out.length > FRAME_PAYLOAD) {
      cut();
      lastNs = 0;
    }
  }
  cut();
  const total = frames.reduce((s, f) => s + f.length, 0);
  const all = new Uint8Array(total);
  let pos = 0;
  for (const f of frames) {
    all.set(f, pos);
    pos += f.length;
  }
  return { frames: all, samples: count };
}
