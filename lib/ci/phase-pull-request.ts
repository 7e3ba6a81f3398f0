import { describeRun, describeTarget, WORKFLOW_NAME } from "./dispatch";
import { OperationReportInput, operationHeadline, operationSummary, shortOperationSummary } from "./operation-summary";

/** Marks the pull requests this workflow opens. */
export const PULL_REQUEST_MARKER = "<!-- crdr-dr-operation -->";

/** GitHub refuses a pull-request body longer than this. */
export const PULL_REQUEST_BODY_LIMIT = 65_536;

export interface PhasePullRequest {
  readonly title: string;
  readonly body: string;
  readonly commitMessage: string;
}

/**
 * The pull request that commits the phase file an operation wrote: its
 * title, a body that holds the run's summary and the next step, and a commit
 * message that holds the tool's own summary in plain text.
 */
export function phasePullRequest(input: OperationReportInput & { readonly phaseFile: string }): PhasePullRequest {
  const { dispatch, run } = input;
  const title = `DR ${dispatch.operation} of ${describeTarget(dispatch).replace(/`/g, "")}: record the phase`;
  const withSummary = (summary: string) =>
    [
      PULL_REQUEST_MARKER,
      `The **${WORKFLOW_NAME}** workflow ran the ${describeRun(dispatch)}${input.runUrl ? ` ([workflow run](${input.runUrl}))` : ""} and recorded the new DR phase in \`${input.phaseFile}\`. ` +
        `This pull request commits ${input.phaseFile.endsWith("/") ? "the phase files the run changed" : "that file"} and nothing else, so the next plan matches what Aiven now shows.`,
      "",
      summary.replace(/^## /, "### ").replace(/\n### /g, "\n#### "),
    ].join("\n");
  const full = withSummary(operationSummary(input));
  // A region run over many pairs can outgrow the limit: one line per pair then.
  const body = full.length <= PULL_REQUEST_BODY_LIMIT ? full : withSummary(shortOperationSummary(input));
  const commitMessage = [
    title,
    "",
    `${operationHeadline(input).replace(/^\S+ /, "")}.`,
    ...(run.error ? ["", run.error.message] : []),
    ...(run.summary ? ["", run.summary] : []),
    ...(input.runUrl ? ["", `Run: ${input.runUrl}`] : []),
  ].join("\n");
  return { title, body, commitMessage: commitMessage.replace(/`/g, "") + "\n" };
}
