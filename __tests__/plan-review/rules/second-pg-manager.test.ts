import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { secondPgManager } from "../../../lib/plan-review/rules/second-pg-manager";
import { ChangeSpec, context, pairManifest, PG_RECOVERY, plan, planJson } from "../../support/plan-builder";
import { parsePlan } from "../../../lib/plan-review/terraform-plan";
import { terraformMadePlan } from "../support/terraform-made-plan";

describe("rule second-pg-manager (plans made by terraform)", () => {
  it("flags a module that imports the pair's primary (PROJECT/pg-primary) to a second address", () => {
    expect(
      secondPgManager.evaluate(terraformMadePlan("tf-shadow-import"), context({ phase: "normal" }, "pg-primary")),
    ).toEqual([
      expect.objectContaining({
        rule: "second-pg-manager",
        severity: "danger",
        address: "module.shadow.aiven_pg.primary",
        stack: "pg-primary",
        message:
          "module.shadow.aiven_pg.primary imports crdr-test/pg-primary, the primary of pg-primary, which aiven_pg.primary already manages",
      }),
    ]);
  });

  it("flags a module that declares its own aiven_pg with the pair's service name in the pair's project", () => {
    expect(
      secondPgManager.evaluate(
        terraformMadePlan("tf-shadow-service"),
        context({ phase: "failed-over", primary: "frozen" }, "pg-primary"),
      ),
    ).toEqual([
      expect.objectContaining({
        severity: "danger",
        address: "module.shadow.aiven_pg.db",
        stack: "pg-primary",
        message:
          "module.shadow.aiven_pg.db creates pg-primary in project crdr-test, the primary of pg-primary, which aiven_pg.primary manages",
        why: expect.stringMatching(/^One service, two managers in state/),
      }),
    ]);
  });

  it("is compliant when only the pinned addresses manage the pair's services, and when the same name is another project's", () => {
    expect(secondPgManager.evaluate(terraformMadePlan("tf-primary-to-hobbyist"), context())).toEqual([]);
    const otherProject = { ...pairManifest(), project: "another-project" };
    expect(
      secondPgManager.evaluate(
        terraformMadePlan("tf-shadow-service"),
        context({ phase: "normal" }, undefined, [otherProject]),
      ),
    ).toEqual([]);
  });

  it("leaves a move off the pinned address to pinned-address-moved, and does not apply without aiven_pg changes", () => {
    expect(
      secondPgManager.evaluate(terraformMadePlan("tf-moved-recovery"), context({ phase: "normal" }, "pg-primary")),
    ).toEqual([]);
    const linkOnly = terraformMadePlan("tf-recreate-link-after-failover");
    expect(
      secondPgManager.evaluate(
        { ...linkOnly, changes: linkOnly.changes.filter((c) => c.type !== "aiven_pg") },
        context(),
      ),
    ).toBe(NOT_APPLICABLE);
  });
});

