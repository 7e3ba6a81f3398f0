import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { planWithoutCrdr } from "../../../lib/plan-review/rules/plan-without-crdr";
import { context, PG_PRIMARY, PG_RECOVERY, plan } from "../../support/plan-builder";
import { planWith } from "../support/plan-with";
import { terraformMadePlan } from "../support/terraform-made-plan";

describe("rule plan-without-crdr (plans made by terraform)", () => {
  it("calls a primary moved to a Hobbyist plan a danger", () => {
    expect(
      planWithoutCrdr.evaluate(terraformMadePlan("tf-primary-to-hobbyist"), context({ phase: "normal" }, "pg-primary")),
    ).toEqual([
      expect.objectContaining({
        severity: "danger",
        address: "aiven_pg.primary",
        stack: "pg-primary",
        message: "primary pg-primary of pg-primary moves to plan hobbyist, which has no cross-region disaster recovery",
        why: expect.stringMatching(/^CRDR needs a Startup plan or higher/),
      }),
    ]);
  });

  it("is compliant for a move between plans that support CRDR, and leaves services outside the pairs alone", () => {
    expect(
      planWithoutCrdr.evaluate(terraformMadePlan("tf-target-primary"), context({ phase: "normal" }, "pg-primary")),
    ).toEqual([]);
    expect(planWithoutCrdr.evaluate(terraformMadePlan("tf-delete-other-services"), context())).toBe(NOT_APPLICABLE);
  });
});

describe("rule plan-without-crdr, in full", () => {
  const WHY =
    "CRDR needs a Startup plan or higher: Aiven refuses the change, or the pair loses its recovery copy and with it the failover. Keep both services on Startup or higher.";

  it("calls a recovery created on a Hobbyist plan a danger, in full", () => {
    const created = plan([
      { address: "aiven_pg.recovery", actions: ["create"], after: { ...PG_RECOVERY, plan: "hobbyist" } },
    ]);
    expect(planWithoutCrdr.evaluate(created, context())).toEqual([
      {
        rule: "plan-without-crdr",
        severity: "danger",
        address: "aiven_pg.recovery",
        stack: "pg-primary",
        message:
          "recovery pg-primary-dr of pg-primary is created on plan hobbyist, which has no cross-region disaster recovery",
        why: WHY,
      },
    ]);
    const replaced = plan([
      {
        address: "aiven_pg.recovery",
        actions: ["delete", "create"],
        before: PG_RECOVERY,
        after: { ...PG_RECOVERY, plan: "free-1" },
      },
    ]);
    expect((planWithoutCrdr.evaluate(replaced, context()) as any[]).map((f) => f.message)).toEqual([
      "recovery pg-primary-dr of pg-primary moves to plan free-1, which has no cross-region disaster recovery",
    ]);
  });

  it("leaves alone a plan that stays as it was, a service of no pair, a deposed object and a deletion", () => {
    const onHobbyist = { ...PG_RECOVERY, plan: "hobbyist" };
    const stays = plan([
      {
        address: "aiven_pg.recovery",
        actions: ["update"],
        before: onHobbyist,
        after: { ...onHobbyist, termination_protection: false },
      },
    ]);
    expect(planWithoutCrdr.evaluate(stays, context())).toEqual([]);
    const analytics = { ...PG_PRIMARY, service_name: "analytics" };
    expect(
      planWithoutCrdr.evaluate(
        plan([
          {
            address: "aiven_pg.analytics",
            actions: ["update"],
            before: analytics,
            after: { ...analytics, plan: "hobbyist" },
          },
        ]),
        context(),
      ),
    ).toEqual([]);
    const deposed = planWith([
      {
        address: "aiven_pg.recovery",
        actions: ["create"],
        after: onHobbyist,
        deposed: "00000001",
      },
    ]);
    expect(planWithoutCrdr.evaluate(deposed, context())).toBe(NOT_APPLICABLE);
    expect(
      planWithoutCrdr.evaluate(
        plan([{ address: "aiven_pg.recovery", actions: ["delete"], before: onHobbyist }]),
        context(),
      ),
    ).toBe(NOT_APPLICABLE);
    const { plan: _p, ...noPlan } = PG_RECOVERY;
    expect(
      planWithoutCrdr.evaluate(
        plan([{ address: "aiven_pg.recovery", actions: ["update"], before: PG_RECOVERY, after: noPlan }]),
        context(),
      ),
    ).toEqual([]);
  });
});

describe("rule plan-without-crdr, other resource types", () => {
  it("does not apply to a service of another type moving to a plan without CRDR", () => {
    const cache = { project: "crdr-test", service_name: "cache", plan: "startup-4" };
    expect(
      planWithoutCrdr.evaluate(
        plan([
          { address: "aiven_redis.cache", actions: ["update"], before: cache, after: { ...cache, plan: "hobbyist" } },
        ]),
        context(),
      ),
    ).toBe(NOT_APPLICABLE);
  });
});
