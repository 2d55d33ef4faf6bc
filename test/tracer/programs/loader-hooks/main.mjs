// Registers module loader hooks (run by Node on a thread of their own), then imports through them.
import { register } from 'node:module';
register('./hooks.mjs', import.meta.url);
await import('./dep.mjs');
console.log('done');
