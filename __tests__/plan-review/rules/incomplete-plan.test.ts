import { incompletePlan } from "../../../lib/plan-review/rules/incomplete-plan";
import { context, PG_PRIMARY, PG_RECOVERY, plan } from "../../support/plan-builder";
import { planWith } from "../support/plan-with";

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

describe("rule incomplete-plan, counting what is left out", () => {
  const WHY =
    "An incomplete plan does not show everything the configuration would change; a dangerous change to a DR pair can hide in what it leaves out. Review a full plan (no -target) before merging.";
  const prior = (resources: Array<Record<string, unknown>>) => ({
    prior_state: { format_version: "1.0", values: { root_module: { resources } } },
  });
  const pg = (address: string, more: Record<string, unknown> = {}) => ({
    address,
    mode: "managed",
    type: "aiven_pg",
    values: PG_PRIMARY,
    ...more,
  });

  it("names five objects left out and counts the rest, and says why it matters", () => {
    const seven = ["a", "b", "c", "d", "e", "f", "g"].map((n) => pg(`aiven_pg.${n}`));
    expect(incompletePlan.evaluate(plan([], { complete: false, ...prior(seven) }), context())).toEqual([
      {
        rule: "incomplete-plan",
        severity: "warning",
        message:
          "the plan leaves out 7 objects in state (aiven_pg.a, aiven_pg.b, aiven_pg.c, aiven_pg.d, aiven_pg.e and 2 more): a -target (or -refresh-only) plan",
        why: WHY,
      },
    ]);
    const five = seven.slice(0, 5);
    expect((incompletePlan.evaluate(plan([], prior(five)), context()) as Array<{ message: string }>)[0].message).toBe(
      "the plan leaves out 5 objects in state (aiven_pg.a, aiven_pg.b, aiven_pg.c, aiven_pg.d, aiven_pg.e): a -target (or -refresh-only) plan",
    );
  });

  it("counts an object planned under its old address (moved), a deposed object by its key, and never a data source", () => {
    const covered = planWith(
      [
        {
          address: "aiven_pg.renamed",
          actions: ["no-op"],
          before: PG_PRIMARY,
          after: PG_PRIMARY,
          previous_address: "aiven_pg.old",
        },
        { address: "aiven_pg.primary", actions: ["delete"], before: PG_PRIMARY, deposed: "0badc0de" },
      ],
      prior([
        pg("aiven_pg.old"),
        pg("aiven_pg.primary", { deposed_key: "0badc0de" }),
        pg("data.aiven_pg.lookup", { mode: "data" }),
      ]),
    );
    expect(incompletePlan.evaluate(covered, context())).toEqual([]);
    const currentLeftOut = planWith(
      [{ address: "aiven_pg.primary", actions: ["delete"], before: PG_PRIMARY, deposed: "0badc0de" }],
      prior([pg("aiven_pg.primary", { deposed_key: "0badc0de" }), pg("aiven_pg.primary")]),
    );
    expect((incompletePlan.evaluate(currentLeftOut, context()) as Array<{ message: string }>)[0].message).toBe(
      "the plan leaves out 1 object in state (aiven_pg.primary): a -target (or -refresh-only) plan",
    );
  });
});
