import { listOrSynthesize } from "../synth/list-or-synthesize";
import { UserError } from "../user-error";
import { failover, FailoverOptions } from "./failover";
import { EXIT } from "../exit-codes";
import { OperationDeps } from "./operation-context";
import { PrefixedReporter } from "../reporting/prefixed-reporter";
import { resolveStack } from "../synth/resolve-stack";
import { settingsForTooling } from "../settings/tool-settings";

export interface RegionFailoverOptions extends Omit<FailoverOptions, "stack"> {
  /** The cloud region that is down, for example `google-europe-west1`. */
  readonly region: string;
  /** How many pairs fail over at once. @default 4 */
  readonly parallel: number;
}

export interface PairOutcome {
  readonly stack: string;
  readonly exitCode: number;
  readonly error?: string;
}

/**
 * Fails over every pair whose primary lives in `region`, a few at a time. One
 * confirmation covers them all; a pair that fails does not stop the others,
 * and a rerun finishes whatever is left.
 */
export async function regionFailover(options: RegionFailoverOptions, deps: OperationDeps): Promise<PairOutcome[]> {
  const { reporter } = deps;
  const files = settingsForTooling(deps.projectDir, deps.env);
  reporter.step("select", `pairs whose primary is in ${options.region}`);
  const names = listOrSynthesize(deps.projectDir, deps.env);
  // Synthesize once, before fanning out, so the pairs never synthesize at the same time.
  const pairs = names.map((name) => resolveStack(deps.projectDir, name, deps.env, files, { strict: !options.dryRun, warn: (w) => reporter.warn(w) }).stack.pair);
  const selected = pairs.filter((p) => p.primary.cloudName === options.region).map((p) => p.stack);
  if (!selected.length) {
    const regions = [...new Set(pairs.map((p) => p.primary.cloudName))].sort();
    throw new UserError(`No pair has its primary in "${options.region}" (primary regions: ${regions.join(", ") || "none"}); pass one of those to --region.`);
  }
  reporter.info(`${selected.length} pair(s): ${selected.join(", ")}`);

  if (!options.dryRun && !options.yes) {
    if (!deps.confirm) throw new UserError("No terminal to confirm on; rerun with --yes to go ahead without the prompt.");
    const ok = await deps.confirm(`This will fail over ${selected.length} pair(s) away from ${options.region}. Type the region to go on: `, options.region);
    if (!ok) throw new UserError("Confirmation did not match the region; nothing was changed.");
  }

  const outcomes: PairOutcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < selected.length) {
      const stack = selected[next++];
      try {
        await failover({ ...options, stack, yes: true }, { ...deps, reporter: new PrefixedReporter(reporter, stack) });
        outcomes.push({ stack, exitCode: EXIT.ok });
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        reporter.warn(`[${stack}] ${err.message}`, { stack });
        outcomes.push({ stack, exitCode: err.exitCode, error: err.message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel, selected.length)) }, worker));
  outcomes.sort((a, b) => a.stack.localeCompare(b.stack));

  const failed = outcomes.filter((o) => o.exitCode !== EXIT.ok);
  reporter.done(
    [
      `${outcomes.length - failed.length} of ${outcomes.length} pair(s) failed over away from ${options.region}.`,
      ...failed.map((o) => `${o.stack}: not finished (${o.error?.split("\n")[0]})`),
      failed.length ? "Rerun the same command to finish them; pairs already done are not triggered again." : "Commit the phase file and open a pull request.",
    ].join("\n  "),
    { outcomes },
  );
  return outcomes;
}
