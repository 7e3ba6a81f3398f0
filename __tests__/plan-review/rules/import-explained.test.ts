import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { importExplained } from "../../../lib/plan-review/rules/import-explained";
import { context, DR_LINK, plan } from "../../support/plan-builder";

describe("rule import-explained", () => {
  it("explains an import the revert expects", () => {
    const p = plan([
      {
        address: "aiven_service_integration.disaster_recovery",
        actions: ["no-op"],
        before: DR_LINK,
        after: DR_LINK,
        importing: { id: "crdr-test/abc" },
      },
    ]);
    const phase = {
      phase: "normal" as const,
      pendingImports: [{ address: "aiven_service_integration.disaster_recovery", id: "crdr-test/abc" }],
    };
    expect(importExplained.evaluate(p, context(phase))).toEqual([
      expect.objectContaining({
        severity: "info",
        message: "aiven_service_integration.disaster_recovery is imported from crdr-test/abc",
        why: expect.stringMatching(/^Expected after the revert/),
      }),
    ]);
  });

  it("does not apply without imports", () => {
    expect(importExplained.evaluate(plan([]), context())).toBe(NOT_APPLICABLE);
  });
});
