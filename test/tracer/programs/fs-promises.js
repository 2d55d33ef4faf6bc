// Opens files through fs.promises from three lines, one after another: FileHandles, which Node
// makes with no async context, each located at the line that opened it.
const fsp = require('node:fs/promises');

async function main() {
  for (let i = 0; i < 3; i++) {
    const handle = await fsp.open(__filename, 'r'); // open line
    await handle.close();
  }
  for (let i = 0; i < 3; i++) {
    await fsp.readFile(__filename); // readFile line
  }
  await Promise.all([1, 2, 3, 4].map(() => fsp.readFile(__filename, 'utf8'))); // together line
}
main();
