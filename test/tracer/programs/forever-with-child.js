// Runs until a signal ends it, with a child process of its own (as npm test has its node):
// prints both pids once both are up, so a test can see that neither outlives `record`.
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
child.on('spawn', () => {
  console.log(`READY ${JSON.stringify({ pid: process.pid, child: child.pid })}`);
});
setInterval(() => {}, 1000);
