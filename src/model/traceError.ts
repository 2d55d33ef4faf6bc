// The reader's error, apart so that the decoder's helpers can make it too.

/** A trace that cannot be read past `offset` (bytes from the start of what was pushed). */
export class TraceError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte offset ${offset}`);
    this.name = 'TraceError';
  }
}
