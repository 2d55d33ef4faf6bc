// Starts a child with fork() and one with spawn(process.execPath): each is traced as its own process.
const { fork, spawn } = require('node:child_process');
if (process.argv[2] === 'child') {
  setTimeout(() => process.exit(0), 20);
} else {
  fork(__filename, ['child']).on('exit', () => {
    spawn(process.execPath, [__filename, 'child'], { stdio: 'inherit' }).on('exit', () => {
      console.log('both children done');
    });
  });
}
