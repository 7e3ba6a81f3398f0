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
