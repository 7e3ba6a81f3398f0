import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { replaceReason } from "../../../lib/plan-review/rules/replace-reason";
import { context, DR_LINK, PG_PRIMARY, plan } from "../../support/plan-builder";
import { planWith } from "../support/plan-with";

describe("rule replace-reason", () => {
  it("says why Terraform replaces: tainted, or asked for with -replace", () => {
    const p = plan([
      {
        address: "aiven_pg.primary",
        actions: ["delete", "create"],
        before: PG_PRIMARY,
        after: PG_PRIMARY,
        action_reason: "replace_because_tainted",
      },
      {
        address: "aiven_service_integration.disaster_recovery",
        actions: ["delete", "create"],
        before: DR_LINK,
        after: DR_LINK,
        action_reason: "replace_by_request",
      },
    ]);
    expect(replaceReason.evaluate(p, context())).toEqual([
      expect.objectContaining({
        severity: "info",
        address: "aiven_pg.primary",
        message: "aiven_pg.primary is replaced",
        reason: expect.stringMatching(/^replace_because_tainted: it is tainted/),
      }),
      expect.objectContaining({
        address: "aiven_service_integration.disaster_recovery",
        reason: "replace_by_request: someone asked for it with -replace",
      }),
    ]);
    // The reason is the finding's own field, so the report prints it once, not again as the why.
    expect((replaceReason.evaluate(p, context()) as Array<{ why?: string }>).map((f) => f.why)).toEqual([
      undefined,
      undefined,
    ]);
  });

  it("marks the delete of a deposed object as such", () => {
    const p = planWith([{ address: "aiven_pg.primary", actions: ["delete"], before: PG_PRIMARY, deposed: "5f2e8a1c" }]);
    expect(replaceReason.evaluate(p, context())).toEqual([
      expect.objectContaining({
        deposed: "5f2e8a1c",
        message: "deposed object 5f2e8a1c of aiven_pg.primary is deleted",
      }),
    ]);
  });

  it("is compliant for a replace without a reason, and does not apply to plans without Aiven replaces or deletes", () => {
    expect(
      replaceReason.evaluate(
        plan([{ address: "aiven_pg.primary", actions: ["delete", "create"], before: PG_PRIMARY, after: PG_PRIMARY }]),
        context(),
      ),
    ).toEqual([]);
    expect(
      replaceReason.evaluate(
        plan([
          {
            address: "aws_instance.a",
            actions: ["delete"],
            before: {},
            action_reason: "delete_because_no_resource_config",
          },
        ]),
        context(),
      ),
    ).toBe(NOT_APPLICABLE);
  });
});

describe("rule replace-reason, in full", () => {
  it("says why an object is deleted, and names its pair", () => {
    const p = plan([
      {
        address: "aiven_service_integration.disaster_recovery",
        actions: ["delete"],
        before: DR_LINK,
        action_reason: "delete_because_no_resource_config",
      },
    ]);
    expect(replaceReason.evaluate(p, context())).toEqual([
      expect.objectContaining({
        rule: "replace-reason",
        severity: "info",
        address: "aiven_service_integration.disaster_recovery",
        stack: "pg-primary",
        message: "aiven_service_integration.disaster_recovery is deleted",
        reason: expect.stringMatching(/^delete_because_no_resource_config: /),
      }),
    ]);
  });

  it("says why deleting a deposed object destroys it for good", () => {
    const p = planWith([{ address: "aiven_pg.primary", actions: ["delete"], before: PG_PRIMARY, deposed: "5f2e8a1c" }]);
    expect(replaceReason.evaluate(p, context())).toEqual([
      expect.objectContaining({
        why: "A deposed object is the old one left behind when a create-before-destroy replace could not destroy it; deleting it destroys that object for good.",
      }),
    ]);
  });

  it("does not apply to a data source, nor to updates and creates of Aiven objects", () => {
    expect(
      replaceReason.evaluate(
        plan([
          {
            address: "aiven_pg.primary",
            mode: "data",
            actions: ["delete"],
            before: PG_PRIMARY,
            action_reason: "delete_because_no_resource_config",
          },
        ]),
        context(),
      ),
    ).toBe(NOT_APPLICABLE);
    expect(
      replaceReason.evaluate(
        plan([
          {
            address: "aiven_pg.primary",
            actions: ["update"],
            before: PG_PRIMARY,
            after: { ...PG_PRIMARY, plan: "startup-8" },
          },
          { address: "aiven_pg.recovery", actions: ["create"], after: PG_PRIMARY },
        ]),
        context(),
      ),
    ).toBe(NOT_APPLICABLE);
  });
});
