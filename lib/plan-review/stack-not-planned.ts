import { ReviewResult, NO_CHANGES } from "./review";

/** The rule id of the finding for a declared stack that produced no plan. */
export const PLAN_FAILED = "plan-failed";

/** Lines of terraform's output a finding keeps: the error is at the end. */
const TAIL_LINES = 40;

const WHY =
  "A stack that cannot be planned cannot be reviewed: what this change does to it, including anything dangerous to its DR pair, is unknown. Fix the error and plan again; this is never a pass.";

/** Terminal colour and cursor codes, and any other control character but newline and tab. */
export function withoutTerminalCodes(text: string): string {
  return text
    .replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g, "")
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, "")
    .replace(/\x1b[@-_]/g, "")
    .replace(/\r\n?/g, "\n")
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "");
}

/**
 * The review of a declared stack whose plan failed: a danger that carries the
 * tail of terraform's output. `log` is what the plan loop recorded: a first
 * line saying which command failed, then that command's output.
 */
export function stackPlanFailed(stack: string, log: string): ReviewResult {
  const lines = withoutTerminalCodes(log).replace(/\s+$/, "").split("\n");
  const [first, ...rest] = lines;
  const tail = rest.slice(-TAIL_LINES).join("\n").replace(/^\n+/, "");
  return stackResult(
    stack,
    `the plan of stack ${stack} failed: ${first?.trim() || "terraform failed"}`,
    tail || undefined,
  );
}

/** The review of a declared stack that left neither a plan nor a failure record. */
export function stackPlanMissing(stack: string): ReviewResult {
  return stackResult(
    stack,
    `no plan was made for stack ${stack}: the plan loop left neither a plan nor an error for it`,
  );
}

/** The review of a stack whose plan file could not be read as a plan. */
export function stackPlanUnreadable(stack: string, problem: string): ReviewResult {
  return stackResult(stack, `the plan of stack ${stack} could not be read`, problem);
}

function stackResult(stack: string, message: string, detail?: string): ReviewResult {
  return {
    verdict: "danger",
    counts: NO_CHANGES,
    findings: [
      {
        rule: PLAN_FAILED,
        severity: "danger",
        plan: stack,
        message,
        why: WHY,
        ...(detail !== undefined ? { detail } : {}),
      },
    ],
    stacks: [stack],
    changes: [],
  };
}
