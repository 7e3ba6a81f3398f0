/**
 * An error the user caused and can fix: its message is one sentence naming the
 * offending value and the fix. Front ends print the message alone, without a
 * stack trace, and exit non-zero. Any other error is a bug.
 */
export class UserError extends Error {
  constructor(
    message: string,
    /** The process exit code a front end should use. */
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = "UserError";
  }
}
