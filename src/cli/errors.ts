/** A problem the user can fix, printed as one line with its exit status (2: wrong usage). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
    /** The usage text follows the message. */
    readonly showUsage = false,
  ) {
    super(message);
  }
}

/** Thrown for wrong usage: printed with the usage text, exit status 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2, true);
  }
}
