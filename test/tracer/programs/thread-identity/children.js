// Child processes: a Node script inside a package (argv[2], e.g. .../node_modules/x/build/
// workers/processChild.js, as jest-worker's), which exits with 3, and a shell that lives
// 300 ms (past the sampler's 100 ms scans for children) and runs two commands (so it cannot
// exec the first in its own place).
const { spawn } = require('node:child_process');

const run = (cmd, args) =>
  new Promise((resolve) => spawn(cmd, args, { stdio: 'inherit' }).on('exit', resolve));
Promise.all([
  run(process.execPath, [process.argv[2], '3']),
  run('sh', ['-c', 'sleep 0.3; exit 0']),
]).then((codes) => console.log(`GROUND ${JSON.stringify({ codes })}`));
