// The trace editor's reader (src/editor/traceFile.ts): bounded, regular files only, and a
// newer format version named.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { newerVersion, readTraceFile } from '../../src/editor/traceFile';
import { TRACE_MAGIC, TRACE_VERSION } from '../../src/shared/traceFormat';

/** A header of format `version` followed by `extra` bytes. */
function trace(version: number, extra: number): Uint8Array {
  const bytes = new Uint8Array(8 + extra).fill(7);
  bytes.set(TRACE_MAGIC, 0);
  bytes[4] = version & 0xff;
  bytes[5] = version >> 8;
  bytes[6] = 0;
  bytes[7] = 0;
  return bytes;
}

describe('unit: reading a saved trace file for the trace editor', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-tracefile-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a whole file within the cap, with no problem', () => {
    const file = path.join(dir, 'a.cvtrace');
    fs.writeFileSync(file, trace(TRACE_VERSION, 100));
    const { bytes, problem } = readTraceFile(file, 1024);
    assert.equal(problem, undefined);
    assert.deepEqual(bytes, trace(TRACE_VERSION, 100));
  });

  it('reads at most maxBytes and says how much it left out', () => {
    const file = path.join(dir, 'big.cvtrace');
    fs.writeFileSync(file, trace(TRACE_VERSION, 1000));
    const { bytes, problem } = readTraceFile(file, 100);
    assert.equal(bytes.length, 100);
    assert.match(problem ?? '', /first 100 bytes of 1008/);
  });

  it('names a newer format version', () => {
    const file = path.join(dir, 'newer.cvtrace');
    fs.writeFileSync(file, trace(TRACE_VERSION + 1, 10));
    assert.match(
      readTraceFile(file, 1024).problem ?? '',
      new RegExp(
        `newer version .*format version ${TRACE_VERSION + 1}; this one reads ${TRACE_VERSION}`,
      ),
    );
    assert.equal(newerVersion(trace(TRACE_VERSION, 0)), undefined);
    assert.equal(newerVersion(new TextEncoder().encode('not a trace at all')), undefined);
  });

  it('does not read (or wait on) a FIFO, nor a folder', () => {
    const fifo = path.join(dir, 'fifo.cvtrace');
    execFileSync('mkfifo', [fifo]); // no writer: a blocking open or read would hang the test
    assert.deepEqual(readTraceFile(fifo, 1024), {
      bytes: new Uint8Array(0),
      problem: 'it is not a regular file',
    });
    assert.equal(readTraceFile(dir, 1024).problem, 'it is not a regular file');
  });

  it('says why a missing file cannot be opened', () => {
    const { bytes, problem } = readTraceFile(path.join(dir, 'gone.cvtrace'), 1024);
    assert.equal(bytes.length, 0);
    assert.match(problem ?? '', /cannot open it: ENOENT/);
  });
});
