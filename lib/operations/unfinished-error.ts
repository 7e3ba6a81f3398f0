import { EXIT } from "../exit-codes";
import { UserError } from "../user-error";

/**
 * A failure after Aiven's roles changed: the message leads with what already
 * happened and how a rerun finishes it. When the cause is a bug, its stack
 * trace is kept in the journal (`keepFailureTrace`), not printed.
 */
export class UnfinishedError extends UserError {
  /** Where the stack trace of `bug` was kept, relative to the project, once it was. */
  traceKeptIn?: string;

  constructor(
    message: string,
    readonly cause: unknown,
  ) {
    super(message, EXIT.unfinished);
    this.name = "UnfinishedError";
  }

  /**
   * A failure after Aiven's roles changed, leading with that change (`lead`)
   * and what did not happen (`what`); the cause's own advice to rerun, and
   * its "nothing was sent" (true of its step alone), give way to one way to
   * finish.
   */
  static leadingWith(lead: string, what: string, err: unknown, rerun: string): UnfinishedError {
    const reason = err instanceof Error ? err.message : String(err);
    const cause = reason
      .replace(/\s*Nothing was (?:sent to Aiven|changed)\.?\s*$/i, "")
      .replace(/[;,]?\s*(?:then |and )?rerun[^.;]*\.?\s*$/i, "")
      .replace(/\.$/, "");
    return new UnfinishedError(
      `${lead}, but ${what}: ${cause}.\nFix that and rerun \`${rerun}\`: it finishes the rest and will not send the role change again.`,
      err,
    );
  }

  /** The underlying bug, if the cause was not a user error. */
  get bug(): Error | undefined {
    return this.cause instanceof Error && !(this.cause instanceof UserError) ? this.cause : undefined;
  }
}
