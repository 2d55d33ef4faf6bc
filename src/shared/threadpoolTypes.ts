/** Which async resource types are work on libuv's threadpool: the tracer and the model agree. */

/** True for the async resource types whose work libuv's threadpool does. */
export function isThreadpoolType(type: string): boolean {
  return (
    type.startsWith('FSREQ') ||
    type === 'ZLIB' ||
    type === 'GETADDRINFOREQWRAP' ||
    type === 'GETNAMEINFOREQWRAP' ||
    // N-API async work (node-addon-api's AsyncWorker; unnamed work, which the tracer calls
    // NAPI) runs on the pool too.
    type.startsWith('NAPI') ||
    type.includes('AsyncWork') ||
    (type.endsWith('REQUEST') && !type.startsWith('HTTP'))
  );
}
