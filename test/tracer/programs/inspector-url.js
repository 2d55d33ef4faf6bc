// Prints where its inspector listens (from --inspect in NODE_OPTIONS) and its pid.
const inspector = require('node:inspector');
console.log(`INSPECTOR ${inspector.url() ?? 'none'} pid ${process.pid}`);
inspector.close();
