import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { planDivergence } from "../../../lib/plan-review/rules/plan-divergence";
import { context, pairManifest, PG_PRIMARY, PG_RECOVERY, plan, planJson } from "../../support/plan-builder";
import { parsePlan } from "../../../lib/plan-review/terraform-plan";

/** A plan's update of one service: `before` with `changes`. */
const update = (address: string, before: Record<string, unknown>, changes: Record<string, unknown>) => ({
  address,
  actions: ["update"],
  before,
  after: { ...before, ...changes },
});

/** A plan's prior state holding these resources (managed), each with its sensitive values or deposed key if given. */
const priorState = (
  ...resources: Array<{
    address: string;
    values: Record<string, unknown>;
    sensitive?: Record<string, unknown>;
    deposed?: string;
  }>
) => ({
  prior_state: {
    format_version: "1.0",
    values: {
      root_module: {
        resources: resources.map(({ address, values, sensitive, deposed }) => ({
          address,
          mode: "managed",
          type: address.split(".").at(-2),
          values,
          sensitive_values: sensitive ?? {},
          ...(deposed ? { deposed_key: deposed } : {}),
        })),
      },
    },
  },
});

describe("rule plan-divergence", () => {
  it("warns when one peer's plan changes away from the other's", () => {
    const p = plan([update("aiven_pg.primary", PG_PRIMARY, { plan: "business-8" })]);
    expect(planDivergence.evaluate(p, context())).toEqual([
      expect.objectContaining({
        severity: "warning",
        message:
          "primary pg-primary goes to plan business-8 while its recovery is on startup-4: the recovery service would be smaller than its primary",
        why: expect.stringMatching(/^A recovery service smaller than its primary may not carry the production load/),
      }),
    ]);
  });

  it("says the recovery service would be larger when it is", () => {
    const p = plan([update("aiven_pg.recovery", PG_RECOVERY, { plan: "business-16" })]);
    expect(planDivergence.evaluate(p, context())).toEqual([
      expect.objectContaining({
        message:
          "recovery pg-primary-dr goes to plan business-16 while its primary is on startup-4: the recovery service would be larger than its primary",
        why: expect.stringMatching(/^A recovery service larger than its primary/),
      }),
    ]);
    const shrinkPrimary = plan([update("aiven_pg.primary", PG_PRIMARY, { plan: "hobbyist" })]);
    expect((planDivergence.evaluate(shrinkPrimary, context()) as any[])[0].message).toMatch(
      /the recovery service would be larger than its primary$/,
    );
  });

  it("neither compares nor shows a peer's plan the plan marks sensitive", () => {
    const prior = priorState({
      address: "aiven_pg.recovery",
      values: { ...PG_RECOVERY, plan: "hidden-plan-value" },
      sensitive: { plan: true },
    });
    const p = plan([update("aiven_pg.primary", PG_PRIMARY, { plan: "business-8" })], prior);
    expect(planDivergence.evaluate(p, context())).toEqual([]);
  });

  it("is compliant when both peers change plan together", () => {
    const p = plan([
      update("aiven_pg.primary", PG_PRIMARY, { plan: "business-8" }),
      update("aiven_pg.recovery", PG_RECOVERY, { plan: "business-8" }),
    ]);
    expect(planDivergence.evaluate(p, context())).toEqual([]);
    expect(planDivergence.evaluate(plan([]), context())).toBe(NOT_APPLICABLE);
  });
});

