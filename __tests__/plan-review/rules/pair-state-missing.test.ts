import { PhaseFolder } from "../../../lib/phase/phase-folder";
import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { ReviewContext } from "../../../lib/plan-review/review-context";
import { pairStateMissing } from "../../../lib/plan-review/rules/pair-state-missing";
import { context, pairManifest } from "../../support/plan-builder";
import { terraformMadePlan } from "../support/terraform-made-plan";

const RECORDED = {
  phase: "normal" as const,
  operation: "revert" as const,
  runId: "run-1",
  since: "2026-11-01T10:00:00Z",
};

describe("rule pair-state-missing (plans made by terraform)", () => {
  const emptyState = terraformMadePlan("tf-pair-on-empty-state");

  it("calls creating a pair the phase file records, against a state without any of its objects, a danger", () => {
    expect(pairStateMissing.evaluate(emptyState, context(RECORDED, "pg-primary"))).toEqual([
      expect.objectContaining({
        severity: "danger",
        address: "aiven_pg.primary",
        stack: "pg-primary",
        message:
          "aiven_pg.primary creates pg-primary, but the phase file records pg-primary (it exists) and the state holds none of its objects",
      }),
      expect.objectContaining({ severity: "danger", address: "aiven_pg.recovery" }),
    ]);
  });

  it("also when only the base branch's phase file records the pair", () => {
    const ctx = new ReviewContext(
      [pairManifest()],
      PhaseFolder.inMemory({}),
      "pg-primary",
      PhaseFolder.inMemory({ "pg-primary": RECORDED }),
    );
    expect(pairStateMissing.evaluate(emptyState, ctx)).toHaveLength(2);
  });

  it("is compliant for the first creation of a pair no phase file records, and when state holds the pair", () => {
    const ctx = new ReviewContext([pairManifest()], PhaseFolder.inMemory({}), "pg-primary");
    expect(pairStateMissing.evaluate(emptyState, ctx)).toEqual([]);
    const linkCreatedBesidePeers = terraformMadePlan("tf-recreate-link-after-failover");
    expect(pairStateMissing.evaluate(linkCreatedBesidePeers, context(RECORDED, "pg-primary"))).toBe(NOT_APPLICABLE);
    expect(pairStateMissing.evaluate(terraformMadePlan("tf-shadow-service"), context(RECORDED, "pg-primary"))).toEqual(
      [],
    );
  });
});
