/** Groups Node's async resource types into the few kinds the timeline colours. */

/** The kinds a span or operation is coloured by, in legend order. */
export const OP_KINDS = [
  'timer',
  'immediate',
  'promise',
  'tick',
  'fs',
  'net',
  'http',
  'message',
  'worker',
  'crypto',
  'other',
] as const;

/** One colour group. */
export type OpKind = (typeof OP_KINDS)[number];

/** Legend text for each kind. */
export const OP_KIND_LABELS: Record<OpKind, string> = {
  timer: 'Timeout',
  immediate: 'Immediate',
  promise: 'Promise',
  tick: 'nextTick / microtask',
  fs: 'fs request',
  net: 'TCP / UDP / pipe',
  http: 'HTTP',
  message: 'Message port',
  worker: 'Worker',
  crypto: 'crypto / zlib',
  other: 'Other',
};

/** The kind of an async resource type as async_hooks names it (e.g. 'FSREQCALLBACK'). */
export function opKindOf(type: string): OpKind {
  switch (type) {
    case 'Timeout':
      return 'timer';
    case 'Immediate':
      return 'immediate';
    case 'PROMISE':
      return 'promise';
    case 'TickObject':
    case 'Microtask':
      return 'tick';
    case 'MESSAGEPORT':
      return 'message';
    case 'WORKER':
      return 'worker';
    case 'HTTPINCOMINGMESSAGE':
    case 'HTTPCLIENTREQUEST':
    case 'HTTPPARSER':
      return 'http';
  }
  if (type.startsWith('FS') || type === 'STATWATCHER') {
    return 'fs';
  }
  if (
    type.startsWith('TCP') ||
    type.startsWith('UDP') ||
    type.startsWith('PIPE') ||
    type.startsWith('TTY') ||
    type === 'GETADDRINFOREQWRAP' ||
    type === 'GETNAMEINFOREQWRAP' ||
    type === 'QUERYWRAP' ||
    type === 'SHUTDOWNWRAP' ||
    type === 'WRITEWRAP' ||
    type === 'TLSWRAP'
  ) {
    return 'net';
  }
  if (
    type.startsWith('PBKDF2') ||
    type.includes('CRYPTO') ||
    type === 'ZLIB' ||
    (type.endsWith('REQUEST') && type.includes('KEY'))
  ) {
    return 'crypto';
  }
  return 'other';
}
