import { PhaseFolder } from "../../../lib/phase/phase-folder";
import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { ReviewContext } from "../../../lib/plan-review/review-context";
import { pairStateMissing } from "../../../lib/plan-review/rules/pair-state-missing";
import { context, DR_LINK, pairManifest, PG_RECOVERY, plan } from "../../support/plan-builder";
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

describe("rule pair-state-missing (plans written out)", () => {
  const recovery = { address: "aiven_pg.recovery", actions: ["create"], after: PG_RECOVERY };
  const priorWith = (resources: Array<Record<string, unknown>>) => ({
    prior_state: { format_version: "1.0", values: { root_module: { resources } } },
  });

  it("names the service a create would make twice, and says where the real state is", () => {
    expect(pairStateMissing.evaluate(plan([recovery]), context(RECORDED))).toEqual([
      {
        rule: "pair-state-missing",
        severity: "danger",
        address: "aiven_pg.recovery",
        stack: "pg-primary",
        message:
          "aiven_pg.recovery creates pg-primary-dr, but the phase file records pg-primary (it exists) and the state holds none of its objects",
        why: 'The plan was made against an empty or wrong state, so it shows creates where the apply would collide with the live services. Point the review at the pair\'s real state (the repository variable CRDR_BACKEND, as docs/plan-review.md says under "Plan review in CI") and plan again.',
      },
    ]);
  });

  it("is content when state holds any object of the pair, even only its link", () => {
    const link = {
      address: "aiven_service_integration.disaster_recovery",
      mode: "managed",
      type: "aiven_service_integration",
      values: DR_LINK,
    };
    expect(pairStateMissing.evaluate(plan([recovery], priorWith([link])), context(RECORDED))).toEqual([]);
  });

  it("is not content with state that holds only objects of no pair", () => {
    const scratch = {
      address: "aiven_pg.scratch",
      mode: "managed",
      type: "aiven_pg",
      values: { ...PG_RECOVERY, service_name: "scratch" },
    };
    expect(pairStateMissing.evaluate(plan([recovery], priorWith([scratch])), context(RECORDED))).toHaveLength(1);
  });

  it("does not apply to an import, and leaves a create outside the pairs alone", () => {
    expect(
      pairStateMissing.evaluate(
        plan([{ ...recovery, importing: { id: "crdr-test/pg-primary-dr" } }]),
        context(RECORDED),
      ),
    ).toBe(NOT_APPLICABLE);
    expect(
      pairStateMissing.evaluate(
        plan([
          { address: "aiven_pg.scratch", actions: ["create"], after: { ...PG_RECOVERY, service_name: "scratch" } },
        ]),
        context(RECORDED),
      ),
    ).toEqual([]);
  });
});
