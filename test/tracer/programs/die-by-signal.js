// Kills itself with SIGTERM after printing a line.
console.log('about to be terminated');
setTimeout(() => process.kill(process.pid, 'SIGTERM'), 20);
setTimeout(() => {}, 10000);
