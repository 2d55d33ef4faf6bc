// Runs the test suites in one mocha process and ends with the line CI reads:
// "N passed, N failed". Usage: node test/run.js [unit] [tracer] [webview] [e2e]
// (default: all four, in that order: the cheap ones fail first). First it provisions what the
// chosen suites need (scripts/provision.js): a piece it cannot install stops the run before any
// suite starts, with the command that installs it.
'use strict';
require('tsx/cjs');
const fs = require('node:fs');
const path = require('node:path');
// Plain text in CI logs. Mocha's checkmarks come from picocolors, which turns colours ON when CI
// is set, whatever Base.useColors says; it reads NO_COLOR once, when it loads, so NO_COLOR is set
// only around that require (the programs the tests start keep the environment they had).
const noColor = process.env.NO_COLOR;
if (process.env.CI && !process.env.FORCE_COLOR) {
  process.env.NO_COLOR = '1';
}
const { Mocha, reporters } = require('mocha');
if (noColor === undefined) {
  delete process.env.NO_COLOR;
} else {
  process.env.NO_COLOR = noColor;
}
const { provisionAndReport, SUITES: ALL } = require('../scripts/provision');

const suites = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const chosen = suites.length ? suites : ALL;
for (const s of chosen) {
  if (!ALL.includes(s)) {
    console.error(`unknown suite "${s}": choose from ${ALL.join(', ')}`);
    process.exit(2);
  }
}

if (!provisionAndReport(chosen)) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

function testFiles(dir) {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? testFiles(path.join(dir, e.name))
        : e.name.endsWith('.test.ts')
          ? [path.join(dir, e.name)]
          : [],
    )
    .sort();
}

if (process.env.CI) {
  reporters.Base.useColors = false;
}
const mocha = new Mocha({ timeout: 60000, reporter: 'spec' });
for (const suite of chosen) {
  for (const file of testFiles(path.join(__dirname, suite))) {
    mocha.addFile(file);
  }
}
mocha
  .loadFilesAsync()
  .then(() => {
    const runner = mocha.run((failures) => {
      const { passes = 0, pending = 0 } = runner.stats || {};
      console.log('');
      console.log(`${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}`);
      process.exitCode = failures ? 1 : 0;
    });
  })
  .catch((err) => {
    console.error(err);
    console.log('0 passed, 1 failed');
    process.exitCode = 1;
  });
