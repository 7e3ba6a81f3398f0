import { secretRedactor } from "../reporting/secret-redactor";
import { Journal } from "./journal";
import { UnfinishedError } from "./unfinished-error";

/** The journal event that keeps the stack trace of a bug that stopped a run after its change at Aiven. */
export const FAILURE_TRACE_EVENT = "failure-trace";

/**
 * After a change at Aiven the engineer needs what happened and how to finish,
 * not a stack trace; the trace of a bug goes to the journal instead, for a bug
 * report (redacted like the output). A journal that cannot be written keeps
 * nothing, and the error then names no file. Returns `err`.
 */
export function keepFailureTrace(err: unknown, journal: Journal, env: NodeJS.ProcessEnv): unknown {
  const bug = err instanceof UnfinishedError ? err.bug : undefined;
  if (!bug) return err;
  try {
    journal.append(FAILURE_TRACE_EVENT, { trace: secretRedactor(env)(String(bug.stack ?? bug)) });
  } catch {
    return err;
  }
  (err as UnfinishedError).traceKeptIn = journal.relativeFile;
  return err;
}
