import { EXIT } from "../exit-codes";
import { UserError } from "../user-error";

/**
 * A failure after Aiven's roles changed: the message leads with what already
 * happened and how a rerun finishes it. When the cause is a bug, front ends
 * print its stack trace too.
 */
export class UnfinishedError extends UserError {
  constructor(
    message: string,
    readonly cause: unknown,
  ) {
    super(message, EXIT.unfinished);
    this.name = "UnfinishedError";
  }

  /** The underlying bug, if the cause was not a user error. */
  get bug(): Error | undefined {
    return this.cause instanceof Error && !(this.cause instanceof UserError) ? this.cause : undefined;
  }
}
