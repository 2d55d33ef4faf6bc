// Writes to both streams, reads stdin, and exits with a chosen code.
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  console.log(`stdout: got ${JSON.stringify(input)} argv=${JSON.stringify(process.argv.slice(2))}`);
  console.error(
    `stderr: NODE_OPTIONS has user flag: ${String(process.env.NODE_OPTIONS).includes('--no-deprecation')}`,
  );
  console.log(`user preload ran: ${globalThis.userPreloadRan === true}`);
  setTimeout(() => process.exit(Number(process.argv[2] ?? 0)), 5);
});
