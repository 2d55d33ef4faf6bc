// The extension host's memory from outside, for the flight recorder's memory runs (issue #20
// item 4): its pid among code-server's processes, its RSS, and its JS heap through the
// inspector (SIGUSR1 opens Node's inspector on 127.0.0.1:9229; code-server has no
// --inspect-extensions), read after a full GC so that a heap not yet collected does not look
// like a leak, and heap snapshots summed by constructor so that two can say what grew.
import * as fs from 'node:fs';
import * as http from 'node:http';
import { waitFor } from './harness';

/** An HTTP server and a keep-alive client on 127.0.0.1, 4 requests in flight, forever. */
export const LOAD_SERVER = `// A server under load: it answers its own keep-alive client, 4 requests in flight, forever.
const http = require('node:http');
const server = http.createServer((req, res) => setImmediate(() => res.end('ok')));
server.listen(0, '127.0.0.1', () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const { port } = server.address();
  let done = 0;
  const next = () =>
    http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () => {
        if (++done % 5000 === 0) console.log(done + ' requests');
        next();
      });
    });
  for (let i = 0; i < 4; i++) next();
});
`;

/** Resident memory of a process, MB (Linux /proc). */
export function rssMB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** The extension host among code-server's descendants (its command line says so). */
export function extensionHostPid(rootPid: number): number | undefined {
  const parentOf = new Map<number, number>();
  const cmdOf = new Map<number, string>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) {
      continue;
    }
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      cmdOf.set(Number(name), fs.readFileSync(`/proc/${name}/cmdline`, 'utf8'));
    } catch {
      // ended since the listing
    }
  }
  const descends = (pid: number): boolean => {
    for (let p = pid, n = 0; p > 1 && n < 20; p = parentOf.get(p) ?? 0, n++) {
      if (p === rootPid) {
        return true;
      }
    }
    return false;
  };
  return [...cmdOf].find(([pid, cmd]) => /extensionHost/.test(cmd) && descends(pid))?.[0];
}

