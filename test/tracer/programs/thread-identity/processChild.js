// A child process script, copied by the test inside a package as jest-worker's
// processChild.js is: exits with the code it is given.
setTimeout(() => process.exit(Number(process.argv[2])), 20);
