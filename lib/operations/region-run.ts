import Bottleneck from "bottleneck/light";
import { randomUUID } from "crypto";
import * as os from "os";
import { ServiceListPeerSource } from "../aiven/peer-source";
import { pollGapMs } from "../aiven/request-budget";
import { formatDuration } from "../duration";
import { EXIT } from "../exit-codes";
import { PairManifest, tierLabel, tierRank } from "../contract/pair-manifest";
import { PhaseFolder } from "../phase/phase-folder";
import { OperationName } from "../phase/phase-record";
import { checkTransition } from "../phase/phase-transitions";
import { PrefixedReporter } from "../reporting/prefixed-reporter";
import { settingsForTooling } from "../settings/tool-settings";
import { readCdktfConfig } from "../settings/cdktf-config";
import { listOrSynthesize } from "../synth/list-or-synthesize";
import { resolveStack, ResolvedStack } from "../synth/resolve-stack";
import { synthesize } from "../synth/synthesize";
import { SynthesizedStack } from "../synth/synthesized-stack";
import { AFTER_ROLE_CHANGE, LimitedTerraform, priorityBeforeRoleChange } from "../terraform/limited-terraform";
import { TerraformCliOptions } from "../terraform/terraform-cli";
import { UserError } from "../user-error";
import { Journal } from "./journal";
import { OperationDeps } from "./operation-inputs";
import { OPERATION_REGISTRY } from "./operation-registry";
import { withSynthLock } from "./operation-lock";
import { UnfinishedError } from "./unfinished-error";
import { inTierOrder, PairTurn, TierOrder } from "./tier-order";

export interface RegionRunOptions {
  /** The cloud region the pairs' primaries are in, for example `google-europe-west1`. */
  readonly region: string;
  /** Only the pairs in this Aiven project. @default - every project */
  readonly project?: string;
  /** How many pairs are in flight at once. @default 100 */
  readonly parallel: number;
  readonly dryRun: boolean;
  readonly yes: boolean;
  /** How often each pair polls (reads are shared through the service list). */
  readonly pollIntervalMs: number;
}

export interface PairOutcome {
  readonly stack: string;
  /** The pair's declared priority tier; absent when it declares none. */
  readonly tier?: number;
  readonly exitCode: number;
  readonly error?: string;
  /** From the run's start until Aiven showed the pair's recovery active; absent when it never did in this run. */
  readonly recoveryMs?: number;
}

/**
 * A region run's exit code: 0 when every pair is done; 2 only when every
 * pair was refused and nothing changed; otherwise the run is partly done (6,
 * or 3 when pairs are still waiting on Aiven), and a rerun finishes it.
 */
export function regionExitCode(outcomes: readonly PairOutcome[]): number {
  const failed = outcomes.filter((o) => o.exitCode !== EXIT.ok);
  if (!failed.length) return EXIT.ok;
  if (failed.length === outcomes.length && failed.every((o) => o.exitCode === EXIT.refused)) return EXIT.refused;
  if (failed.some((o) => o.exitCode === EXIT.unfinished)) return EXIT.unfinished;
  if (failed.some((o) => o.exitCode === EXIT.timedOut)) return EXIT.timedOut;
  return EXIT.unfinished;
}

/**
 * Runs one DR operation on every pair whose primary is in `region` and whose
 * phase allows it (or is the operation's own, to finish an earlier run): a few
 * pairs at a time, after one confirmation, each with every guarantee of a
 * single-pair run (its lock, preflight, one role change, backup, journal). A
 * pair that fails does not stop the others, and a rerun finishes what is left.
 *
 * The work the pairs share is done once: the stacks are resolved (synthesized
 * if stale) once at the start, peers are read through the project's service
 * list, every request draws from one rate-limit budget, terraform processes
 * are limited to what the machine can run, and cdk.tf.json is synthesized
 * once at the end, for every pair.
 */
