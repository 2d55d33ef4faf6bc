import * as assert from 'node:assert/strict';
import { withTracerNodeOptions } from '../../src/launch/session';
import { mergeEnv, substituteVariables, typeScriptRuntimeArgs } from '../../src/launch/variables';
import { OP_KINDS, opKindOf } from '../../src/model/opKinds';

describe('launch helpers', () => {
  it('appends the tracer to the user NODE_OPTIONS, quoting the path', () => {
    assert.equal(withTracerNodeOptions(undefined, '/tmp/p.cjs'), '--require "/tmp/p.cjs"');
    assert.equal(withTracerNodeOptions('  ', '/tmp/p.cjs'), '--require "/tmp/p.cjs"');
    assert.equal(
      withTracerNodeOptions('--max-old-space-size=100', '/a b/"q"/p.cjs'),
      '--max-old-space-size=100 --require "/a b/\\"q\\"/p.cjs"',
    );
    assert.equal(withTracerNodeOptions('', 'C:\\x\\p.cjs'), '--require "C:\\\\x\\\\p.cjs"');
  });

  it('substitutes launch.json variables and leaves unknown ones visible', () => {
    const ctx = {
      workspaceFolder: '/ws/proj',
      file: '/ws/proj/src/app.ts',
      env: { HOME: '/home/u', X: '1' },
    };
    assert.equal(substituteVariables('${workspaceFolder}/a.js', ctx), '/ws/proj/a.js');
    assert.equal(
      substituteVariables('${fileBasename}|${fileDirname}|${fileBasenameNoExtension}', ctx),
      'app.ts|/ws/proj/src|app',
    );
    assert.equal(substituteVariables('${env:X}${env:MISSING}', ctx), '1');
    assert.equal(
      substituteVariables('${workspaceFolderBasename} ${userHome}', ctx),
      'proj /home/u',
    );
    assert.equal(substituteVariables('${command:pick}', ctx), '${command:pick}');
  });

  it('merges env additions, null removes', () => {
    assert.deepEqual(mergeEnv({ A: '1', B: '2' }, { B: null, C: '3' }), { A: '1', C: '3' });
  });

  it('knows which Node runs TypeScript by itself', () => {
    assert.equal(typeScriptRuntimeArgs('v20.20.2'), undefined);
    assert.deepEqual(typeScriptRuntimeArgs('v22.6.0'), ['--experimental-strip-types']);
    assert.deepEqual(typeScriptRuntimeArgs('v22.18.0'), []);
    assert.deepEqual(typeScriptRuntimeArgs('v24.1.0'), []);
  });

  it('colours every async_hooks type it knows by kind', () => {
    assert.equal(opKindOf('Timeout'), 'timer');
    assert.equal(opKindOf('FSREQCALLBACK'), 'fs');
    assert.equal(opKindOf('TCPWRAP'), 'net');
    assert.equal(opKindOf('HTTPINCOMINGMESSAGE'), 'http');
    assert.equal(opKindOf('PBKDF2REQUEST'), 'crypto');
    assert.equal(opKindOf('SOMETHINGNEW'), 'other');
    assert.ok(OP_KINDS.includes(opKindOf('MESSAGEPORT')));
  });
});
