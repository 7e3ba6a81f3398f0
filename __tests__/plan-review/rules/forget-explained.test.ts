import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { forgetExplained } from "../../../lib/plan-review/rules/forget-explained";
import { context, DR_LINK, PG_PRIMARY, plan } from "../../support/plan-builder";

describe("rule forget-explained", () => {
  it("explains the forget of the integration after a failover as expected", () => {
    const p = plan([{ address: "aiven_service_integration.disaster_recovery", actions: ["forget"], before: DR_LINK }]);
    expect(forgetExplained.evaluate(p, context({ phase: "failed-over", primary: "frozen" }))).toEqual([
      expect.objectContaining({ severity: "info", message: "aiven_service_integration.disaster_recovery is forgotten (removed from state, not destroyed)", why: expect.stringMatching(/^Expected after the failover/) }),
    ]);
  });

  it("says when a forget is not what the phase expects", () => {
    const p = plan([{ address: "aiven_pg.primary", actions: ["forget"], before: PG_PRIMARY }]);
    expect((forgetExplained.evaluate(p, context()) as any[])[0].why).toMatch(/Not expected in phase "normal"/);
  });

  it("does not apply without forgets", () => {
    expect(forgetExplained.evaluate(plan([{ address: "aiven_pg.primary", actions: ["no-op"], before: PG_PRIMARY, after: PG_PRIMARY }]), context())).toBe(NOT_APPLICABLE);
  });
});

describe("rule forget-explained, for other providers", () => {
  it("leaves forgets of non-Aiven resources to the counts", () => {
    expect(forgetExplained.evaluate(plan([{ address: "aws_instance.old", actions: ["forget"], before: { ami: "x" } }]), context())).toBe(NOT_APPLICABLE);
  });
});