export async function regionRun(
  operation: OperationName,
  options: RegionRunOptions,
  deps: OperationDeps,
  runPair: (stack: string, deps: OperationDeps) => Promise<unknown>,
): Promise<PairOutcome[]> {
  const { reporter } = deps;
  const runStarted = Date.now();
  const settings = settingsForTooling(deps.projectDir, deps.env);
  reporter.step("select", `pairs whose primary is in ${options.region} that ${operation} can act on`);
  const resolved = new Map<string, ResolvedStack>();
  const resolveAll = () => {
    for (const name of listOrSynthesize(deps.projectDir, deps.env)) {
      resolved.set(
        name,
        resolveStack(deps.projectDir, name, deps.env, settings, {
          strict: !options.dryRun,
          warn: (w) => reporter.warn(w),
        }),
      );
    }
  };
  if (options.dryRun) resolveAll();
  else await withSynthLock(deps.projectDir, resolveAll);
  const phases = PhaseFolder.load(settings.phaseDir);
  const pairs = [...resolved.values()].map((r) => r.stack.pair);
  if (options.project !== undefined && !pairs.some((p) => p.project === options.project)) {
    const projects = [...new Set(pairs.map((p) => p.project))].sort();
    throw new UserError(
      `No pair is in the Aiven project "${options.project}" (projects: ${projects.join(", ") || "none"}); pass one of those to --project.`,
    );
  }
  const inRegion = pairs.filter(
    (p) => p.primary.cloudName === options.region && (options.project === undefined || p.project === options.project),
  );
  if (!inRegion.length) {
    const regions = [
      ...new Set(
        pairs
          .filter((p) => options.project === undefined || p.project === options.project)
          .map((p) => p.primary.cloudName),
      ),
    ].sort();
    throw new UserError(
      `No pair has its primary in "${options.region}" (primary regions: ${regions.join(", ") || "none"}); pass one of those to --region.`,
    );
  }
  const eligible: PairManifest[] = [];
  for (const pair of inRegion) {
    const check = checkTransition(phases.phaseOf(pair.stack), operation);
    if (check.kind === "refused")
      reporter.info(`[${pair.stack}] skipped: ${check.reason}`, { stack: pair.stack, skipped: true });
    else eligible.push(pair);
  }
  // Pairs start in tier order, so no pair waits for one that has not started.
  const ordered = inTierOrder(eligible);
  const selected = ordered.map((p) => p.stack);
  const tierOf = new Map(ordered.map((p) => [p.stack, p.tier]));
  if (!selected.length) {
    reporter.done(`No pair in ${options.region} is in a phase ${operation} acts on; nothing to do.`, { outcomes: [] });
    return [];
  }
  reporter.info(`${selected.length} pair(s), in the order their role changes go out: ${describeTiers(ordered)}`);

  if (!options.dryRun && !options.yes) {
    if (!deps.confirm)
      throw new UserError("No terminal to confirm on; rerun with --yes to go ahead without the prompt.");
    const ok = await deps.confirm(
      `This will run ${operation} on ${selected.length} pair(s) whose primary is in ${options.region}. Type the region to go on: `,
      options.region,
    );
    if (!ok) throw new UserError("Confirmation did not match the region; nothing was changed.");
  }

  const terraformSlots = new Bottleneck({ maxConcurrent: Math.max(2, 2 * os.cpus().length) });
  const shared: OperationDeps = {
    ...deps,
    confirm: undefined,
    // The pairs' reads share one list request at a time, spaced so polling
    // leaves most of the rate-limit budget to the role changes.
    peers: new ServiceListPeerSource(deps.client, Math.max(options.pollIntervalMs, pollGapMs(deps.client.rateLimit))),
    deferSynth: true,
    resolve: (name) => ({ ...resolved.get(name)!, phases: PhaseFolder.load(settings.phaseDir) }),
  };

  const outcomes: PairOutcome[] = [];
  const order = new TierOrder(ordered);
  let next = 0;
  const worker = async () => {
    while (next < selected.length) {
      const stack = selected[next++];
      const tier = tierOf.get(stack);
      let sent = false;
      const inOrder = order.turnFor(stack, tier);
      const turn: PairTurn = { ...inOrder, roleChangesSent: () => ((sent = true), inOrder.roleChangesSent()) };
      // A pair's terraform commands before its role change go ahead of other
      // pairs' commands after theirs: the role changes that fit in the rate
      // limit's first window leave sooner, so the window's places come back
      // sooner for the rest, and the reconciling fills the wait for them.
      let commandsRun = 0;
      const terraform = (o: TerraformCliOptions) =>
        new LimitedTerraform(deps.terraform(o), terraformSlots, () =>
          sent ? AFTER_ROLE_CHANGE : priorityBeforeRoleChange(commandsRun++),
        );
      let recoveryMs: number | undefined;
      const onRecovered = () => (recoveryMs ??= Date.now() - runStarted);
      const known = { stack, ...(tier !== undefined ? { tier } : {}) };
      try {
        await runPair(stack, {
          ...shared,
          turn,
          terraform,
          onRecovered,
          reporter: new PrefixedReporter(reporter, stack),
        });
        outcomes.push({ ...known, exitCode: EXIT.ok, ...(recoveryMs !== undefined ? { recoveryMs } : {}) });
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        reporter.warn(`[${stack}] ${err.message}`, { stack });
        outcomes.push({
          ...known,
          exitCode: err.exitCode,
          error: err.message,
          ...(recoveryMs !== undefined ? { recoveryMs } : {}),
        });
      } finally {
        // A pair that stopped early sends nothing more: later tiers need not wait for it.
        turn.roleChangesSent();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel, selected.length)) }, worker));
  outcomes.sort((a, b) => a.stack.localeCompare(b.stack));

  if (!options.dryRun) {
    await synthesizeOnce(deps, settings.phaseDir, selected, outcomes);
    // Only now, with cdk.tf.json matching every record, are the pairs done.
    const runId = randomUUID();
    for (const o of outcomes.filter((o) => o.exitCode === EXIT.ok))
      new Journal(deps.projectDir, o.stack, operation, runId).append("completed", { by: "region run" });
  }

  const failed = outcomes.filter((o) => o.exitCode !== EXIT.ok);
  reporter.done(
    [
      `${outcomes.length - failed.length} of ${outcomes.length} pair(s) ${OPERATION_REGISTRY[operation].doneVerb} ${options.region}.`,
      ...failed.map((o) => `${o.stack}: not finished (${o.error?.split("\n")[0]})`),
      ...(options.dryRun ? [] : recoveryTimes(outcomes)),
      failed.length
        ? `Rerun the same command to finish them; pairs already done are not sent a role change again.`
        : options.dryRun
          ? "Dry run: nothing was changed."
          : "Commit the phase file and open a pull request.",
    ].join("\n  "),
    { outcomes },
  );
  return outcomes;
}

