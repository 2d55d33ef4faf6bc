// Loaded into every benchmark run (all modes alike): at exit, appends the main thread's time on
// a CPU (Linux schedstat, ns) to the file in CV_BENCH_CPU_FILE. Unlike wall time, it does not
// count the time the thread waited for a core, the noise of a busy or small machine.
const fs = require('node:fs');
const file = process.env.CV_BENCH_CPU_FILE;
if (file && require('node:worker_threads').isMainThread) {
  process.on('exit', () => {
    try {
      const ns = Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
      fs.appendFileSync(file, `${ns}\n`);
    } catch {
      // Not Linux: no figure.
    }
  });
}
