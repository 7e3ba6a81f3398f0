import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { forgetUnexpected } from "../../../lib/plan-review/rules/forget-unexpected";
import { context, DR_LINK, PG_PRIMARY, PG_RECOVERY, plan } from "../../support/plan-builder";

const forgetPrimary = plan([{ address: "aiven_pg.primary", actions: ["forget"], before: PG_PRIMARY }]);
const forgetRecovery = plan([{ address: "aiven_pg.recovery", actions: ["forget"], before: PG_RECOVERY }]);
const forgetLink = plan([
  { address: "aiven_service_integration.disaster_recovery", actions: ["forget"], before: DR_LINK },
]);

describe("rule forget-unexpected", () => {
  it("calls forgetting the primary in phase normal a danger: it is the production database", () => {
    expect(forgetUnexpected.evaluate(forgetPrimary, context())).toEqual([
      expect.objectContaining({
        severity: "danger",
        address: "aiven_pg.primary",
        stack: "pg-primary",
        message: 'aiven_pg.primary (the primary of pg-primary) is forgotten, which phase "normal" does not expect',
        why: expect.stringMatching(/^In phase "normal" the primary is the production database/),
      }),
    ]);
  });

  it("warns when the DR link or the recovery service is forgotten in phase normal", () => {
    expect(forgetUnexpected.evaluate(forgetLink, context())).toEqual([
      expect.objectContaining({ severity: "warning", address: "aiven_service_integration.disaster_recovery" }),
    ]);
    expect(forgetUnexpected.evaluate(forgetRecovery, context())).toEqual([
      expect.objectContaining({ severity: "warning", address: "aiven_pg.recovery" }),
    ]);
  });

  it("warns when a primary the phase file records as frozen is forgotten instead", () => {
    expect(forgetUnexpected.evaluate(forgetPrimary, context({ phase: "failed-over", primary: "frozen" }))).toEqual([
      expect.objectContaining({
        severity: "warning",
        why: expect.stringMatching(/records pg-primary's failed primary as frozen .*not forgotten/),
      }),
    ]);
  });

  it("warns when the recovery service, production while failed over, is forgotten", () => {
    expect(forgetUnexpected.evaluate(forgetRecovery, context({ phase: "failed-over", primary: "forgotten" }))).toEqual([
      expect.objectContaining({ severity: "warning" }),
    ]);
  });

  it("is compliant for the forgets the recorded phase lays out: the link after any failover, the primary when recorded forgotten", () => {
    expect(forgetUnexpected.evaluate(forgetLink, context({ phase: "failed-over", primary: "frozen" }))).toEqual([]);
    expect(forgetUnexpected.evaluate(forgetLink, context({ phase: "failed-over", primary: "forgotten" }))).toEqual([]);
    expect(forgetUnexpected.evaluate(forgetPrimary, context({ phase: "failed-over", primary: "forgotten" }))).toEqual(
      [],
    );
  });

  it("leaves forgets of services outside the pairs alone, and does not apply without forgets", () => {
    const foreign = plan([
      {
        address: "module.other.aiven_pg.primary",
        actions: ["forget"],
        before: { ...PG_PRIMARY, service_name: "pg-other" },
      },
    ]);
    expect(forgetUnexpected.evaluate(foreign, context({ phase: "normal" }, "pg-primary"))).toEqual([]);
    expect(
      forgetUnexpected.evaluate(
        plan([{ address: "aiven_pg.primary", actions: ["no-op"], before: PG_PRIMARY, after: PG_PRIMARY }]),
        context(),
      ),
    ).toBe(NOT_APPLICABLE);
  });
});

describe("rule forget-unexpected, in its own words", () => {
  it("says which phase keeps the service and what to do", () => {
    expect(forgetUnexpected.evaluate(forgetRecovery, context({ phase: "switched-over" }))).toEqual([
      {
        rule: "forget-unexpected",
        severity: "warning",
        address: "aiven_pg.recovery",
        stack: "pg-primary",
        message:
          'aiven_pg.recovery (the recovery of pg-primary) is forgotten, which phase "switched-over" does not expect',
        why: `Phase "switched-over" keeps pg-primary's recovery under Terraform; a forget means Terraform no longer plans, protects or checks it. Remove the removed block unless the phase file is what is wrong.`,
      },
    ]);
  });

  it("says how a frozen primary may be forgotten, and why the production primary must not be", () => {
    const [frozen] = forgetUnexpected.evaluate(
      forgetPrimary,
      context({ phase: "failed-over", primary: "frozen" }),
    ) as Array<{
      why: string;
      message: string;
    }>;
    expect(frozen.message).toBe(
      'aiven_pg.primary (the primary of pg-primary) is forgotten, which phase "failed-over" does not expect',
    );
    expect(frozen.why).toBe(
      "The phase file records pg-primary's failed primary as frozen (kept in state, every change ignored), not forgotten: the failover did not find it unreachable. Keep it frozen; forget it only by recording the failover with --primary-unreachable.",
    );
    const [production] = forgetUnexpected.evaluate(forgetPrimary, context()) as Array<{ why: string }>;
    expect(production.why).toBe(
      `In phase "normal" the primary is the production database: forgetting it drops Terraform's hold on it (no more plans, drift checks or termination-protection changes through Terraform), and no failover is recorded that would explain it. Remove the removed block, or record the failover first.`,
    );
  });

  it("keeps the frozen-primary advice for the primary: a DR link frozen while switched over is kept under Terraform", () => {
    expect(forgetUnexpected.evaluate(forgetLink, context({ phase: "switched-over" }))).toEqual([
      expect.objectContaining({
        severity: "warning",
        why: `Phase "switched-over" keeps pg-primary's integration under Terraform; a forget means Terraform no longer plans, protects or checks it. Remove the removed block unless the phase file is what is wrong.`,
      }),
    ]);
  });

  it("does not apply to forgets of resources that are not Aiven's", () => {
    expect(
      forgetUnexpected.evaluate(plan([{ address: "null_resource.x", actions: ["forget"], before: {} }]), context()),
    ).toBe(NOT_APPLICABLE);
  });
});
