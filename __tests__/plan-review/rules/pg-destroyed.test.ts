import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { pgDestroyed } from "../../../lib/plan-review/rules/pg-destroyed";
import { parsePlan } from "../../../lib/plan-review/terraform-plan";
import { context, PG_PRIMARY, PG_RECOVERY, plan } from "../../support/plan-builder";

describe("rule pg-destroyed", () => {
  it("flags a replaced aiven_pg as danger, naming the pair and what forced it", () => {
    const findings = pgDestroyed.evaluate(
      plan([
        {
          address: "aiven_pg.primary",
          actions: ["delete", "create"],
          before: PG_PRIMARY,
          after: { ...PG_PRIMARY, project: "crdr-test" },
          replace_paths: [["service_name"]],
          action_reason: "replace_because_cannot_update",
        },
      ]),
      context(),
    );
    expect(findings).toEqual([
      expect.objectContaining({
        severity: "danger",
        address: "aiven_pg.primary",
        stack: "pg-primary",
        message: "PostgreSQL service primary of pg-primary is replaced (forced by service_name)",
      }),
    ]);
  });

  it("flags a deleted aiven_pg, in either replace order", () => {
    expect(
      pgDestroyed.evaluate(
        plan([{ address: "aiven_pg.recovery", actions: ["delete"], before: PG_RECOVERY }]),
        context(),
      ),
    ).toHaveLength(1);
    expect(
      pgDestroyed.evaluate(
        plan([
          { address: "aiven_pg.recovery", actions: ["create", "delete"], before: PG_RECOVERY, after: PG_RECOVERY },
        ]),
        context(),
      ),
    ).toHaveLength(1);
  });

  it("is compliant for updates, creates and forgets", () => {
    const findings = pgDestroyed.evaluate(
      plan([
        {
          address: "aiven_pg.primary",
          actions: ["update"],
          before: PG_PRIMARY,
          after: { ...PG_PRIMARY, plan: "startup-8" },
        },
        { address: "aiven_pg.recovery", actions: ["create"], after: PG_RECOVERY },
        { address: "aiven_pg.old", actions: ["forget"], before: PG_PRIMARY },
      ]),
      context(),
    );
    expect(findings).toEqual([]);
  });

  it("does not apply to plans without aiven_pg", () => {
    expect(
      pgDestroyed.evaluate(plan([{ address: "null_resource.x", actions: ["delete"], before: {} }]), context()),
    ).toBe(NOT_APPLICABLE);
  });
});

describe("rule pg-destroyed, in its own words", () => {
  it("names a deleted service outside the pairs by its address, and says why in every finding", () => {
    expect(
      pgDestroyed.evaluate(
        plan([
          { address: "aiven_pg.scratch", actions: ["delete"], before: { ...PG_PRIMARY, service_name: "scratch" } },
        ]),
        context(),
      ),
    ).toEqual([
      {
        rule: "pg-destroyed",
        severity: "danger",
        address: "aiven_pg.scratch",
        message: "PostgreSQL service aiven_pg.scratch is deleted",
        why: "Deleting or replacing an aiven_pg destroys the database and its data; termination protection makes the apply fail, but the plan intends it.",
      },
    ]);
  });

  it("says a replace is forced only when Terraform names the paths, each path dotted", () => {
    const replaced = (replace_paths?: unknown[]) =>
      (
        pgDestroyed.evaluate(
          plan([
            {
              address: "aiven_pg.recovery",
              actions: ["delete", "create"],
              before: PG_RECOVERY,
              after: PG_RECOVERY,
              ...(replace_paths ? { replace_paths } : {}),
            },
          ]),
          context(),
        ) as Array<{ message: string }>
      )[0].message;
    expect(replaced()).toBe("PostgreSQL service recovery of pg-primary is replaced");
    expect(replaced([])).toBe("PostgreSQL service recovery of pg-primary is replaced");
    expect(replaced([["pg_user_config", 0, "pg_version"], "cloud_name"])).toBe(
      "PostgreSQL service recovery of pg-primary is replaced (forced by pg_user_config.0.pg_version, cloud_name)",
    );
  });

  it("does not apply to an aiven_pg data source, which a plan only reads", () => {
    const read = {
      format_version: "1.2",
      resource_changes: [
        {
          address: "data.aiven_pg.lookup",
          mode: "data",
          type: "aiven_pg",
          name: "lookup",
          change: { actions: ["read"] },
        },
      ],
    };
    expect(pgDestroyed.evaluate(parsePlan(JSON.stringify(read), "plan"), context())).toBe(NOT_APPLICABLE);
  });

  it("does not apply to a data source read, nor to other resource types deleted", () => {
    expect(
      pgDestroyed.evaluate(
        plan([
          { address: "data.aiven_pg.lookup", mode: "data", actions: ["read"], after: PG_PRIMARY },
          { address: "aiven_mysql.primary", actions: ["delete"], before: PG_PRIMARY },
        ]),
        context(),
      ),
    ).toBe(NOT_APPLICABLE);
  });
});
