import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { secondPgManager } from "../../../lib/plan-review/rules/second-pg-manager";
import { context, pairManifest } from "../../support/plan-builder";
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
