// `export --format chrome`: the Trace Event Format's rules checked on the export of generated
// and hostile traces, the export loaded by an independent importer (@tracerbench/trace-model),
// and the CLI writing it plain and gzipped in chunks.
import { buildModel } from '@tracerbench/trace-model';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { chromeTraceChunks } from '../../src/cli/export/chrome';
import { TraceDecoder } from '../../src/model/decoder';
import { TraceModel } from '../../src/model/traceModel';
import { StreamBuilder, traceFile } from '../fixtures/traceBuilder';
import { generateTrace } from '../fixtures/traces';
import { buildCli, scratchDir } from '../tracer/helpers';

interface TraceEvent {
  ph: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  name: string;
  cat?: string;
  id?: number;
  bp?: string;
  args?: Record<string, unknown>;
}

function modelOf(bytes: Uint8Array): TraceModel {
  const model = new TraceModel();
  new TraceDecoder(model).pushFile(bytes);
  return model;
}

/** µs (3 decimals) back to whole ns, as an importer that keeps ns reads them. */
const ns = (us: number): number => Math.round(us * 1000);

/**
 * Checks the format's rules and returns the events: names everywhere, integer pids and tids,
 * X events with dur >= 0 in start order on each thread and properly nested, flows paired by id
 * (one s, one f, same name and cat), s inside a slice of its thread and f (bp e) at the start of
 * a slice written before it.
 */
function checkRules(events: TraceEvent[]): void {
  const slices = new Map<string, Array<[number, number]>>();
  const stacks = new Map<string, number[]>();
  const named = new Set<string>();
  const namedPids = new Set<number>();
  const flows = new Map<number, { s?: TraceEvent; f?: TraceEvent }>();
  for (const e of events) {
    assert.equal(typeof e.name, 'string', JSON.stringify(e));
    assert.ok(e.name.length > 0);
    assert.equal(typeof e.cat, 'string', JSON.stringify(e));
    assert.ok(Number.isInteger(e.pid) && Number.isInteger(e.tid), JSON.stringify(e));
    const key = `${e.pid}:${e.tid}`;
    if (e.ph === 'M') {
      if (e.name === 'thread_name') {
        named.add(key);
      }
      if (e.name === 'process_name') {
        namedPids.add(e.pid);
      }
      continue;
    }
    assert.ok(typeof e.ts === 'number' && e.ts >= 0 && Number.isFinite(e.ts), JSON.stringify(e));
    if (e.ph === 'X') {
      assert.ok(typeof e.dur === 'number' && e.dur >= 0, JSON.stringify(e));
      const start = ns(e.ts);
      const end = start + ns(e.dur);
      const list = slices.get(key) ?? [];
      const prev = list[list.length - 1];
      assert.ok(!prev || prev[0] <= start, `X events of ${key} out of order at ${e.ts}`);
      list.push([start, end]);
      slices.set(key, list);
      const stack = stacks.get(key) ?? [];
      while (stack.length && stack[stack.length - 1] <= start) {
        stack.pop();
      }
      if (stack.length) {
        assert.ok(end <= stack[stack.length - 1], `X at ${e.ts} on ${key} overlaps its parent`);
      }
      stack.push(end);
      stacks.set(key, stack);
    } else if (e.ph === 's' || e.ph === 'f') {
      assert.ok(Number.isInteger(e.id) && e.id! > 0, JSON.stringify(e));
      if (e.ph === 'f') {
        // Bound to the enclosing slice, which comes before it (at equal times, file order).
        assert.equal(e.bp, 'e', JSON.stringify(e));
        const starts = (slices.get(key) ?? []).some(([start]) => start === ns(e.ts!));
        assert.ok(starts, `flow ${e.id} ends before its callback's slice is written`);
      }
      const pair = flows.get(e.id!) ?? {};
      assert.equal(pair[e.ph], undefined, `flow ${e.id} has two ${e.ph} events`);
      pair[e.ph] = e;
      flows.set(e.id!, pair);
    } else if (e.ph === 'C') {
      for (const v of Object.values(e.args ?? {})) {
        assert.ok(typeof v === 'number' && Number.isFinite(v) && v >= 0, JSON.stringify(e));
      }
    } else {
      assert.fail(`unexpected phase ${e.ph}`);
    }
  }
  for (const key of slices.keys()) {
    assert.ok(named.has(key), `thread ${key} has slices but no thread_name`);
    assert.ok(namedPids.has(Number(key.split(':')[0])), `process of ${key} has no name`);
  }
  const covers = (key: string, timeNs: number): boolean =>
    (slices.get(key) ?? []).some(([s, e]) => s <= timeNs && timeNs <= e);
  const startsAt = (key: string, timeNs: number): boolean =>
    (slices.get(key) ?? []).some(([s]) => s === timeNs);
  for (const [id, { s, f }] of flows) {
    assert.ok(s && f, `flow ${id} is not paired`);
    assert.equal(s.name, f.name);
    assert.equal(s.cat, f.cat);
    assert.ok(s.ts! <= f.ts!, `flow ${id} goes back in time`);
    assert.ok(covers(`${s.pid}:${s.tid}`, ns(s.ts!)), `flow ${id} starts outside any slice`);
    assert.ok(startsAt(`${f.pid}:${f.tid}`, ns(f.ts!)), `flow ${id} ends at no slice's start`);
  }
}

function exportOf(model: TraceModel): { text: string; chunks: string[]; events: TraceEvent[] } {
  const chunks = [...chromeTraceChunks(model)];
  const text = chunks.join('');
  const events = (JSON.parse(text) as { traceEvents: TraceEvent[] }).traceEvents;
  return { text, chunks, events };
}

