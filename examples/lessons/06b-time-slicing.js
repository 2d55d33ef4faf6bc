// Lesson 6b: time slicing, one core taking turns.
// On Linux the lesson restarts itself pinned to core 0 (taskset), then starts two more
// CPU-bound workers than it has cores (3 on one core). Each worker notes every time it
// was paused (a gap of over 1 ms in its loop): the core runs one thread at a time and
// switches every few milliseconds, which looks like all three running at once. Elsewhere,
// or without taskset, it runs unpinned (cores + 2 workers). Look at the whole run (~1 s):
// the worker lanes inside their callback together, the cores chart at 1, the OS threads
// waiting for the core about two thirds of the time; zoom to ~20 ms to see the turns.
const { spawnSync } = require('node:child_process');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const os = require('node:os');

// Pin only where taskset exists and the OS lets it set the affinity.
const canPin = () => spawnSync('taskset', ['-c', '0', 'true']).status === 0;
if (isMainThread && !process.env.LESSON_PINNED && canPin()) {
  const env = { ...process.env, LESSON_PINNED: '1' };
  const argv = ['-c', '0', process.execPath, __filename];
  return (process.exitCode = spawnSync('taskset', argv, {
    stdio: 'inherit',
    env,
  }).status);
}
if (!isMainThread) {
  const start = performance.now();
  let [last, pauses, pausedMs] = [start, 0, 0];
  while (performance.now() - start - pausedMs < workerData) {
    for (let i = 0; i < 1000; i++) Math.sqrt(i); // a sliver of work
    const now = performance.now();
    if (now - last > 1) [pauses, pausedMs] = [pauses + 1, pausedMs + now - last];
    last = now;
  }
  return parentPort.postMessage({ pauses, pausedMs, ranMs: performance.now() - start });
}

const cores = os.availableParallelism?.() ?? os.cpus().length;
const CPU_MS = Number(process.env.LESSON_WORK) || 250; // CPU per worker
const workers = cores + 2;
console.log(
  `${cores} core(s)${process.env.LESSON_PINNED ? ', pinned' : ''}: ${workers} workers`,
);
for (let i = 1; i <= workers; i++) {
  const w = new Worker(__filename, { name: `cook ${i}`, workerData: CPU_MS });
  console.log(`worker ${w.threadId}: cook ${i}`);
  w.once('message', ({ pauses, pausedMs, ranMs }) => {
    const [ran, paused] = [ranMs, pausedMs].map(Math.round);
    console.log(
      `cook ${i}: ${ran} ms from start to end, paused ${pauses} times, ${paused} ms`,
    );
  });
}
