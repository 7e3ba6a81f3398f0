import * as fs from "fs";
import * as path from "path";
import { OperationName, OPERATIONS } from "../phase/phase-record";
import { settingsForTooling } from "../settings/tool-settings";
import { Dispatch } from "./dispatch";
import { drillSummary } from "./drill-summary";
import { parseOperationEvents } from "./operation-events";
import { foldOperationRun } from "./operation-run";
import { operationSummary } from "./operation-summary";
import { phasePullRequest } from "./phase-pull-request";
import { phaseLocationOf, phasePathsOf } from "./phase-paths";
import { statusSummary, StatusReportInput } from "./status-summary";

/** The files a report leaves in its directory, for the job summary and the pull-request job. */
export const REPORT_FILES = {
  summary: "summary.md",
  pullRequestTitle: "pull-request-title.txt",
  pullRequestBody: "pull-request.md",
  commitMessage: "commit-message.txt",
  /** Where the run may record phases, relative to the project, one a line: what the pull request may commit (see `phasePathsOf`). */
  phasePaths: "phase-paths.txt",
} as const;

export interface RunReportOptions {
  readonly dispatch: Dispatch;
  /** What the command printed: the operation's NDJSON events, status's JSON report, or the drill's output. */
  readonly outputFile?: string;
  /** What it printed on stderr. */
  readonly stderrFile?: string;
  /** Its exit code; undefined when it never ran. */
  readonly exitCode?: number;
  readonly runUrl?: string;
  /** The arguments the command ran with, for the summary. */
  readonly arguments?: string;
  readonly outDir: string;
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
}

const readIfThere = (file: string | undefined): string =>
  file && fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";

function isOperation(operation: Dispatch["operation"]): operation is OperationName {
  return (OPERATIONS as readonly string[]).includes(operation);
}

/**
 * Writes the report of a dispatched run into `outDir`: always the job
 * summary, and for an operation that may have changed something, the
 * phase-file pull request's title, body and commit message, and where the
 * run may have recorded phases. Returns the files written.
 */
export function writeRunReport(options: RunReportOptions): string[] {
  const { dispatch } = options;
  const output = readIfThere(options.outputFile);
  const stderrTail = readIfThere(options.stderrFile).trim() || undefined;
  const files: Partial<Record<keyof typeof REPORT_FILES, string>> = {};

  if (dispatch.operation === "drill") {
    files.summary = drillSummary(output, options.exitCode);
  } else if (dispatch.operation === "status") {
    files.summary = statusSummary({ dispatch, ...readStatusOutput(output), exitCode: options.exitCode, stderrTail });
  } else if (isOperation(dispatch.operation)) {
    const input = {
      dispatch: { ...dispatch, operation: dispatch.operation },
      run: foldOperationRun(parseOperationEvents(output), dispatch),
      exitCode: options.exitCode,
      stderrTail,
      runUrl: options.runUrl,
      arguments: options.arguments,
    };
    files.summary = operationSummary(input);
    if (!dispatch.dryRun) {
      const { phaseDir } = settingsForTooling(options.projectDir, options.env);
      const pr = phasePullRequest({ ...input, phaseFile: phaseLocationOf(dispatch, options.projectDir, phaseDir) });
      files.pullRequestTitle = pr.title + "\n";
      files.pullRequestBody = pr.body;
      files.commitMessage = pr.commitMessage;
      files.phasePaths = phasePathsOf(dispatch, options.projectDir, phaseDir).join("\n") + "\n";
    }
  }

  fs.mkdirSync(options.outDir, { recursive: true });
  return Object.entries(files).map(([key, text]) => {
    const file = path.join(options.outDir, REPORT_FILES[key as keyof typeof REPORT_FILES]);
    fs.writeFileSync(file, text);
    return file;
  });
}

/** What `npm run status -- --json` printed: its report, or the error event of a status that could not run. */
function readStatusOutput(output: string): Pick<StatusReportInput, "report" | "error"> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    return {};
  }
  const document = parsed as { pairs?: unknown; type?: unknown; message?: unknown } | null;
  if (document && Array.isArray(document.pairs)) return { report: document as StatusReportInput["report"] };
  if (document && document.type === "error" && typeof document.message === "string") return { error: document.message };
  return {};
}
