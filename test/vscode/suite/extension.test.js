// The extension's commands inside a real (downloaded) VS Code.
/* global describe, it, before */
'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');

const repo = process.env.CV_REPO || path.resolve(__dirname, '..', '..', '..');
const EXTENSION_ID = 'concurrency-visualizer.concurrency-visualizer';

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls the extension's internal state until `done(state)` or the timeout. */
async function waitForState(done, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  let state;
  while (Date.now() < deadline) {
    state = await vscode.commands.executeCommand('concurrencyVisualizer.debugState');
    if (state && done(state)) {
      return state;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}; last debugState: ${JSON.stringify(state)}`);
}

describe('Concurrency Visualizer in VS Code', () => {
  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    await ext.activate();
  });

  it('registers its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of [
      'concurrencyVisualizer.visualize',
      'concurrencyVisualizer.stop',
      'concurrencyVisualizer.runAgain',
    ]) {
      assert.ok(commands.includes(id), `command ${id} is not registered`);
    }
  });

  it('visualizes examples/timers.js until the program exits', async () => {
    const file = path.join(repo, 'examples', 'timers.js');
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('concurrencyVisualizer.visualize');
    const state = await waitForState(
      (s) => !s.running && s.lastExitCode !== undefined,
      45000,
      'timers.js to exit',
    );
    assert.equal(state.lastExitCode, 0);
    assert.ok(state.panels >= 1, `expected a panel, got ${state.panels}`);
    const terminal = vscode.window.terminals.find((t) => t.name === 'timers.js');
    assert.ok(terminal, 'no terminal named timers.js');
  });
});
