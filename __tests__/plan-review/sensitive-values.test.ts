import { PhaseRecord } from "../../lib/phase/phase-record";
import { markdownReport } from "../../lib/plan-review/markdown-report";
import { NOT_APPLICABLE } from "../../lib/plan-review/plan-rule";
import { reviewPlan } from "../../lib/plan-review/review";
import { SENSITIVE_VALUE } from "../../lib/plan-review/terraform-plan";
import { PLAN_RULES } from "../../lib/plan-review/rules";
import { context, DR_LINK, PG_PRIMARY, PG_RECOVERY } from "../support/plan-builder";
import { ChangeWith, planWith } from "./support/plan-with";

const SECRET = "s3nsitive-business-64";
const PHASES: PhaseRecord[] = [
  {
    phase: "normal",
    pendingImports: [{ address: "aiven_service_integration.disaster_recovery", id: "crdr-test/abc" }],
  },
  { phase: "failed-over", primary: "frozen" },
  { phase: "failed-over", primary: "forgotten" },
  { phase: "switched-over" },
];

/** Every action on the pair's resources, and on others, with `values` in every attribute `masked` names, marked sensitive. */
function everyAction(
  masked: readonly string[],
  values: Record<string, unknown> = {},
  wholeObjects = false,
): { changes: ChangeWith[]; extra: Record<string, unknown> } {
  // Before and after differ, so a rule comparing them would have something to say.
  const hide = (v: Record<string, unknown>, suffix = "") => ({
    ...v,
    ...Object.fromEntries(masked.filter((k) => k in v).map((k) => [k, values[k] ?? `${SECRET}${suffix}`])),
  });
  const mask = (v: Record<string, unknown>) =>
    wholeObjects ? true : Object.fromEntries(masked.filter((k) => k in v).map((k) => [k, true]));
  const change = (
    address: string,
    actions: string[],
    before: Record<string, unknown> | null,
    after: Record<string, unknown> | null,
    more: Partial<ChangeWith> = {},
  ): ChangeWith => ({
    address,
    actions,
    before: before && hide(before),
    after: after && hide(after, "-after"),
    before_sensitive: before ? mask(before) : false,
    after_sensitive: after ? mask(after) : false,
    ...more,
  });
  const primary = { ...PG_PRIMARY, plan: "startup-4", cloud_name: "google-europe-west1" };
  const grown = { ...PG_PRIMARY, plan: "business-8", cloud_name: "aws-eu-west-1", termination_protection: false };
  const changes = [
    change("aiven_pg.primary", ["update"], primary, grown),
    change(
      "aiven_pg.recovery",
      ["delete", "create"],
      PG_RECOVERY,
      { ...PG_RECOVERY, plan: "premium-16" },
      { action_reason: "replace_because_tainted" },
    ),
    change("aiven_pg.primary", ["delete"], primary, null, { deposed: "0badc0de" }),
    change("aiven_pg.replica", ["no-op"], PG_RECOVERY, PG_RECOVERY, { previous_address: "aiven_pg.recovery" }),
    change("aiven_service_integration.disaster_recovery", ["create"], null, DR_LINK),
    change("aiven_service_integration.old_link", ["forget"], DR_LINK, null),
    change("aiven_service_integration.imported", ["no-op"], DR_LINK, DR_LINK, { importing: { id: "crdr-test/abc" } }),
    change(
      "module.other.aiven_pg.primary",
      ["update"],
      { ...primary, service_name: "pg-other" },
      { ...grown, service_name: "pg-other" },
    ),
    change("aiven_pg.created", ["create"], null, { ...grown, service_name: "pg-primary-dr" }),
  ];
  const prior = (address: string, type: string, v: Record<string, unknown>) => ({
    address,
    mode: "managed",
    type,
    values: hide(v),
    sensitive_values: mask(v),
  });
  const extra = {
    complete: false,
    variables: { plan_recovery: { value: SECRET } },
    prior_state: {
      format_version: "1.0",
      values: {
        root_module: {
          resources: [
            prior("aiven_pg.recovery", "aiven_pg", PG_RECOVERY),
            prior("aiven_service_integration.legacy", "aiven_service_integration", DR_LINK),
            prior("aiven_pg.left_out", "aiven_pg", primary),
          ],
        },
      },
    },
  };
  return { changes, extra };
}

