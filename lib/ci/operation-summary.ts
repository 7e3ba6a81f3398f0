import { formatDuration } from "../duration";
import { formatTimeline } from "../operations/timeline";
import { PEER_SIDES, tierRank } from "../contract/pair-manifest";
import { OperationName } from "../phase/phase-record";
import { describeRun, Dispatch } from "./dispatch";
import { blockquote, fenced, table, utcTime } from "./markdown";
import { mermaidGantt } from "./mermaid-gantt";
import { nextStep } from "./next-step";
import { stepLabel } from "./step-labels";
import { PeerSighting } from "./operation-events";
import { OperationRun, PairRun } from "./operation-run";
import { OUTCOME_WORDING, outcomeOf, RunOutcome } from "./run-outcome";

export interface OperationReportInput {
  readonly dispatch: Dispatch & { readonly operation: OperationName };
  readonly run: OperationRun;
  /** The operation's exit code; undefined when it never ran. */
  readonly exitCode?: number;
  /** The end of what the operation wrote on stderr (a bug's stack trace). */
  readonly stderrTail?: string;
  readonly runUrl?: string;
  /** The arguments the operation ran with, as the workflow passed them; rebuilt from the dispatch when absent. */
  readonly arguments?: string;
}

/** How long the error output shown for a bug may be. */
const STDERR_LINES = 40;

function sightingText(s: PeerSighting | undefined): string {
  if (!s) return "not read";
  return s.reachable ? `${s.state ?? "?"}/${s.role ?? "no DR role"}` : `unreachable${s.error ? ` (${s.error})` : ""}`;
}

/** The headline: "✅ failover of stack `pg-primary`: done". */
export function operationHeadline(input: OperationReportInput): string {
  const outcome = OUTCOME_WORDING[outcomeOf(input.exitCode, input.dispatch.dryRun)];
  return `${outcome.icon} ${describeRun(input.dispatch)}: ${outcome.headline}`;
}

/**
 * The job summary of a DR operation run: the result, each pair's roles
 * before and after (or, when it did not finish, where each peer stands), its
 * steps with their durations, the recovery-time figures, a Mermaid gantt of
 * the timeline, and the next step (for a failed run: how to resume).
 */
export function operationSummary(input: OperationReportInput): string {
  const { dispatch, run } = input;
  const outcome = outcomeOf(input.exitCode, dispatch.dryRun);
  const parts: string[] = [`## ${operationHeadline(input)}`];
  if (run.error) parts.push(blockquote(run.error.message));
  // When it did not finish, what to do comes first; after a finished run, last.
  const finished = outcome === "done" || outcome === "dry-run";
  if (!finished) parts.push(nextStepSection(input, outcome));

  parts.push(
    table(
      ["run", "command", "started", "took"],
      [
        [
          input.runUrl ? `[workflow run](${input.runUrl})` : "this run",
          `\`npm run ${dispatch.operation} -- ${input.arguments !== undefined ? `${input.arguments} --yes --json`.trim() : commandArguments(dispatch)}\``,
          run.startedAt ? utcTime(run.startedAt) : "-",
          run.startedAt && run.endedAt ? formatDuration(Date.parse(run.endedAt) - Date.parse(run.startedAt)) : "-",
        ],
      ],
    ),
  );

  const multiPair = !dispatch.stack;
  if (multiPair && run.pairs.some((p) => p.recoveryMs !== undefined || p.tier !== undefined))
    parts.push(recoveryTimeSection(run.pairs));
  for (const pair of run.pairs) parts.push(pairSection(pair, outcome, dispatch, multiPair));

  const sections = run.pairs
    .filter((p) => p.steps.length)
    .map((p) => ({
      name: p.stack,
      steps: p.steps,
      failedStep: pairFailed(p, outcome, multiPair) ? p.steps.length - 1 : undefined,
    }));
  if (sections.length) {
    parts.push(
      `### Timeline\n\n${mermaidGantt(`${dispatch.operation} of ${dispatch.stack ?? dispatch.region ?? "every pair"}`, sections)}`,
    );
  }

  if (finished) parts.push(nextStepSection(input, outcome));
  if (run.strayLines.length) {
    parts.push(
      `<details><summary>${run.strayLines.length} line(s) of output were not events</summary>\n\n${fenced(run.strayLines.join("\n"))}\n\n</details>`,
    );
  }
  if (input.stderrTail && (outcome === "bug" || outcome === "not-run")) {
    parts.push(`### Error output\n\n${fenced(input.stderrTail.split("\n").slice(-STDERR_LINES).join("\n"))}`);
  }
  return parts.join("\n\n") + "\n";
}

/** How many pairs the short summary lists before it counts the rest. */
const SHORT_SUMMARY_PAIRS = 200;

/**
 * The summary without each pair's roles, steps and timeline: the result,
 * one line per pair, and the next step. For places with a size limit (a
 * pull request's body); the full summary stays in the job summary.
 */