describe('export --format chrome', function () {
  this.timeout(60000);

  it('follows the Trace Event Format: names, nesting, paired flows, counters', () => {
    const trace = generateTrace(20_000, 4, 7);
    const model = modelOf(trace.bytes);
    const { events } = exportOf(model);
    checkRules(events);
    const xs = events.filter((e) => e.ph === 'X');
    assert.equal(xs.length, model.spanCount);
    assert.equal(xs.length, trace.spans);
    // Every non-synthetic callback whose creation lies in a callback gets its arrow; the
    // generator creates all but each thread's first operation inside a callback.
    const flows = events.filter((e) => e.ph === 's').length;
    assert.ok(flows > model.spanCount * 0.9, `${flows} flows for ${model.spanCount} callbacks`);
    // The generated trace has no OS samples: cores busy comes from callbacks.
    const cores = events.filter((e) => e.ph === 'C' && e.name === 'Cores busy');
    assert.ok(cores.length > 2);
    assert.ok(cores.some((e) => (e.args!.ours as number) > 0));
    const threadNames = events.filter((e) => e.name === 'thread_name').map((e) => e.args!.name);
    assert.deepEqual(threadNames.sort(), ['main', 'worker 1', 'worker 2', 'worker 3']);
  });

  it('loads in an independent importer with the same threads and nesting', () => {
    const model = modelOf(generateTrace(5_000, 3, 3).bytes);
    const { events } = exportOf(model);
    const imported = buildModel(events as never);
    const threads = imported.processes.flatMap((p) => p.threads);
    assert.deepEqual(threads.map((t) => t.name).sort(), ['main', 'worker 1', 'worker 2']);
    const complete = threads.flatMap((t) => t.events.filter((e) => e.isComplete()));
    assert.equal(complete.length, model.spanCount);
    // Its parents come from containment: they must be exactly our nested callbacks.
    let nested = 0;
    for (let s = 0; s < model.spanCount; s++) {
      nested += model.spanDepth.data[s] > 0 ? 1 : 0;
    }
    assert.ok(nested > 0);
    assert.equal(complete.filter((e) => e.parent !== undefined).length, nested);
  });

  it('exports a recorded program with workers: its threads, OS thread CPU and arrows', () => {
    const dir = scratchDir();
    const cli = buildCli();
    const program = path.join(__dirname, '..', '..', 'examples', 'worker.js');
    const rec = spawnSync(
      process.execPath,
      [cli, 'record', '--out', 'w.cvtrace', '--', process.execPath, program],
      {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60000,
      },
    );
    assert.equal(rec.status, 0, rec.stderr);
    const model = modelOf(fs.readFileSync(path.join(dir, 'w.cvtrace')));
    const { events } = exportOf(model);
    checkRules(events);
    assert.equal(events.filter((e) => e.ph === 'X').length, model.spanCount);
    const names = events.filter((e) => e.name === 'thread_name').map((e) => e.args!.name);
    assert.equal(names.length, model.threads.length);
    assert.ok(model.threads.length >= 2, `${model.threads.length} threads`);
    assert.ok(events.some((e) => e.ph === 's'));
    if (process.platform === 'linux') {
      assert.ok(events.some((e) => e.ph === 'C' && e.name.startsWith('CPU ')));
    }
  });

  it('keeps hostile strings as data and writes unfinished callbacks up to their thread end', () => {
    const hostile = '</script><script>alert(1)</script>"\'\u0000\u0007\u2028';
    const s = new StreamBuilder(77, 0, 1 << 16);
    s.thread(1_000, hostile);
    s.string(1, hostile);
    s.string(2, `/tmp/${hostile}.js`);
    s.location(1, 2, 3, 4);
    s.init(1_000, 10, 1, 1, 1);
    s.before(2_000, 10);
    s.init(2_500, 11, 10, 1, 1);
    s.after(3_000, 10);
    s.before(4_000, 11);
    s.cut(true);
    const model = modelOf(traceFile(s.frames));
    const { events } = exportOf(model);
    checkRules(events);
    const xs = events.filter((e) => e.ph === 'X');
    assert.equal(xs.length, 2);
    assert.equal(xs[0].name, hostile);
    assert.equal(xs[0].args!.site, `/tmp/${hostile}.js:3:4`);
    assert.equal(xs[1].args!.unfinished, true);
    assert.ok(xs[1].dur! >= 0);
    assert.equal(events.find((e) => e.name === 'thread_name')!.args!.name, hostile);
    assert.equal(events.filter((e) => e.ph === 'f').length, 1);
  });

  it('is produced in bounded chunks, and the CLI writes it plain and gzipped', () => {
    const trace = generateTrace(60_000, 2, 5);
    const { chunks, text } = exportOf(modelOf(trace.bytes));
    assert.ok(chunks.length > 10, `${chunks.length} chunks`);
    assert.ok(Math.max(...chunks.map((c) => c.length)) < 300 * 1024);
    const dir = scratchDir();
    const input = path.join(dir, 'gen.cvtrace');
    fs.writeFileSync(input, trace.bytes);
    const cli = buildCli();
    for (const out of ['out.json', 'out.json.gz']) {
      const r = spawnSync(
        process.execPath,
        [cli, 'export', '--format', 'chrome', input, '-o', out],
        {
          cwd: dir,
          encoding: 'utf8',
        },
      );
      assert.equal(r.status, 0, r.stderr);
      const bytes = fs.readFileSync(path.join(dir, out));
      const written = out.endsWith('.gz')
        ? zlib.gunzipSync(bytes).toString('utf8')
        : bytes.toString('utf8');
      assert.equal(written, text);
    }
    const bad = spawnSync(process.execPath, [cli, 'export', input, '-o', 'x.json'], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--format/);
  });
});