/**
 * One synth for the whole run, then every stack checked against its phase
 * record. Pairs that did not finish may have recorded nothing; their stacks
 * are whatever their phase says.
 */
async function synthesizeOnce(
  deps: OperationDeps,
  phaseDir: string,
  selected: string[],
  outcomes: PairOutcome[],
): Promise<void> {
  deps.reporter.step("synth", `cdk.tf.json for every pair, once`);
  const started = Date.now();
  try {
    await withSynthLock(deps.projectDir, () => synthesize(deps.projectDir, deps.env));
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    const done = outcomes.filter((o) => o.exitCode === EXIT.ok).map((o) => o.stack);
    throw new UnfinishedError(
      `${done.length} pair(s) changed at Aiven and recorded in the phase file (${done.join(", ")}), but resynthesizing failed, so their cdk.tf.json is stale: ${err.message}\nFix that and run npm run synth (or rerun the same command) before any plan.`,
      err,
    );
  }
  const { outdir } = readCdktfConfig(deps.projectDir);
  const phases = PhaseFolder.load(phaseDir);
  for (const stack of SynthesizedStack.loadEach(outdir, selected)) stack.verifyAgainst(phases.phaseOf(stack.name));
  deps.reporter.info(`synthesized ${selected.length} pair(s) in ${Date.now() - started} ms`);
}

/** "tier 1: a, b; no tier: c". */
function describeTiers(ordered: readonly PairManifest[]): string {
  const groups = new Map<number | undefined, string[]>();
  for (const pair of ordered) groups.set(pair.tier, [...(groups.get(pair.tier) ?? []), pair.stack]);
  return [...groups].map(([tier, stacks]) => `${tierLabel(tier)}: ${stacks.join(", ")}`).join("; ");
}

/**
 * Each pair's recovery time (from the run's start until Aiven showed its
 * recovery active), one line per tier: what a team reads its RTO from.
 */
function recoveryTimes(outcomes: readonly PairOutcome[]): string[] {
  const tiers = [...new Set(outcomes.map((o) => o.tier))].sort(
    (a, b) => tierRank({ tier: a }) - tierRank({ tier: b }) || 0,
  );
  return tiers.map((tier) => {
    const inTier = outcomes.filter((o) => o.tier === tier);
    const times = inTier.filter((o) => o.recoveryMs !== undefined).map((o) => o.recoveryMs!);
    const last = times.length === inTier.length && times.length ? `, all by ${formatDuration(Math.max(...times))}` : "";
    const each = inTier.map(
      (o) => `${o.stack} ${o.recoveryMs !== undefined ? formatDuration(o.recoveryMs) : "not recovered"}`,
    );
    return `recovery time, ${tierLabel(tier)}${last}: ${each.join(", ")}`;
  });
}