export function shortOperationSummary(input: OperationReportInput): string {
  const { dispatch, run } = input;
  const outcome = outcomeOf(input.exitCode, dispatch.dryRun);
  const parts: string[] = [`## ${operationHeadline(input)}`];
  if (run.error) parts.push(blockquote(run.error.message));
  const listed = run.pairs
    .slice(0, SHORT_SUMMARY_PAIRS)
    .map((p) => `- ${p.stack}: ${pairResult(p, outcome, dispatch)}`);
  const more = run.pairs.length - listed.length;
  parts.push([...listed, ...(more > 0 ? [`- … and ${more} more pair(s)`] : [])].join("\n"));
  parts.push(
    `Each pair's roles, steps and timeline are in the ${input.runUrl ? `[workflow run](${input.runUrl})` : "workflow run"}'s summary.`,
  );
  parts.push(nextStepSection(input, outcome));
  return parts.join("\n\n") + "\n";
}

/** The operation's arguments, rebuilt from the dispatch. */
export function commandArguments(dispatch: Dispatch): string {
  return [
    dispatch.stack ? `--stack ${dispatch.stack}` : "",
    dispatch.region ? `--region ${dispatch.region}` : "",
    dispatch.project ? `--project ${dispatch.project}` : "",
    dispatch.primaryUnreachable ? "--primary-unreachable" : "",
    dispatch.stateOnly ? "--state-only" : "",
    dispatch.acceptDataLoss ? "--accept-data-loss" : "",
    dispatch.dryRun ? "--dry-run" : "",
    "--yes --json",
  ]
    .filter(Boolean)
    .join(" ");
}

/** Whether this pair did not finish: a region run says per pair, a one-pair run by its exit code. */
function pairFailed(pair: PairRun, outcome: RunOutcome, multiPair: boolean): boolean {
  if (multiPair && pair.exitCode !== undefined) return pair.exitCode !== 0;
  if (multiPair && pair.timeline) return false;
  return outcome !== "done" && outcome !== "dry-run";
}

/** One pair's result in a run over many: "✅ done", or what stopped it. */
function pairResult(pair: PairRun, outcome: RunOutcome, dispatch: Dispatch): string {
  const own =
    pair.exitCode !== undefined
      ? outcomeOf(pair.exitCode, dispatch.dryRun)
      : pairFailed(pair, outcome, true)
        ? outcome
        : outcomeOf(0, dispatch.dryRun);
  return `${OUTCOME_WORDING[own].icon} ${OUTCOME_WORDING[own].headline}${pair.error ? `: ${pair.error.split("\n")[0]}` : ""}`;
}

function pairSection(pair: PairRun, outcome: RunOutcome, dispatch: Dispatch, multiPair: boolean): string {
  const failed = pairFailed(pair, outcome, multiPair);
  const lines: string[] = [`### ${pair.stack}`];
  if (multiPair) lines.push(pairResult(pair, outcome, dispatch));

  const afterHeader = failed
    ? `where it stands${pair.lastSeenAt ? ` (read ${utcTime(pair.lastSeenAt)})` : ""}`
    : "after";
  const after = (side: "primary" | "recovery") =>
    dispatch.dryRun && !failed ? "unchanged (dry run)" : sightingText(pair.last[side]);
  lines.push(
    table(
      ["peer", "service", "before", afterHeader],
      PEER_SIDES.map((side) => [side, pair.services[side] ?? "-", sightingText(pair.before[side]), after(side)]),
    ),
  );

  if (pair.steps.length) {
    const start = pair.steps[0].startedAt;
    lines.push(
      table(
        ["step", "what it did", "at", "took"],
        pair.steps.map((s, i) => [
          failed && i === pair.steps.length - 1 ? `**${s.name}** (stopped here)` : s.name,
          s.detail || stepLabel(s.name),
          `+${formatDuration(s.startedAt - start)}`,
          formatDuration(s.durationMs),
        ]),
      ),
    );
  }
  if (pair.timeline && !dispatch.dryRun) lines.push(`**Recovery-time figures:** ${formatTimeline(pair.timeline)}`);
  if (pair.replication) lines.push(`**Standby before the change:** ${pair.replication}`);
  if (pair.warnings.length) lines.push(pair.warnings.map((w) => `- ⚠️ ${w.split("\n")[0]}`).join("\n"));
  return lines.join("\n\n");
}

/**
 * A region run's recovery time per pair, tier by tier (from the run's start
 * until Aiven showed the pair's recovery active): the RTO a team reads.
 */
function recoveryTimeSection(pairs: readonly PairRun[]): string {
  const byTier = [...pairs].sort((a, b) => tierRank(a) - tierRank(b) || 0);
  return `### Recovery time

From the run's start until Aiven showed each pair's recovery active, tier 1 first.

${table(
  ["tier", "pair", "recovered after"],
  byTier.map((p) => [
    p.tier === undefined ? "-" : String(p.tier),
    p.stack,
    p.recoveryMs !== undefined ? formatDuration(p.recoveryMs) : "not recovered",
  ]),
)}`;
}

function nextStepSection(input: OperationReportInput, outcome: RunOutcome): string {
  const { dispatch, run } = input;
  const lines = ["### Next step", ""];
  if (outcome === "done") {
    lines.push(...nextStep(dispatch.operation, dispatch).map((s) => `- ${s}`));
  } else {
    lines.push(OUTCOME_WORDING[outcome].nextStep(dispatch));
  }
  if (run.summary) lines.push("", "The tool's own summary:", "", fenced(run.summary));
  return lines.join("\n");
}
