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

describe("rule dr-integration-removed, in its own words", () => {
  it("names the pair and its phase for a replace, and why a replace leaves no DR link", () => {
    expect(
      drIntegrationRemoved.evaluate(
        plan([
          {
            address: "aiven_service_integration.disaster_recovery",
            actions: ["create", "delete"],
            before: DR_LINK,
            after: DR_LINK,
          },
        ]),
        context(),
      ),
    ).toEqual([
      {
        rule: "dr-integration-removed",
        severity: "danger",
        address: "aiven_service_integration.disaster_recovery",
        stack: "pg-primary",
        message:
          'the disaster_recovery integration aiven_service_integration.disaster_recovery of pg-primary is replaced while the pair is "normal"',
        why: "Source and destination are ForceNew: a replace destroys the DR link and creates a new one, leaving the pair without disaster recovery until the new recovery copy is rebuilt.",
      },
    ]);
  });

  it("names a DR link outside the pairs by its address alone, and says why a delete ends disaster recovery", () => {
    const other = { ...DR_LINK, source_service_name: "pg-other", destination_service_name: "pg-other-dr" };
    expect(
      drIntegrationRemoved.evaluate(
        plan([{ address: "module.other.aiven_service_integration.dr", actions: ["delete"], before: other }]),
        context({ phase: "normal" }, "pg-primary"),
      ),
    ).toEqual([
      {
        rule: "dr-integration-removed",
        severity: "danger",
        address: "module.other.aiven_service_integration.dr",
        message: "the disaster_recovery integration module.other.aiven_service_integration.dr is deleted",
        why: "Without the integration the recovery service stops following the primary: the pair has no disaster recovery. After a failover the integration must be forgotten (removed block or state rm), not destroyed.",
      },
    ]);
  });

  it("takes only an aiven_service_integration for a DR link, whatever another resource's attributes say", () => {
    expect(
      drIntegrationRemoved.evaluate(
        plan([{ address: "aiven_kafka_connector.copy", actions: ["delete"], before: DR_LINK }]),
        context(),
      ),
    ).toBe(NOT_APPLICABLE);
  });

  it("reviews a DR link that is only being created, and finds nothing wrong with it", () => {
    expect(
      drIntegrationRemoved.evaluate(
        plan([{ address: "aiven_service_integration.disaster_recovery", actions: ["create"], after: DR_LINK }]),
        context(),
      ),
    ).toEqual([]);
  });
});
