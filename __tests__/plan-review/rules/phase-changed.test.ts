import { PhaseFolder } from "../../../lib/phase/phase-folder";
import { PhaseRecord } from "../../../lib/phase/phase-record";
import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { ReviewContext } from "../../../lib/plan-review/review-context";
import { phaseChanged } from "../../../lib/plan-review/rules/phase-changed";
import { pairManifest } from "../../support/plan-builder";
import { terraformMadePlan } from "../support/terraform-made-plan";

/** The review of the plan of stack pg-primary with the pull request's record `head` and the base branch's `base` (absent: no record). */
const contextWith = (head: PhaseRecord | undefined, base: PhaseRecord | undefined) =>
  new ReviewContext(
    [pairManifest()],
    PhaseFolder.inMemory(head ? { "pg-primary": head } : {}),
    "pg-primary",
    PhaseFolder.inMemory(base ? { "pg-primary": base } : {}),
  );
const BY_TOOLING = { runId: "failover-20261101-1", since: "2026-11-01T10:00:00Z" };

describe("rule phase-changed (with the plan terraform made for removed blocks forgetting the primary and the link)", () => {
  const plan = terraformMadePlan("tf-forget-primary-and-link");

  it("calls a failed-over record written by hand (no operation, run or time) a danger", () => {
    expect(phaseChanged.evaluate(plan, contextWith({ phase: "failed-over", primary: "forgotten" }, undefined))).toEqual(
      [
        {
          rule: "phase-changed",
          severity: "danger",
          stack: "pg-primary",
          message: "the phase file moves pg-primary from normal to failed-over (primary forgotten)",
          why: expect.stringMatching(
            /^The review judges this plan by that phase, but the new record has no operation, runId, since, which the tooling writes on every record: it was written by hand/,
          ),
        },
      ],
    );
  });

  it("calls a move PHASE_TRANSITIONS does not allow a danger, and a record naming the wrong operation", () => {
    const fromFailedOverToSwitched = phaseChanged.evaluate(
      plan,
      contextWith(
        { phase: "switched-over", operation: "switchover", ...BY_TOOLING },
        { phase: "failed-over", primary: "frozen", operation: "failover", ...BY_TOOLING },
      ),
    );
    expect(fromFailedOverToSwitched).toEqual([
      expect.objectContaining({
        severity: "danger",
        why: expect.stringContaining('no operation moves a pair from "failed-over" to "switched-over"'),
      }),
    ]);
    const wrongOperation = phaseChanged.evaluate(
      plan,
      contextWith({ phase: "failed-over", primary: "forgotten", operation: "switchover", ...BY_TOOLING }, undefined),
    );
    expect(wrongOperation).toEqual([
      expect.objectContaining({
        severity: "danger",
        why: expect.stringContaining('the record says switchover made it, but switchover leads to "switched-over"'),
      }),
    ]);
  });

  it("shows a change the tooling writes as info, and a record that only was rewritten (new run, same phase) not at all", () => {
    expect(
      phaseChanged.evaluate(
        plan,
        contextWith(
          { phase: "failed-over", primary: "forgotten", operation: "failover", ...BY_TOOLING },
          { phase: "normal" },
        ),
      ),
    ).toEqual([
      expect.objectContaining({
        severity: "info",
        message:
          "the phase file moves pg-primary from normal to failed-over (primary forgotten) by failover run failover-20261101-1",
      }),
    ]);
    const same = { phase: "failed-over" as const, primary: "frozen" as const, operation: "failover" as const };
    expect(
      phaseChanged.evaluate(
        plan,
        contextWith({ ...same, ...BY_TOOLING }, { ...same, runId: "older", since: "2026-10-01T10:00:00Z" }),
      ),
    ).toBe(NOT_APPLICABLE);
  });

  it("does not apply without a base phase file to compare with", () => {
    const ctx = new ReviewContext(
      [pairManifest()],
      PhaseFolder.inMemory({ "pg-primary": { phase: "failed-over", primary: "forgotten" } }),
      "pg-primary",
    );
    expect(phaseChanged.evaluate(plan, ctx)).toBe(NOT_APPLICABLE);
  });
});

describe("rule phase-changed, in its own words", () => {
  const plan = terraformMadePlan("tf-forget-primary-and-link");

  it("lists every problem of a hand-written record", () => {
    const [finding] = phaseChanged.evaluate(
      plan,
      contextWith({ phase: "switched-over" }, { phase: "failed-over", primary: "frozen" }),
    ) as Array<{ why: string }>;
    expect(finding.why).toMatch(
      /^The review judges this plan by that phase, but the new record has no operation, runId, since, which the tooling writes on every record; no operation moves a pair from "failed-over" to "switched-over": it was written by hand/,
    );
  });

  it("names the operation without a run when the record has none, and says the tooling recorded it", () => {
    expect(
      phaseChanged.evaluate(
        plan,
        contextWith({ phase: "switched-over", operation: "switchover", since: BY_TOOLING.since }, { phase: "normal" }),
      ),
    ).toEqual([
      {
        rule: "phase-changed",
        severity: "danger",
        stack: "pg-primary",
        message: "the phase file moves pg-primary from normal to switched-over by switchover",
        why: "The review judges this plan by that phase, but the new record has no runId, which the tooling writes on every record: it was written by hand, and a hand-written phase can make a dangerous plan look expected. Record phases with the DR tooling (npm run failover, revert, switchover, switchback) and merge the pull request it opens.",
      },
    ]);
    expect(
      phaseChanged.evaluate(
        plan,
        contextWith({ phase: "switched-over", operation: "switchover", ...BY_TOOLING }, { phase: "normal" }),
      ),
    ).toEqual([
      expect.objectContaining({
        severity: "info",
        why: "Recorded by the DR tooling; this plan is reviewed against the new phase.",
      }),
    ]);
  });
});
