// Loaded into every benchmark run (all modes alike): at exit, appends the main thread's time on
// a CPU (Linux schedstat, ns) to the file in CV_BENCH_CPU_FILE. Unlike wall time, it does not
// count the time the thread waited for a core, the noise of a busy or small machine. It loads
// nothing at start (node:worker_threads alone costs 4-8 ms here): a worker's exit is told apart
// by its thread id, which only the main thread shares with the process.
const fs = require('node:fs');
const file = process.env.CV_BENCH_CPU_FILE;
if (file) {
  process.on('exit', () => {
    try {
      if (!fs.readlinkSync('/proc/thread-self').endsWith(`/task/${process.pid}`)) {
        return;
      }
      const ns = Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
      fs.appendFileSync(file, `${ns}\n`);
    } catch {
      // Not Linux: no figure.
    }
  });
}
