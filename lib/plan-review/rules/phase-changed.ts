import { describePhase, phaseChangeProblems } from "../../phase/phase-change";
import { NOT_APPLICABLE, PlanRule } from "../plan-rule";

/**
 * The pull request changes a pair's record in the phase file. Every rule that
 * is phase-aware trusts that file, so a hand-edited record can turn a danger
 * (forgetting the production primary) into a pass: a change the tooling would
 * never write (no operation, run or time; a move PHASE_TRANSITIONS does not
 * allow) is a danger; one it would write is shown, so a reviewer sees it.
 */
export const phaseChanged: PlanRule = {
  id: "phase-changed",
  severity: "danger",
  title: "a pair's recorded phase changed by the pull request",
  evaluate(_plan, context) {
    const changed = context.phaseChanges();
    if (!changed.length) return NOT_APPLICABLE;
    return changed.map(({ pair, from, to }) => {
      const problems = phaseChangeProblems(from, to);
      const made = to.operation ? ` by ${to.operation}${to.runId ? ` run ${to.runId}` : ""}` : "";
      return {
        rule: this.id,
        severity: problems.length ? this.severity : "info",
        stack: pair.stack,
        message: `the phase file moves ${pair.stack} from ${describePhase(from)} to ${describePhase(to)}${made}`,
        why: problems.length
          ? `The review judges this plan by that phase, but ${problems.join("; ")}: it was written by hand, and a hand-written phase can make a dangerous plan look expected. Record phases with the DR tooling (npm run failover, revert, switchover, switchback) and merge the pull request it opens.`
          : "Recorded by the DR tooling; this plan is reviewed against the new phase.",
      };
    });
  },
};
