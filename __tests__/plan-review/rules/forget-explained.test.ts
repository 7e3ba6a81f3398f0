import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { forgetExplained } from "../../../lib/plan-review/rules/forget-explained";
import { context, DR_LINK, PG_PRIMARY, plan } from "../../support/plan-builder";

describe("rule forget-explained", () => {
  it("explains the forget of the integration after a failover as expected", () => {
    const p = plan([{ address: "aiven_service_integration.disaster_recovery", actions: ["forget"], before: DR_LINK }]);
    expect(forgetExplained.evaluate(p, context({ phase: "failed-over", primary: "frozen" }))).toEqual([
      expect.objectContaining({
        severity: "info",
        message: "aiven_service_integration.disaster_recovery is forgotten (removed from state, not destroyed)",
        why: expect.stringMatching(/^Expected after the failover/),
      }),
    ]);
  });

  it("explains the forget of a primary the phase file records as forgotten", () => {
    const p = plan([{ address: "aiven_pg.primary", actions: ["forget"], before: PG_PRIMARY }]);
    expect(forgetExplained.evaluate(p, context({ phase: "failed-over", primary: "forgotten" }))).toEqual([
      expect.objectContaining({ severity: "info", why: expect.stringMatching(/records the primary as forgotten/) }),
    ]);
  });

  it("leaves a forget the phase does not expect to forget-unexpected, and explains forgets of services outside the pairs", () => {
    const primary = plan([{ address: "aiven_pg.primary", actions: ["forget"], before: PG_PRIMARY }]);
    expect(forgetExplained.evaluate(primary, context())).toEqual([]);
    expect(forgetExplained.evaluate(primary, context({ phase: "failed-over", primary: "frozen" }))).toEqual([]);
    const foreign = plan([
      {
        address: "module.other.aiven_pg.primary",
        actions: ["forget"],
        before: { ...PG_PRIMARY, service_name: "pg-other" },
      },
    ]);
    expect(forgetExplained.evaluate(foreign, context())).toEqual([
      expect.objectContaining({ why: "Terraform stops managing it; the object itself is left as it is." }),
    ]);
  });

  it("does not apply without forgets", () => {
    expect(
      forgetExplained.evaluate(
        plan([{ address: "aiven_pg.primary", actions: ["no-op"], before: PG_PRIMARY, after: PG_PRIMARY }]),
        context(),
      ),
    ).toBe(NOT_APPLICABLE);
  });
});

describe("rule forget-explained, for other providers", () => {
  it("leaves forgets of non-Aiven resources to the counts", () => {
    expect(
      forgetExplained.evaluate(
        plan([{ address: "aws_instance.old", actions: ["forget"], before: { ami: "x" } }]),
        context(),
      ),
    ).toBe(NOT_APPLICABLE);
  });
});

describe("rule forget-explained, in its own words", () => {
  it("says why each expected forget is harmless", () => {
    const p = plan([
      { address: "aiven_service_integration.disaster_recovery", actions: ["forget"], before: DR_LINK },
      { address: "aiven_pg.primary", actions: ["forget"], before: PG_PRIMARY },
    ]);
    expect(forgetExplained.evaluate(p, context({ phase: "failed-over", primary: "forgotten" }))).toEqual([
      {
        rule: "forget-explained",
        severity: "info",
        address: "aiven_service_integration.disaster_recovery",
        stack: "pg-primary",
        message: "aiven_service_integration.disaster_recovery is forgotten (removed from state, not destroyed)",
        why: "Expected after the failover: the DR link is no longer Terraform's to manage; Aiven keeps it for the revert.",
      },
      {
        rule: "forget-explained",
        severity: "info",
        address: "aiven_pg.primary",
        stack: "pg-primary",
        message: "aiven_pg.primary is forgotten (removed from state, not destroyed)",
        why: "Expected after a failover with an unreachable primary: the phase file records the primary as forgotten; the revert imports it back.",
      },
    ]);
  });
});
