// Waits a long time on a timer, printing a line first so a test knows it started.
setTimeout(() => console.log('never'), 60000);
setInterval(() => {}, 20);
console.log('waiting');