/** process.memoryUsage() of the extension host's main thread, MB, right after a full GC. */
export interface HostMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** Per constructor (V8's node name, by node type): how many objects and their self size. */
export type HeapByConstructor = Map<string, { count: number; bytes: number }>;

/** The little of `ws` (bundled in playwright-core, which has no types for it) used here. */
interface Socket {
  on(event: 'open' | 'close', listener: () => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  send(text: string): void;
  close(): void;
}

/** An inspector session with the extension host's main thread. */
export class HostInspector {
  private nextId = 1;
  private readonly pending = new Map<number, (result: unknown, error?: unknown) => void>();
  private onChunk?: (chunk: string) => void;
  /** Worker threads of the host (the OS-thread sampler's among them), by session id. */
  private readonly workers = new Map<string, { title: string; url: string }>();
  private readonly workerPending = new Map<number, (result: unknown) => void>();

  private constructor(private readonly socket: Socket) {
    socket.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as {
        id?: number;
        method?: string;
        params?: {
          chunk?: string;
          sessionId?: string;
          message?: string;
          workerInfo?: { title: string; url: string };
        };
        result?: unknown;
        error?: unknown;
      };
      if (msg.id !== undefined) {
        this.pending.get(msg.id)?.(msg.result, msg.error);
        this.pending.delete(msg.id);
      } else if (msg.method === 'HeapProfiler.addHeapSnapshotChunk') {
        this.onChunk?.(msg.params?.chunk ?? '');
      } else if (msg.method === 'NodeWorker.attachedToWorker' && msg.params?.workerInfo) {
        this.workers.set(msg.params.sessionId ?? '', msg.params.workerInfo);
      } else if (msg.method === 'NodeWorker.detachedFromWorker') {
        this.workers.delete(msg.params?.sessionId ?? '');
      } else if (msg.method === 'NodeWorker.receivedMessageFromWorker') {
        const reply = JSON.parse(msg.params?.message ?? '{}') as { id?: number; result?: unknown };
        if (reply.id !== undefined) {
          this.workerPending.get(reply.id)?.(reply.result);
          this.workerPending.delete(reply.id);
        }
      }
    });
  }

  /** Opens the inspector of process `pid` (SIGUSR1) and connects; checks it is that process. */
  static async attach(pid: number): Promise<HostInspector> {
    process.kill(pid, 'SIGUSR1');
    const targets = await waitFor(
      `the inspector of the extension host (pid ${pid}) on 127.0.0.1:9229`,
      () => getJson('http://127.0.0.1:9229/json/list').catch(() => []),
      (t) => Array.isArray(t) && t.length > 0,
      15000,
    );
    const url = (targets as Array<{ webSocketDebuggerUrl: string }>)[0].webSocketDebuggerUrl;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ws } = require('playwright-core/lib/utilsBundle') as {
      ws: new (url: string, options: { maxPayload: number }) => Socket;
    };
    const socket = new ws(url, { maxPayload: 1 << 30 });
    await new Promise<void>((resolve, reject) => {
      socket.on('open', resolve);
      socket.on('error', reject);
    });
    const inspector = new HostInspector(socket);
    const seen = await inspector.evaluate('process.pid');
    if (seen !== pid) {
      socket.close();
      throw new Error(`the inspector on 9229 is pid ${String(seen)}'s, not the host's ${pid}`);
    }
    // Attached workers are announced from now on (workersAfterGc).
    await inspector.send('NodeWorker.enable', { waitForDebuggerOnStart: false });
    return inspector;
  }

  /** Sends one inspector command and waits for its result. */
  send(method: string, params: object = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (result, error) =>
        error ? reject(new Error(`${method}: ${JSON.stringify(error)}`)) : resolve(result),
      );
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** The value of an expression in the host's main context (JSON-able). */
  async evaluate(expression: string): Promise<unknown> {
    const r = (await this.send('Runtime.evaluate', { expression, returnByValue: true })) as {
      result: { value?: unknown };
    };
    return r.result.value;
  }

  /**
   * The host's memory; after a full GC (twice: weak references let go in the first) unless
   * `gc` is false (then what it holds now, garbage included).
   */
  async memoryAfterGc(gc = true): Promise<HostMemory> {
    if (gc) {
      await this.send('HeapProfiler.collectGarbage');
      await this.send('HeapProfiler.collectGarbage');
    }
    const usage = (await this.evaluate('process.memoryUsage()')) as Record<string, number>;
    const mb = (k: string): number => usage[k] / 1048576;
    return {
      rss: mb('rss'),
      heapUsed: mb('heapUsed'),
      heapTotal: mb('heapTotal'),
      external: mb('external'),
      arrayBuffers: mb('arrayBuffers'),
    };
  }

  /**
   * Each worker thread's JS heap used after a full GC, MB, by its title (the sampler runs on
   * one: its heap is in the host's RSS but not in the main thread's figures).
   */
  async workersAfterGc(gc = true): Promise<Map<string, number>> {
    const used = new Map<string, number>();
    for (const [sessionId, info] of this.workers) {
      const inWorker = (method: string): Promise<unknown> => {
        const id = this.nextId++;
        return new Promise((resolve) => {
          this.workerPending.set(id, resolve);
          void this.send('NodeWorker.sendMessageToWorker', {
            sessionId,
            message: JSON.stringify({ id, method, params: {} }),
          });
        });
      };
      if (gc) {
        await inWorker('HeapProfiler.collectGarbage');
      }
      const heap = (await inWorker('Runtime.getHeapUsage')) as { usedSize: number };
      used.set(info.title, heap.usedSize / 1048576);
    }
    return used;
  }

  /** A heap snapshot (it collects garbage first), summed by node type and constructor. */
  async heapByConstructor(): Promise<HeapByConstructor> {
    const chunks: string[] = [];
    this.onChunk = (c) => chunks.push(c);
    await this.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    this.onChunk = undefined;
    const snapshot = JSON.parse(chunks.join('')) as {
      snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
      nodes: number[];
      strings: string[];
    };
    const fields = snapshot.snapshot.meta.node_fields;
    const types = snapshot.snapshot.meta.node_types[0];
    const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
    const byName: HeapByConstructor = new Map();
    for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
      const type = types[snapshot.nodes[i + typeAt]];
      // Strings and code are summed by type: their names are their contents.
      const name = ['string', 'concatenated string', 'sliced string', 'code', 'number'].includes(
        type,
      )
        ? `(${type})`
        : `${snapshot.strings[snapshot.nodes[i + nameAt]].slice(0, 60)} (${type})`;
      const entry = byName.get(name) ?? { count: 0, bytes: 0 };
      entry.count++;
      entry.bytes += snapshot.nodes[i + sizeAt];
      byName.set(name, entry);
    }
    return byName;
  }

  /** Closes the session (the host's inspector stays open). */
  close(): void {
    this.socket.close();
  }
}

/** The constructors whose self size grew most from `before` to `after`, as text lines. */
export function heapGrowth(
  before: HeapByConstructor,
  after: HeapByConstructor,
  top = 15,
): string[] {
  return [...after]
    .map(([name, a]) => {
      const b = before.get(name) ?? { count: 0, bytes: 0 };
      return { name, dCount: a.count - b.count, dBytes: a.bytes - b.bytes, bytes: a.bytes };
    })
    .sort((x, y) => y.dBytes - x.dBytes)
    .slice(0, top)
    .map(
      (g) =>
        `${(g.dBytes / 1024).toFixed(1).padStart(9)} KB ${String(g.dCount).padStart(7)} objects  ${g.name} (now ${(g.bytes / 1024).toFixed(0)} KB)`,
    );
}

function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          try {
            resolve(JSON.parse(body));
          } catch (err) {
            reject(err as Error);
          }
        });
      })
      .on('error', reject);
  });
}
