import { WORKFLOW_NAME } from "./dispatch";
import { fenced, table } from "./markdown";

/** One step of the drill, as `npm run drill` printed it. */
export interface DrillLine {
  readonly passed: boolean;
  readonly stack: string;
  readonly step: string;
  readonly took: string;
  /** The operation's recovery-time figures, for the steps that run one. */
  readonly figures?: string;
  readonly failures: string[];
}

/** "✔ pg-primary: failover (3s; to trigger 244ms, …)": the step name may hold colons and parentheses, the stack name neither. */
const STEP_LINE = /^([✔✖]) (\S+): (.*?) \(([0-9hms]+)(?:; (.*))?\)$/;
const FAILURE_LINE = /^\s+- (.*)$/;

/** Reads the drill's step lines (and the failures under them) from its output. */
export function readDrillOutput(output: string): DrillLine[] {
  const steps: Array<DrillLine & { failures: string[] }> = [];
  for (const line of output.split("\n")) {
    const step = STEP_LINE.exec(line);
    if (step) {
      steps.push({
        passed: step[1] === "✔",
        stack: step[2],
        step: step[3],
        took: step[4],
        ...(step[5] ? { figures: step[5] } : {}),
        failures: [],
      });
      continue;
    }
    const failure = FAILURE_LINE.exec(line);
    if (failure && steps.length) steps[steps.length - 1].failures.push(failure[1]);
  }
  return steps;
}

/**
 * The job summary of a drill: passed or failed (by its exit code), each step
 * with its duration and recovery-time figures, the failures first, and the
 * drill's whole output folded away.
 */
export function drillSummary(output: string, exitCode: number | undefined): string {
  const steps = readDrillOutput(output);
  const failed = steps.filter((s) => !s.passed);
  const headline =
    exitCode === 0
      ? `## ✅ CRDR drill passed: ${steps.length} step(s)`
      : steps.length
        ? `## 🛑 CRDR drill failed: ${failed.length} of ${steps.length} step(s) failed (exit ${exitCode ?? "none"})`
        : `## 🛑 CRDR drill could not run (exit ${exitCode ?? "none"})`;
  const parts = [headline];
  if (failed.length) {
    parts.push(
      ["**Failed:**", ...failed.flatMap((s) => [`- ${s.stack}: ${s.step}`, ...s.failures.map((f) => `  - ${f}`)])].join(
        "\n",
      ),
    );
  }
  if (steps.length) {
    parts.push(
      table(
        ["", "pair", "step", "took", "recovery-time figures"],
        steps.map((s) => [s.passed ? "✅" : "🛑", s.stack, s.step, s.took, s.figures ?? ""]),
      ),
    );
  }
  parts.push(
    exitCode === 0
      ? "The runbook still works end to end against the simulator; the figures are this drill's recovery times, to compare with earlier drills."
      : `The runbook no longer works as written, or the drill could not run: see the output below, fix it, and run the drill again (dispatch **${WORKFLOW_NAME}** with operation \`drill\`).`,
  );
  parts.push(
    `<details${exitCode === 0 ? "" : " open"}><summary>The drill's output</summary>\n\n${fenced(output)}\n\n</details>`,
  );
  return parts.join("\n\n") + "\n";
}