describe("rule second-pg-manager, each kind of second manager in full and what it leaves alone", () => {
  const WHY =
    "One service, two managers in state: each plans against the same production database, and the DR tooling handles aiven_pg.recovery only, so after a failover the other address can power the failed primary back on, change it, or destroy it. Manage the pair's services through the pair alone; remove the second resource or import.";
  const shadow = (actions: string[], extra: Partial<ChangeSpec> = {}): ChangeSpec => ({
    address: "aiven_pg.shadow",
    actions,
    before: actions.includes("create") ? null : PG_RECOVERY,
    after: actions.includes("delete") && !actions.includes("create") ? null : { ...PG_RECOVERY, plan: "business-8" },
    ...extra,
  });

  it("names what the second address does to the recovery service: manages it, creates it, changes it", () => {
    const said = (actions: string[]) =>
      (secondPgManager.evaluate(plan([shadow(actions)]), context()) as any[]).map((f) => f.message);
    expect(said(["no-op"])).toEqual([
      "aiven_pg.shadow manages pg-primary-dr in project crdr-test, the recovery of pg-primary, which aiven_pg.recovery manages",
    ]);
    expect(said(["create"])).toEqual([
      "aiven_pg.shadow creates pg-primary-dr in project crdr-test, the recovery of pg-primary, which aiven_pg.recovery manages",
    ]);
    expect(said(["update"])).toEqual([
      "aiven_pg.shadow plans a change to pg-primary-dr in project crdr-test, the recovery of pg-primary, which aiven_pg.recovery manages",
    ]);
    expect(secondPgManager.evaluate(plan([shadow(["update"])]), context())).toEqual([
      {
        rule: "second-pg-manager",
        severity: "danger",
        address: "aiven_pg.shadow",
        stack: "pg-primary",
        message: expect.stringMatching(/^aiven_pg.shadow plans a change to/),
        why: WHY,
      },
    ]);
  });

  it("finds an import of the recovery by its id when the plan's values do not name it", () => {
    const imported = plan([
      {
        address: "aiven_pg.shadow",
        actions: ["no-op"],
        before: {},
        after: {},
        importing: { id: "crdr-test/pg-primary-dr" },
      },
    ]);
    expect(secondPgManager.evaluate(imported, context())).toEqual([
      expect.objectContaining({
        address: "aiven_pg.shadow",
        stack: "pg-primary",
        message:
          "aiven_pg.shadow imports crdr-test/pg-primary-dr, the recovery of pg-primary, which aiven_pg.recovery already manages",
        why: WHY,
      }),
    ]);
    // An import of a service of no pair, or of the pair's service in another project, is not a second manager.
    for (const id of ["crdr-test/analytics", "another-project/pg-primary-dr", "another-project/pg-primary"]) {
      const other = plan([
        { address: "aiven_pg.shadow", actions: ["no-op"], before: {}, after: {}, importing: { id } },
      ]);
      expect({ id, findings: secondPgManager.evaluate(other, context()) }).toEqual({ id, findings: [] });
    }
  });

  it("leaves alone a deletion, a forget, a deposed object and a data source", () => {
    for (const actions of [["delete"], ["forget"]]) {
      expect({ actions, result: secondPgManager.evaluate(plan([shadow(actions)]), context()) }).toEqual({
        actions,
        result: NOT_APPLICABLE,
      });
    }
    expect(secondPgManager.evaluate(plan([shadow(["no-op"], { mode: "data" })]), context())).toBe(NOT_APPLICABLE);
    const deposed = planJson([shadow(["delete"])]) as any;
    deposed.resource_changes[0].deposed = "00000001";
    expect(secondPgManager.evaluate(parsePlan(JSON.stringify(deposed), "deposed"), context())).toBe(NOT_APPLICABLE);
  });
});

describe("rule second-pg-manager, the primary imported by its id and other resource types", () => {
  it("finds an import of the primary by its id when the plan's values do not name it", () => {
    const imported = plan([
      {
        address: "aiven_pg.shadow",
        actions: ["no-op"],
        before: {},
        after: {},
        importing: { id: "crdr-test/pg-primary" },
      },
    ]);
    expect(secondPgManager.evaluate(imported, context())).toEqual([
      {
        rule: "second-pg-manager",
        severity: "danger",
        address: "aiven_pg.shadow",
        stack: "pg-primary",
        message:
          "aiven_pg.shadow imports crdr-test/pg-primary, the primary of pg-primary, which aiven_pg.primary already manages",
        why: "One service, two managers in state: each plans against the same production database, and the DR tooling handles aiven_pg.primary only, so after a failover the other address can power the failed primary back on, change it, or destroy it. Manage the pair's services through the pair alone; remove the second resource or import.",
      },
    ]);
  });

  it("does not apply to another resource type, even one importing the pair's id", () => {
    const redis = { project: "crdr-test", service_name: "cache", plan: "startup-4" };
    expect(
      secondPgManager.evaluate(
        plan([
          { address: "aiven_redis.cache", actions: ["update"], before: redis, after: { ...redis, plan: "business-4" } },
        ]),
        context(),
      ),
    ).toBe(NOT_APPLICABLE);
    expect(
      secondPgManager.evaluate(
        plan([
          {
            address: "aiven_redis.cache",
            actions: ["no-op"],
            before: {},
            after: {},
            importing: { id: "crdr-test/pg-primary" },
          },
        ]),
        context(),
      ),
    ).toBe(NOT_APPLICABLE);
  });
});
