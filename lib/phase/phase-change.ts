import { OPERATIONS, PhaseRecord } from "./phase-record";
import { PHASE_TRANSITIONS } from "./phase-transitions";

/** A pair's record as one short phrase: `failed-over (primary forgotten)`, `normal (2 pending imports)`. */
export function describePhase(record: PhaseRecord): string {
  if (record.phase === "failed-over") return `failed-over (primary ${record.primary})`;
  const imports = record.pendingImports?.length ?? 0;
  return imports ? `${record.phase} (${imports} pending import${imports === 1 ? "" : "s"})` : record.phase;
}

/** Whether two records say the same thing; when they were written (since, runId) does not count. */
export function samePhase(a: PhaseRecord, b: PhaseRecord): boolean {
  const what = (r: PhaseRecord) => JSON.stringify({ ...r, since: undefined, runId: undefined, operation: undefined });
  return what(a) === what(b);
}

/**
 * What is wrong with a change of a pair's record from `from` to `to`, as the
 * tooling would never write it: an empty list when an operation could have
 * made it. The tooling writes operation, runId and since on every record,
 * and moves a pair only along PHASE_TRANSITIONS; a record without them, or a
 * move no operation makes, was written by hand.
 */
export function phaseChangeProblems(from: PhaseRecord, to: PhaseRecord): string[] {
  const problems: string[] = [];
  const missing = (["operation", "runId", "since"] as const).filter((k) => to[k] === undefined);
  if (missing.length)
    problems.push(`the new record has no ${missing.join(", ")}, which the tooling writes on every record`);
  const makers = OPERATIONS.filter(
    (op) =>
      PHASE_TRANSITIONS[op].to === to.phase &&
      (from.phase === to.phase || PHASE_TRANSITIONS[op].from.includes(from.phase)),
  );
  if (!makers.length) {
    problems.push(`no operation moves a pair from "${from.phase}" to "${to.phase}"`);
  } else if (to.operation !== undefined && !makers.includes(to.operation)) {
    problems.push(
      `the record says ${to.operation} made it, but ${to.operation} leads to "${PHASE_TRANSITIONS[to.operation].to}"${from.phase === to.phase ? "" : ` and does not start from "${from.phase}"`}`,
    );
  }
  return problems;
}
