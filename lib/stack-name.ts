import { UserError } from "./user-error";

/**
 * What a stack (pair) name may be: it names a folder under cdktf.out, a
 * state key or workspace, a journal and a lock, so letters, digits, `_` and
 * `-`, starting with a letter (no path separators, no dots).
 */
export const STACK_NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,127}$/;

/** Refuses a `--stack` value that cannot be a stack name, before anything is made from it. */
export function assertStackName(value: string, flag = "--stack"): void {
  if (!STACK_NAME.test(value)) {
    throw new UserError(
      `${flag} ${JSON.stringify(value)} is not a stack name (letters, digits, "_" and "-", starting with a letter); pass the pair's stack as npm run status lists it.`,
    );
  }
}
