// The floor: an async_hooks hook with five empty callbacks (what any async_hooks tracer pays).
require('node:async_hooks')
  .createHook({ init() {}, before() {}, after() {}, promiseResolve() {}, destroy() {} })
  .enable();
