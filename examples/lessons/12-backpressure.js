// Lesson 12: backpressure.
// A fast kitchen (a readable stream) fills plates for a slow waiter (a writable that
// takes 3 ms a plate), like a video player that downloads faster than it plays. Piped by
// hand with write()'s return ignored, the kitchen never waits: the waiter's buffer grows
// to nearly every plate. With pipeline(), the kitchen pauses when the buffer is full
// (write() returned false) and goes on at 'drain': the buffer stays under its
// highWaterMark (set to 16 KiB here: Node's default was 16 KiB before Node 22, 64 since).
// Look at the whole run (~1 s): in the first half the kitchen's callbacks all come at the
// start; in the second they are spread among the waiter's.
const { Readable, Writable, pipeline } = require('node:stream');

const PLATES = Number(process.env.LESSON_WORK) || 100;
const PLATE = Buffer.alloc(1024, 'x'); // 1 KiB
const highWaterMark = 16 * 1024; // each stream's buffer limit

function kitchen() {
  let made = 0;
  return new Readable({
    highWaterMark,
    read() {
      // One plate per turn of the event loop: fast, but not all at once.
      setImmediate(() => this.push(++made <= PLATES ? PLATE : null)); // cook
    },
  });
}
function waiter(label, done) {
  let peak = 0;
  const sink = new Writable({
    highWaterMark,
    write(plate, encoding, served) {
      peak = Math.max(peak, this.writableLength);
      setTimeout(served, 3); // serve
    },
  });
  const report = () =>
    `${label}: waiter's buffer peaked at ${Math.round(peak / 1024)} KiB`;
  return sink.on('finish', () => done(console.log(report())));
}

const byHand = () =>
  new Promise((done) => {
    const sink = waiter('write() ignored', done);
    const source = kitchen();
    source.on('data', (plate) => sink.write(plate)); // the return value is ignored
    source.on('end', () => sink.end());
  });
const piped = () =>
  new Promise((done) => pipeline(kitchen(), waiter('pipeline()', done), () => {}));
byHand().then(piped);
