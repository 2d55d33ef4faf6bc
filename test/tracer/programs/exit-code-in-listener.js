// Sets its exit status from 'exit' listeners, as jest does for a failing run: by
// process.exitCode (argv[2] = 'exitCode') or by process.exit(n) (argv[2] = 'exit'), inside
// a listener added after the tracer's own.
const how = process.argv[2];
const code = Number(process.argv[3]);
process.on('exit', () => {
  if (how === 'exit') {
    process.exit(code);
  }
  process.exitCode = code;
});
process.on('exit', () => {
  // Runs only when the listener before it did not exit.
  console.log(`second listener saw exitCode ${process.exitCode}`);
});
setTimeout(() => console.log('done'), 5);
