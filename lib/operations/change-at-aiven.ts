import { PairManifest } from "../contract/pair-manifest";
import { EXIT } from "../exit-codes";
import { StateWriteError } from "../terraform/state-write-check";
import { UserError } from "../user-error";
import { AcceptedWithoutEffectError } from "./accepted-without-effect";
import { describeApplied, Journal, JournalWriteError, ROLE_EVENTS } from "./journal";
import { LockHeldError } from "./operation-lock";
import { UnfinishedError } from "./unfinished-error";

/** What failed, in words that follow "Aiven has …, but". */
const UNFINISHED_STEP: ReadonlyMap<string, string> = new Map(
  Object.entries({
    preflight: "this run's checks before going on failed",
    wait: "the wait for Aiven to finish did not complete",
    reconcile: "Terraform state was not updated",
    record: "the phase file was not updated",
    resynth: "cdk.tf.json was not resynthesized",
  }),
);

/**
 * What a run knows Aiven did for its operation, once it has (by this run or
 * an earlier one): from then on a failure is an unfinished operation, and its
 * message leads with that change and how a rerun finishes the rest.
 */
export class ChangeAtAiven {
  private description?: string;

  constructor(
    private readonly dryRun: boolean,
    private readonly journal: Journal,
    private readonly pair: PairManifest,
    private readonly rerunCommand: string,
  ) {}

  /** Records the change in words such as "Aiven has failed pg-primary over to pg-primary-dr". */
  mark(description: string): void {
    if (!this.dryRun) this.description = description;
  }

  /** `err`, raised in `step`, as the engineer should read it. */
  explain(err: unknown, step: string): unknown {
    // An accepted request that changed nothing claims nothing, not even an earlier run's change.
    if (err instanceof UnfinishedError || err instanceof AcceptedWithoutEffectError) return err;
    const lead = this.description ?? this.soFar(err);
    if (!lead) return err;
    const reason = err instanceof Error ? err.message : String(err);
    if (err instanceof UserError && err.exitCode === EXIT.timedOut) {
      return new UserError(`${lead}. ${reason}`, EXIT.timedOut);
    }
    const what = err instanceof StateWriteError ? err.unfinished : UNFINISHED_STEP.get(step);
    return UnfinishedError.leadingWith(lead, what ?? `the "${step}" step failed`, err, this.rerunCommand);
  }

  /**
   * What Aiven did that this run has not marked yet: a change whose journal
   * entry could not be written, or one an earlier run of this operation
   * journaled (a rerun failing its preflight is still a half-done operation).
   */
  private soFar(err: unknown): string | undefined {
    if (this.dryRun) return undefined;
    if (err instanceof JournalWriteError && err.entry.event === ROLE_EVENTS.applied)
      return describeApplied(this.pair, err.entry, "this run");
    const earlier = this.journal.lastApplied();
    return earlier && describeApplied(this.pair, earlier, "an earlier run");
  }
}

/**
 * A failure before the run could open its pair, as the engineer should read
 * it: another run holding the pair is in charge of it; otherwise an earlier
 * run's change at Aiven leads, even before the stack resolves.
 */
export function explainFailureBeforeOpening(
  err: unknown,
  dryRun: boolean,
  earlierRuns: () => Journal,
  operation: string,
  rerunCommand: string,
): unknown {
  const earlier = dryRun || err instanceof LockHeldError ? undefined : earlierRuns().lastApplied();
  return earlier && err instanceof UserError
    ? UnfinishedError.leadingWith(
        describeApplied(undefined, earlier, "an earlier run"),
        `the ${operation} could not resume`,
        err,
        rerunCommand,
      )
    : err;
}
