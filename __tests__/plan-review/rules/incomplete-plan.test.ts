import { incompletePlan } from "../../../lib/plan-review/rules/incomplete-plan";
import { context, PG_PRIMARY, PG_RECOVERY, plan } from "../../support/plan-builder";

const state = (...resources: Array<{ address: string; values: Record<string, unknown> }>) => ({
  prior_state: {
    format_version: "1.0",
    values: {
      root_module: {
        resources: resources.map((r) => ({ ...r, mode: "managed", type: "aiven_pg", sensitive_values: {} })),
      },
    },
  },
});

describe("rule incomplete-plan", () => {
  it("warns when Terraform marks the plan incomplete", () => {
    expect(incompletePlan.evaluate(plan([], { complete: false }), context())).toEqual([
      expect.objectContaining({
        severity: "warning",
        message: expect.stringMatching(
          /^Terraform marks the plan incomplete \(complete: false\): it was made with -target/,
        ),
      }),
    ]);
  });

  it("warns when objects in state are missing from the plan's changes, as only -target leaves them out", () => {
    const targeted = plan(
      [
        {
          address: "aiven_pg.primary",
          actions: ["update"],
          before: PG_PRIMARY,
          after: { ...PG_PRIMARY, plan: "startup-8" },
        },
      ],
      state({ address: "aiven_pg.primary", values: PG_PRIMARY }, { address: "aiven_pg.recovery", values: PG_RECOVERY }),
    );
    expect(incompletePlan.evaluate(targeted, context())).toEqual([
      expect.objectContaining({
        message: "the plan leaves out 1 object in state (aiven_pg.recovery): a -target (or -refresh-only) plan",
      }),
    ]);
  });

  it("is compliant for a complete plan that covers every object in state", () => {
    const full = plan(
      [
        {
          address: "aiven_pg.primary",
          actions: ["update"],
          before: PG_PRIMARY,
          after: { ...PG_PRIMARY, plan: "startup-8" },
        },
        { address: "aiven_pg.recovery", actions: ["no-op"], before: PG_RECOVERY, after: PG_RECOVERY },
      ],
      {
        complete: true,
        ...state(
          { address: "aiven_pg.primary", values: PG_PRIMARY },
          { address: "aiven_pg.recovery", values: PG_RECOVERY },
        ),
      },
    );
    expect(incompletePlan.evaluate(full, context())).toEqual([]);
  });
});
