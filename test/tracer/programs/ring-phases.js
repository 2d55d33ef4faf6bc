// Two phases for the flight recorder's test: file stats for PHASE_A_MS, then only immediates
// (with a timer to let the tracer flush) for PHASE_B_MS. Prints "phase b" when B starts.
const fs = require('node:fs');
const phaseAms = Number(process.argv[2] || 800);
const phaseBms = Number(process.argv[3] || 2000);
const t0 = Date.now();
function phaseA() {
  if (Date.now() - t0 < phaseAms) {
    fs.stat(__filename, phaseA);
  } else {
    process.stdout.write('phase b\n');
    phaseB();
  }
}
function phaseB() {
  if (Date.now() - t0 < phaseAms + phaseBms) {
    setImmediate(phaseB);
  }
}
phaseA();