/** Which attributes are sensitive: those rules reason about but do not need to place the resource, all of them, or whole objects. */
const CASES: Array<[string, readonly string[], boolean]> = [
  ["the values rules compare", ["plan", "cloud_name", "termination_protection", "integration_type"], false],
  [
    "every value, names included",
    [
      "project",
      "service_name",
      "plan",
      "cloud_name",
      "termination_protection",
      "integration_type",
      "source_service_name",
      "destination_service_name",
    ],
    false,
  ],
  ["whole objects", ["project", "service_name", "plan", "cloud_name"], true],
];

describe("sensitive values", () => {
  it.each(CASES)("never reach any rule's findings, the Markdown or the JSON: sensitive %s", (_, masked, whole) => {
    const { changes, extra } = everyAction(masked, undefined, whole);
    const plan = planWith(changes, extra);
    for (const phase of PHASES) {
      for (const planStack of [undefined, "pg-primary"]) {
        const ctx = context(phase, planStack);
        for (const rule of PLAN_RULES) {
          const findings = rule.evaluate(plan, ctx);
          expect(findings === NOT_APPLICABLE ? "" : JSON.stringify(findings)).not.toContain(SECRET);
        }
        const result = reviewPlan(plan, ctx);
        expect(result.findings.length).toBeGreaterThan(0);
        expect(JSON.stringify(result)).not.toContain(SECRET);
        expect(markdownReport(result)).not.toContain(SECRET);
      }
    }
  });

  it("would show up without their masks, so the test above can fail", () => {
    const { changes, extra } = everyAction(["plan", "cloud_name"]);
    const unmasked = changes.map((c) => ({ ...c, before_sensitive: {}, after_sensitive: {} }));
    const result = reviewPlan(planWith(unmasked, extra), context({ phase: "normal" }, "pg-primary"));
    expect(markdownReport(result)).toContain(SECRET);
  });
  it("never reach a rule or a report when nested in a list (pg_user_config, tags)", () => {
    // Terraform's masks follow the value's shape: a list of blocks has a list of masks.
    const nested = (suffix: string) => ({
      ...PG_PRIMARY,
      pg_user_config: [{ pg: [{ password: `${SECRET}${suffix}` }], ip_filter: [`${SECRET}${suffix}`] }],
      tag: [{ key: "owner", value: `${SECRET}${suffix}` }],
    });
    const listMask = { pg_user_config: [{ pg: [{ password: true }], ip_filter: [true] }], tag: [{ value: true }] };
    const changes: ChangeWith[] = [
      {
        address: "aiven_pg.primary",
        actions: ["update"],
        before: nested(""),
        after: { ...nested("-after"), plan: "business-8" },
        before_sensitive: listMask,
        after_sensitive: listMask,
      },
      {
        address: "aiven_pg.recovery",
        actions: ["delete", "create"],
        before: { ...nested(""), ...PG_RECOVERY },
        after: { ...nested("-new"), ...PG_RECOVERY },
        before_sensitive: listMask,
        after_sensitive: listMask,
      },
    ];
    const plan = planWith(changes);
    // What every rule receives: the mask, where the value was.
    const seen: unknown[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === "object") Object.values(v).forEach(walk);
      else seen.push(v);
    };
    walk(plan);
    expect(seen.filter((v) => typeof v === "string" && v.includes(SECRET))).toEqual([]);
    expect(plan.changes[0].after).toMatchObject({
      pg_user_config: [{ pg: [{ password: SENSITIVE_VALUE }], ip_filter: [SENSITIVE_VALUE] }],
      tag: [{ key: "owner", value: SENSITIVE_VALUE }],
    });
    for (const phase of PHASES) {
      const ctx = context(phase, "pg-primary");
      for (const rule of PLAN_RULES) {
        const findings = rule.evaluate(plan, ctx);
        expect(findings === NOT_APPLICABLE ? "" : JSON.stringify(findings)).not.toContain(SECRET);
      }
      const result = reviewPlan(plan, ctx);
      expect(result.findings.length).toBeGreaterThan(0);
      expect(markdownReport(result)).not.toContain(SECRET);
    }
  });
});
