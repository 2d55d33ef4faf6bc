// record --embed-sources: SourceLines records (kind 34) written after a trace's frames, read back
// by the decoder into the model's embedded sources; a recorded program's lines survive the
// program's file being deleted.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sourceFrames } from '../../src/cli/export/embedSources';
import { TraceDecoder, TraceError } from '../../src/model/decoder';
import { TraceModel } from '../../src/model/traceModel';
import {
  FRAME_HEADER_BYTES,
  Rec,
  sealFrame,
  SOURCES_THREAD_ID,
} from '../../src/shared/traceFormat';
import { generateTrace } from '../fixtures/traces';
import { buildCli, scratchDir } from '../tracer/helpers';

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

function decode(bytes: Uint8Array): TraceModel {
  const model = new TraceModel();
  new TraceDecoder(model).pushFile(bytes);
  return model;
}

describe('embedded sources (record --embed-sources)', function () {
  this.timeout(60000);

  it('reads back the lines it wrote, in runs, beside an unchanged trace', () => {
    const hostile = '/tmp/</script>"\'\u0001.js';
    const trace = generateTrace(2_000, 2, 3).bytes;
    const frames = sourceFrames({
      '/src/a.js': { 1: 'one', 2: 'two', 3: 'three', 10: 'ten' },
      [hostile]: { 7: '<script>alert(1)</script>' },
    });
    const plain = decode(trace);
    const model = decode(concat(trace, ...frames));
    assert.equal(model.spanCount, plain.spanCount);
    assert.equal(model.threads.length, plain.threads.length);
    assert.equal(plain.sources.fileCount, 0);
    assert.equal(model.sources.fileCount, 2);
    assert.deepEqual(model.sources.excerpt('/src/a.js', 2), {
      firstLine: 1,
      lines: ['one', 'two', 'three'],
    });
    assert.deepEqual(model.sources.excerpt('/src/a.js', 10), { firstLine: 10, lines: ['ten'] });
    assert.deepEqual(model.sources.excerpt('/src/a.js', 5), { firstLine: 5, lines: [] });
    assert.deepEqual(model.sources.excerpt(hostile, 7), {
      firstLine: 7,
      lines: ['<script>alert(1)</script>'],
    });
  });

  it('stops at a SourceLines record whose count runs past its frame', () => {
    const [frame] = sourceFrames({ '/a.js': { 1: 'x' } });
    // The record's count is the byte before its one line ("x": length 1, then 'x').
    const corrupt = frame.slice();
    const countAt = corrupt.length - 3;
    assert.equal(corrupt[countAt], 1);
    assert.equal(corrupt[FRAME_HEADER_BYTES + 0], Rec.String);
    corrupt[countAt] = 100;
    // Sealed again, as a writer with this bug would have: the checksum holds, the record lies.
    sealFrame(corrupt, corrupt.length - FRAME_HEADER_BYTES, 0, SOURCES_THREAD_ID, 0);
    const trace = generateTrace(100, 1, 1).bytes;
    assert.throws(
      () => decode(concat(trace, corrupt)),
      (err: unknown) => err instanceof TraceError && /unreadable source lines/.test(err.message),
    );
  });

  it('keeps a recorded program lines after its file is gone', () => {
    const dir = scratchDir();
    const program = path.join(dir, 'gone.js');
    fs.writeFileSync(program, "// first\nsetTimeout(() => console.log('embedded line'), 1);\n");
    const cli = buildCli();
    for (const [out, flags] of [
      ['with.cvtrace', ['--embed-sources']],
      ['without.cvtrace', []],
    ] as const) {
      const r = spawnSync(
        process.execPath,
        [cli, 'record', '--out', out, ...flags, '--', process.execPath, program],
        { cwd: dir, encoding: 'utf8', timeout: 60000 },
      );
      assert.equal(r.status, 0, r.stderr);
    }
    fs.rmSync(program);
    const model = decode(fs.readFileSync(path.join(dir, 'with.cvtrace')));
    const excerpt = model.sources.excerpt(program, 2);
    assert.deepEqual(excerpt, {
      firstLine: 1,
      lines: ['// first', "setTimeout(() => console.log('embedded line'), 1);", ''],
    });
    assert.equal(decode(fs.readFileSync(path.join(dir, 'without.cvtrace'))).sources.fileCount, 0);
  });
});