describe("rule plan-divergence, where the peer's plan comes from and where the rule stays silent", () => {
  const primaryTo = (to: string, extra: Record<string, unknown> = {}) =>
    plan([update("aiven_pg.primary", PG_PRIMARY, { plan: to })], extra);
  const recoveryInState = (values: Record<string, unknown>) => priorState({ address: "aiven_pg.recovery", values });
  const UNKNOWN_WHY =
    "Primary and recovery on different plans: after a failover the recovery service may not carry the load the primary did; keep both on the same plan.";

  it("says neither smaller nor larger for a plan it cannot size, or two plans of the same size", () => {
    expect(planDivergence.evaluate(primaryTo("custom-plan"), context())).toEqual([
      {
        rule: "plan-divergence",
        severity: "warning",
        address: "aiven_pg.primary",
        stack: "pg-primary",
        message: "primary pg-primary goes to plan custom-plan while its recovery is on startup-4",
        why: UNKNOWN_WHY,
      },
    ]);
    // startup-2x-4 and startup-4: the same memory size and tier, different names.
    expect(planDivergence.evaluate(primaryTo("startup-2x-4"), context())).toEqual([
      expect.objectContaining({
        message: "primary pg-primary goes to plan startup-2x-4 while its recovery is on startup-4",
        why: UNKNOWN_WHY,
      }),
    ]);
  });

  it("reads the peer's plan from state, else from the manifest when state has none", () => {
    expect(
      planDivergence.evaluate(
        primaryTo("business-4", recoveryInState({ ...PG_RECOVERY, plan: "business-8" })),
        context(),
      ),
    ).toEqual([
      expect.objectContaining({
        message:
          "primary pg-primary goes to plan business-4 while its recovery is on business-8: the recovery service would be larger than its primary",
        why: expect.stringMatching(/^A recovery service larger than its primary costs more/),
      }),
    ]);
    const { plan: _none, ...withoutPlan } = PG_RECOVERY;
    expect(planDivergence.evaluate(primaryTo("business-8", recoveryInState(withoutPlan)), context())).toEqual([
      expect.objectContaining({
        message:
          "primary pg-primary goes to plan business-8 while its recovery is on startup-4: the recovery service would be smaller than its primary",
      }),
    ]);
    // A deposed recovery in state is not the peer: the manifest's plan is.
    const deposed = priorState({
      address: "aiven_pg.recovery",
      values: { ...PG_RECOVERY, plan: "business-8" },
      deposed: "00000001",
    });
    expect((planDivergence.evaluate(primaryTo("business-8", deposed), context()) as any[])[0].message).toMatch(
      /while its recovery is on startup-4/,
    );
  });

  it("reads the peer's plan from its own change: the plan it goes to, or the one it leaves when deleted", () => {
    const both = (recovery: { actions: string[]; before?: object | null; after?: object | null }) =>
      plan([
        update("aiven_pg.primary", PG_PRIMARY, { plan: "business-4" }),
        { address: "aiven_pg.recovery", ...recovery } as any,
      ]);
    const goingTo = planDivergence.evaluate(
      both({
        actions: ["update"],
        before: PG_RECOVERY,
        after: { ...PG_RECOVERY, plan: "business-8", termination_protection: false },
      }),
      context(),
    ) as any[];
    expect(goingTo.map((f) => f.message)).toEqual([
      "primary pg-primary goes to plan business-4 while its recovery is on business-8: the recovery service would be larger than its primary",
      "recovery pg-primary-dr goes to plan business-8 while its primary is on business-4: the recovery service would be larger than its primary",
    ]);
    const leaving = planDivergence.evaluate(
      both({ actions: ["delete"], before: { ...PG_RECOVERY, plan: "business-8" } }),
      context(),
    ) as any[];
    expect(leaving.map((f) => f.message)).toEqual([
      "primary pg-primary goes to plan business-4 while its recovery is on business-8: the recovery service would be larger than its primary",
    ]);
    // The peer's change hides its plan: nothing compared, nothing shown.
    const hidden = plan([
      update("aiven_pg.primary", PG_PRIMARY, { plan: "business-4" }),
      {
        address: "aiven_pg.recovery",
        actions: ["update"],
        before: { ...PG_RECOVERY, plan: "hidden-plan-value" },
        after: { ...PG_RECOVERY, plan: "hidden-plan-value", termination_protection: false },
        before_sensitive: { plan: true },
        after_sensitive: { plan: true },
      },
    ]);
    expect(planDivergence.evaluate(hidden, context())).toEqual([]);
  });

  it("warns about a service created on another plan than its peer's", () => {
    const created = plan([
      { address: "aiven_pg.recovery", actions: ["create"], after: { ...PG_RECOVERY, plan: "business-8" } },
    ]);
    expect(planDivergence.evaluate(created, context())).toEqual([
      expect.objectContaining({
        address: "aiven_pg.recovery",
        message:
          "recovery pg-primary-dr goes to plan business-8 while its primary is on startup-4: the recovery service would be larger than its primary",
      }),
    ]);
  });

  it("stays silent for an update that keeps a plan already diverging, a deletion, a deposed object and a service of no pair", () => {
    const keepsPlan = plan(
      [update("aiven_pg.primary", PG_PRIMARY, { termination_protection: false })],
      recoveryInState({ ...PG_RECOVERY, plan: "business-8" }),
    );
    expect(planDivergence.evaluate(keepsPlan, context())).toEqual([]);
    const deleted = plan([
      { address: "aiven_pg.primary", actions: ["delete"], before: { ...PG_PRIMARY, plan: "business-8" } },
    ]);
    expect(planDivergence.evaluate(deleted, context())).toBe(NOT_APPLICABLE);
    const noPlan = plan([update("aiven_pg.primary", PG_PRIMARY, { plan: undefined })]);
    expect(planDivergence.evaluate(noPlan, context())).toBe(NOT_APPLICABLE);
    const other = plan([
      {
        address: "aiven_pg.analytics",
        actions: ["update"],
        before: { ...PG_PRIMARY, service_name: "analytics" },
        after: { ...PG_PRIMARY, service_name: "analytics", plan: "business-8" },
      },
    ]);
    expect(planDivergence.evaluate(other, context())).toEqual([]);
  });
});

