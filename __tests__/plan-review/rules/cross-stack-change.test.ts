import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { crossStackChange } from "../../../lib/plan-review/rules/cross-stack-change";
import { context, pairManifest, PG_PRIMARY, plan } from "../../support/plan-builder";

describe("rule cross-stack-change", () => {
  const pairs = [pairManifest("pg-primary"), pairManifest("orders", "orders")];
  const touchesOrders = plan([
    {
      address: "aiven_pg.primary",
      actions: ["update"],
      before: { ...PG_PRIMARY, service_name: "orders" },
      after: { ...PG_PRIMARY, service_name: "orders", plan: "startup-8" },
    },
  ]);

  it("warns when the plan for one stack changes another pair's service", () => {
    expect(crossStackChange.evaluate(touchesOrders, context({ phase: "normal" }, "pg-primary", pairs))).toEqual([
      expect.objectContaining({
        severity: "warning",
        stack: "orders",
        message: "the plan for stack pg-primary updates aiven_pg.primary, which belongs to pair orders",
      }),
    ]);
  });

  it("is compliant for the stack's own pair, and does not apply when the plan's stack is unknown", () => {
    expect(crossStackChange.evaluate(touchesOrders, context({ phase: "normal" }, "orders", pairs))).toEqual([]);
    expect(crossStackChange.evaluate(touchesOrders, context({ phase: "normal" }, undefined, pairs))).toBe(
      NOT_APPLICABLE,
    );
  });
});

describe("rule cross-stack-change, each kind of change and what it leaves alone", () => {
  const pairs = [pairManifest("pg-primary"), pairManifest("orders", "orders")];
  const ORDERS_PG = { ...PG_PRIMARY, service_name: "orders" };
  const said = (actions: string[], extra: Record<string, unknown> = {}) =>
    crossStackChange.evaluate(
      plan([
        {
          address: "aiven_pg.primary",
          actions,
          before: actions[0] === "create" ? null : ORDERS_PG,
          after: actions.length === 1 && actions[0] === "delete" ? null : { ...ORDERS_PG, plan: "startup-8" },
          ...extra,
        },
      ]),
      context({ phase: "normal" }, "pg-primary", pairs),
    );

  it("names the change in full, and why two states must not claim a pair", () => {
    expect(said(["create"])).toEqual([
      {
        rule: "cross-stack-change",
        severity: "warning",
        address: "aiven_pg.primary",
        stack: "orders",
        message: "the plan for stack pg-primary creates aiven_pg.primary, which belongs to pair orders",
        why: "Each pair's resources live in its own stack's state; managing them from two states makes plans fight and a failover of one pair touch another.",
      },
    ]);
    expect((said(["delete"]) as any[]).map((f) => f.message)).toEqual([
      "the plan for stack pg-primary deletes aiven_pg.primary, which belongs to pair orders",
    ]);
    expect((said(["delete", "create"]) as any[]).map((f) => f.message)).toEqual([
      "the plan for stack pg-primary replaces aiven_pg.primary, which belongs to pair orders",
    ]);
  });

  it("leaves alone an object left as it is, a read, and an object of no pair", () => {
    expect(said(["no-op"], { after: ORDERS_PG })).toEqual([]);
    expect(said(["read"], { mode: "data" })).toEqual([]);
    const analytics = { ...PG_PRIMARY, service_name: "analytics" };
    expect(
      crossStackChange.evaluate(
        plan([
          {
            address: "aiven_pg.analytics",
            actions: ["update"],
            before: analytics,
            after: { ...analytics, plan: "startup-8" },
          },
        ]),
        context({ phase: "normal" }, "pg-primary", pairs),
      ),
    ).toEqual([]);
  });
});
