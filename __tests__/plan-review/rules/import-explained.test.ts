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

describe("rule import-explained, expected and unexpected imports", () => {
  const UNEXPECTED = "Terraform takes over an object that already exists; nothing is created.";
  const importing = (
    id: string | undefined,
    actions = ["no-op"],
    address = "aiven_service_integration.disaster_recovery",
  ) =>
    plan([
      {
        address,
        actions,
        before: DR_LINK,
        after: actions.includes("update") ? { ...DR_LINK, integration_id: "def" } : DR_LINK,
        importing: (id === undefined ? {} : { id }) as { id: string },
      },
    ]);

  it("explains an import no phase file expects, in full", () => {
    expect(importExplained.evaluate(importing("crdr-test/abc"), context())).toEqual([
      {
        rule: "import-explained",
        severity: "info",
        address: "aiven_service_integration.disaster_recovery",
        stack: "pg-primary",
        message: "aiven_service_integration.disaster_recovery is imported from crdr-test/abc",
        why: UNEXPECTED,
      },
    ]);
    // A pending import of another address is not this one.
    const other = {
      phase: "normal" as const,
      pendingImports: [{ address: "aiven_pg.recovery", id: "crdr-test/pg-primary-dr" }],
    };
    expect((importExplained.evaluate(importing("crdr-test/abc"), context(other)) as any[])[0].why).toBe(UNEXPECTED);
  });

  it("says when the import is then updated, and leaves out an id the plan does not give", () => {
    expect(
      (importExplained.evaluate(importing("crdr-test/abc", ["update"]), context()) as any[]).map((f) => f.message),
    ).toEqual(["aiven_service_integration.disaster_recovery is imported from crdr-test/abc and then updated"]);
    // A replace after the import (an argument that cannot change in place differs from the object's).
    expect(
      (importExplained.evaluate(importing("crdr-test/abc", ["delete", "create"]), context()) as any[]).map(
        (f) => f.message,
      ),
    ).toEqual(["aiven_service_integration.disaster_recovery is imported from crdr-test/abc and then replaced"]);
    expect((importExplained.evaluate(importing(undefined), context()) as any[]).map((f) => f.message)).toEqual([
      "aiven_service_integration.disaster_recovery is imported",
    ]);
  });

  it("names no pair for an object of no pair, and does not apply to imports of other providers' objects", () => {
    const stranger = plan([
      {
        address: "aiven_pg.analytics",
        actions: ["no-op"],
        before: { project: "crdr-test", service_name: "analytics" },
        after: { project: "crdr-test", service_name: "analytics" },
        importing: { id: "crdr-test/analytics" },
      },
    ]);
    expect(importExplained.evaluate(stranger, context())).toEqual([
      {
        rule: "import-explained",
        severity: "info",
        address: "aiven_pg.analytics",
        message: "aiven_pg.analytics is imported from crdr-test/analytics",
        why: UNEXPECTED,
      },
    ]);
    expect(
      importExplained.evaluate(
        plan([{ address: "null_resource.x", actions: ["no-op"], before: {}, after: {}, importing: { id: "x" } }]),
        context(),
      ),
    ).toBe(NOT_APPLICABLE);
  });
});
