// Entry point that VS Code's test host calls: runs every *.test.js beside it with mocha.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

/** Called by @vscode/test-electron inside the extension host. */
function run() {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60000, color: true });
  for (const f of fs
    .readdirSync(__dirname)
    .filter((n) => n.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      if (failures > 0) {
        reject(new Error(`${failures} test(s) failed`));
      } else {
        resolve();
      }
    });
  });
}

module.exports = { run };
