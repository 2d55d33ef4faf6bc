// One callback creates timers from two lines, many times: each timer must keep its own line.
setImmediate(() => {
  for (let i = 0; i < 300; i++) {
    setTimeout(() => {}, 1); // line A
    setTimeout(() => {}, 2); // line B
  }
});
