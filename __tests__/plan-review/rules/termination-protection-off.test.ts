import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { terminationProtectionOff } from "../../../lib/plan-review/rules/termination-protection-off";
import { context, PG_PRIMARY, plan } from "../../support/plan-builder";

describe("rule termination-protection-off", () => {
  it("warns when termination protection is turned off", () => {
    const p = plan([
      {
        address: "aiven_pg.primary",
        actions: ["update"],
        before: PG_PRIMARY,
        after: { ...PG_PRIMARY, termination_protection: false },
      },
    ]);
    expect(terminationProtectionOff.evaluate(p, context())).toEqual([
      expect.objectContaining({ severity: "warning", message: "aiven_pg.primary turns off termination_protection" }),
    ]);
  });

  it("warns when a service is created without it", () => {
    const p = plan([
      { address: "aiven_pg.primary", actions: ["create"], after: { ...PG_PRIMARY, termination_protection: false } },
    ]);
    expect(terminationProtectionOff.evaluate(p, context())).toHaveLength(1);
  });

  it("is compliant when it stays on, and ignores a value marked sensitive", () => {
    const on = plan([
      {
        address: "aiven_pg.primary",
        actions: ["update"],
        before: PG_PRIMARY,
        after: { ...PG_PRIMARY, plan: "startup-8" },
      },
    ]);
    expect(terminationProtectionOff.evaluate(on, context())).toEqual([]);
    const hidden = plan([
      {
        address: "aiven_pg.primary",
        actions: ["update"],
        before: PG_PRIMARY,
        after: { ...PG_PRIMARY, termination_protection: false },
        after_sensitive: { termination_protection: true },
      },
    ]);
    expect(terminationProtectionOff.evaluate(hidden, context())).toEqual([]);
    expect(terminationProtectionOff.evaluate(plan([]), context())).toBe(NOT_APPLICABLE);
  });
});

describe("rule termination-protection-off, outside the declared pairs", () => {
  it("does not flag a new aiven_pg that belongs to no pair", () => {
    const p = plan([
      {
        address: "aiven_pg.scratch",
        actions: ["create"],
        after: { ...PG_PRIMARY, service_name: "scratch", termination_protection: false },
      },
    ]);
    expect(terminationProtectionOff.evaluate(p, context())).toEqual([]);
  });
});

describe("rule termination-protection-off, in its own words", () => {
  const WHY =
    "Without termination protection a later plan that deletes or replaces the service goes through, and the data with it.";

  it("says a pair's service is created without it, and a replace that turns it off turns it off", () => {
    const p = plan([
      { address: "aiven_pg.recovery", actions: ["create"], after: { ...PG_PRIMARY, termination_protection: false } },
      {
        address: "aiven_pg.primary",
        actions: ["delete", "create"],
        before: PG_PRIMARY,
        after: { ...PG_PRIMARY, termination_protection: false },
      },
    ]);
    expect(terminationProtectionOff.evaluate(p, context())).toEqual([
      {
        rule: "termination-protection-off",
        severity: "warning",
        address: "aiven_pg.recovery",
        stack: "pg-primary",
        message: "aiven_pg.recovery is created without termination_protection",
        why: WHY,
      },
      expect.objectContaining({
        address: "aiven_pg.primary",
        message: "aiven_pg.primary turns off termination_protection",
      }),
    ]);
  });

  it("says nothing when protection was never on, and does not apply to deletes alone or to other types", () => {
    const neverOn = plan([
      {
        address: "aiven_pg.primary",
        actions: ["update"],
        before: { ...PG_PRIMARY, termination_protection: undefined },
        after: { ...PG_PRIMARY, termination_protection: false },
      },
    ]);
    expect(terminationProtectionOff.evaluate(neverOn, context())).toEqual([]);
    const elsewhere = plan([
      { address: "aiven_pg.primary", actions: ["delete"], before: PG_PRIMARY },
      {
        address: "aiven_kafka.events",
        actions: ["update"],
        before: { termination_protection: true },
        after: { termination_protection: false },
      },
    ]);
    expect(terminationProtectionOff.evaluate(elsewhere, context())).toBe(NOT_APPLICABLE);
  });
});
