import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { drIntegrationRemoved } from "../../../lib/plan-review/rules/dr-integration-removed";
import { context, DR_LINK, plan } from "../../support/plan-builder";

describe("rule dr-integration-removed", () => {
  it("flags a deleted DR integration, even in the failed-over phase (it must be forgotten, not destroyed)", () => {
    const findings = drIntegrationRemoved.evaluate(
      plan([{ address: "aiven_service_integration.disaster_recovery", actions: ["delete"], before: DR_LINK }]),
      context({ phase: "failed-over", primary: "frozen" }),
    );
    expect(findings).toEqual([
      expect.objectContaining({
        severity: "danger",
        stack: "pg-primary",
        message:
          'the disaster_recovery integration aiven_service_integration.disaster_recovery of pg-primary is deleted while the pair is "failed-over"',
      }),
    ]);
  });

  it("flags a replaced DR integration (reversed ends are ForceNew)", () => {
    const findings = drIntegrationRemoved.evaluate(
      plan([
        {
          address: "aiven_service_integration.disaster_recovery",
          actions: ["delete", "create"],
          before: DR_LINK,
          after: { ...DR_LINK, source_service_name: "pg-primary-dr", destination_service_name: "pg-primary" },
        },
      ]),
      context({ phase: "switched-over" }),
    );
    expect(findings).toHaveLength(1);
    expect((findings as any[])[0].why).toMatch(/ForceNew/);
  });

  it("is compliant when the integration is forgotten or left alone, and ignores other integration types", () => {
    expect(
      drIntegrationRemoved.evaluate(
        plan([
          { address: "aiven_service_integration.disaster_recovery", actions: ["forget"], before: DR_LINK },
          {
            address: "aiven_service_integration.metrics",
            actions: ["delete"],
            before: { ...DR_LINK, integration_type: "metrics" },
          },
        ]),
        context(),
      ),
    ).toEqual([]);
    expect(
      drIntegrationRemoved.evaluate(
        plan([
          {
            address: "aiven_service_integration.metrics",
            actions: ["delete"],
            before: { integration_type: "metrics" },
          },
        ]),
        context(),
      ),
    ).toBe(NOT_APPLICABLE);
  });
});
