import { APPLICATION_OUTPUTS } from "../../../lib/pair/application-outputs";
import { PairManifest } from "../../../lib/contract/pair-manifest";
import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { applicationOutputRemoved } from "../../../lib/plan-review/rules/application-output-removed";
import { context, pairManifest, plan } from "../../support/plan-builder";

const PAIR = { ...pairManifest(), applicationOutputs: APPLICATION_OUTPUTS };
const reviewed = (outputChanges: Record<string, { actions: string[] }>, planStack?: string) =>
  applicationOutputRemoved.evaluate(
    plan([], { output_changes: outputChanges }),
    context({ phase: "failed-over", primary: "forgotten" }, planStack, [PAIR]),
  );

describe("rule application-output-removed", () => {
  it("flags a plan that removes an application output", () => {
    expect(reviewed({ app_uri: { actions: ["delete"] }, app_host: { actions: ["no-op"] } }, "pg-primary")).toEqual([
      expect.objectContaining({
        rule: "application-output-removed",
        severity: "danger",
        address: "output.app_uri",
        stack: "pg-primary",
        message: "the application output app_uri is removed",
      }),
    ]);
  });

  it("is compliant when application outputs stay or change value, and when only per-service outputs go (the forgotten primary's)", () => {
    expect(
      reviewed({
        app_host: { actions: ["update"] },
        app_port: { actions: ["no-op"] },
        app_standby_primary_host: { actions: ["update"] },
        primary_host: { actions: ["delete"] },
      }),
    ).toEqual([]);
  });

  it("is not applicable to a plan that touches no application output, or to stacks synthesized without them", () => {
    expect(reviewed({ primary_host: { actions: ["delete"] } })).toBe(NOT_APPLICABLE);
    expect(
      applicationOutputRemoved.evaluate(plan([], { output_changes: { app_uri: { actions: ["delete"] } } }), context()),
    ).toBe(NOT_APPLICABLE);
  });
});

describe("rule application-output-removed, whose output it is", () => {
  const ORDERS = { ...pairManifest("orders", "orders"), applicationOutputs: APPLICATION_OUTPUTS };
  const removed = (planStack: string | undefined, pairs: PairManifest[] = [PAIR, ORDERS]) =>
    applicationOutputRemoved.evaluate(
      plan([], { output_changes: { app_uri: { actions: ["delete"] } } }),
      context({ phase: "normal" }, planStack, pairs),
    );
  const WHY =
    "Applications read the pair's endpoint from this output; every phase declares it, so a plan that removes it comes from a config that lost it, and whatever reads it breaks at the apply.";

  it("names the stack when the plan's stack says whose output it is, and no stack when two pairs declare it", () => {
    expect(removed("orders")).toEqual([
      {
        rule: "application-output-removed",
        severity: "danger",
        address: "output.app_uri",
        stack: "orders",
        message: "the application output app_uri is removed",
        why: WHY,
      },
    ]);
    expect(removed(undefined)).toEqual([
      {
        rule: "application-output-removed",
        severity: "danger",
        address: "output.app_uri",
        message: "the application output app_uri is removed",
        why: WHY,
      },
    ]);
    expect(removed(undefined, [PAIR])).toEqual([expect.objectContaining({ stack: "pg-primary" })]);
  });

  it("is not applicable to a plan of a stack whose pair declares no application outputs", () => {
    expect(removed("orders", [PAIR, pairManifest("orders", "orders")])).toBe(NOT_APPLICABLE);
  });
});
