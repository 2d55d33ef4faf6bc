import * as assert from 'node:assert/strict';
import { generateTrace } from '../fixtures/traces';
import { TraceDecoder } from '../../src/model/decoder';
import { TraceModel } from '../../src/model/traceModel';
import {
  classifyOsThreads,
  firstThreadpoolRequestNs,
  threadpoolWindows,
} from '../../src/model/threadKinds';

describe('first threadpool requests', () => {
  it('is the first threadpool window of each process, without building the windows', () => {
    const model = new TraceModel();
    new TraceDecoder(model).pushFile(generateTrace(20000, 4, 9).bytes);
    const firsts = firstThreadpoolRequestNs(model);
    const pids = [...new Set(model.threads.map((t) => t.info.pid))];
    assert.ok(pids.length > 0);
    for (const pid of pids) {
      const windows = threadpoolWindows(model, pid);
      assert.ok(windows.length > 0, 'the trace has FSREQCALLBACK and ZLIB requests');
      assert.equal(firsts.get(pid), windows[0]);
    }
  });

  it('classifies no OS threads of a trace without OS samples', () => {
    const model = new TraceModel();
    new TraceDecoder(model).pushFile(generateTrace(5000, 2, 3).bytes);
    assert.deepEqual(classifyOsThreads(model), []);
  });
});