describe("rule plan-divergence, what it judges and which object is the peer", () => {
  const primaryTo = (to: string) => update("aiven_pg.primary", PG_PRIMARY, { plan: to });

  it("judges a replace that changes the plan, and does not apply to no-op changes or another resource type", () => {
    const replaced = plan([{ ...primaryTo("business-8"), actions: ["delete", "create"] }]);
    expect((planDivergence.evaluate(replaced, context()) as any[]).map((f) => f.message)).toEqual([
      "primary pg-primary goes to plan business-8 while its recovery is on startup-4: the recovery service would be smaller than its primary",
    ]);
    const unchanged = plan([
      {
        address: "aiven_pg.primary",
        actions: ["no-op"],
        before: { ...PG_PRIMARY, plan: "business-8" },
        after: { ...PG_PRIMARY, plan: "business-8" },
      },
    ]);
    expect(planDivergence.evaluate(unchanged, context())).toBe(NOT_APPLICABLE);
    const redis = { ...PG_PRIMARY, service_name: "cache" };
    const otherType = plan([
      { address: "aiven_redis.cache", actions: ["update"], before: redis, after: { ...redis, plan: "business-8" } },
    ]);
    expect(planDivergence.evaluate(otherType, context())).toBe(NOT_APPLICABLE);
  });

  it("says nothing of a plan Terraform shows as null", () => {
    const nullPlan = plan([primaryTo(null as unknown as string)]);
    expect(planDivergence.evaluate(nullPlan, context())).toEqual([]);
  });

  it("takes the peer from this pair only: not another pair's recovery, not the changed service's own state, not a deposed object", () => {
    const pairs = [pairManifest("orders", "orders"), pairManifest()];
    const ordersRecovery = { ...PG_RECOVERY, service_name: "orders-dr" };
    // Another pair's recovery changes in the same plan (listed first): this pair's recovery stays on startup-4.
    const withOrders = plan([
      {
        address: "module.orders.aiven_pg.recovery",
        actions: ["update"],
        before: { ...ordersRecovery, plan: "business-8" },
        after: { ...ordersRecovery, plan: "business-8", termination_protection: false },
      },
      primaryTo("business-4"),
    ]);
    expect(
      (planDivergence.evaluate(withOrders, context({ phase: "normal" }, undefined, pairs)) as any[]).map(
        (f) => f.message,
      ),
    ).toEqual([
      "primary pg-primary goes to plan business-4 while its recovery is on startup-4: the recovery service would be smaller than its primary",
    ]);
    // State lists the primary itself, a service of no pair and another pair's recovery before the peer.
    const inState = plan(
      [primaryTo("business-4")],
      priorState(
        { address: "aiven_pg.primary", values: PG_PRIMARY },
        { address: "aiven_pg.analytics", values: { ...PG_PRIMARY, service_name: "analytics", plan: "business-16" } },
        { address: "module.orders.aiven_pg.recovery", values: { ...ordersRecovery, plan: "business-16" } },
        { address: "aiven_pg.recovery", values: { ...PG_RECOVERY, plan: "business-8" } },
      ),
    );
    expect(
      (planDivergence.evaluate(inState, context({ phase: "normal" }, undefined, pairs)) as any[]).map((f) => f.message),
    ).toEqual([
      "primary pg-primary goes to plan business-4 while its recovery is on business-8: the recovery service would be larger than its primary",
    ]);
    // A service of no pair changing beside it is no one's peer.
    const withAnalytics = plan([
      {
        address: "aiven_pg.analytics",
        actions: ["update"],
        before: { ...PG_PRIMARY, service_name: "analytics" },
        after: { ...PG_PRIMARY, service_name: "analytics", plan: "business-16" },
      },
      primaryTo("business-4"),
    ]);
    expect((planDivergence.evaluate(withAnalytics, context()) as any[]).map((f) => f.message)).toEqual([
      "primary pg-primary goes to plan business-4 while its recovery is on startup-4: the recovery service would be smaller than its primary",
    ]);
    // A deposed recovery's deletion is not the peer's change: the manifest's plan is.
    const deposedJson = planJson([
      primaryTo("business-4"),
      { address: "aiven_pg.recovery", actions: ["delete"], before: { ...PG_RECOVERY, plan: "business-16" } },
    ]) as any;
    deposedJson.resource_changes[1].deposed = "00000001";
    expect(
      (planDivergence.evaluate(parsePlan(JSON.stringify(deposedJson), "deposed"), context()) as any[]).map(
        (f) => f.message,
      ),
    ).toEqual([
      "primary pg-primary goes to plan business-4 while its recovery is on startup-4: the recovery service would be smaller than its primary",
    ]);
  });

  it("neither compares nor shows the plan a peer's change goes to when only that is sensitive", () => {
    const hiddenAfter = plan([
      primaryTo("business-4"),
      {
        address: "aiven_pg.recovery",
        actions: ["update"],
        before: { ...PG_RECOVERY, plan: "business-8" },
        after: { ...PG_RECOVERY, plan: "hidden-plan-value", termination_protection: false },
        after_sensitive: { plan: true },
      },
    ]);
    expect(planDivergence.evaluate(hiddenAfter, context())).toEqual([]);
  });
});
