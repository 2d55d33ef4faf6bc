// What reaches the terminal from a trace: strings recorded from a program (thread names, paths,
// commands) are data, so their control characters are shown escaped, never interpreted.

// C0 controls but \t and \n, DEL, C1 controls (0x9b is a one-byte CSI), the line and paragraph
// separators and the bidirectional overrides and isolates (text that reads other than it is).
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Text with every control character a terminal would act on written as \xNN or \uNNNN. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

// JSON.stringify escapes C0 itself; what it leaves raw inside strings, as \u escapes (valid JSON).
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON for the terminal: the same value, with no raw DEL, C1 or bidi character in it. */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    UNSAFE_IN_JSON,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
