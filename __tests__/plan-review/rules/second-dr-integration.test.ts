import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { secondDrIntegration } from "../../../lib/plan-review/rules/second-dr-integration";
import { context, DR_LINK, plan } from "../../support/plan-builder";
import { terraformMadePlan, terraformMadePlanJson } from "../support/terraform-made-plan";
import { parsePlan } from "../../../lib/plan-review/terraform-plan";

describe("rule second-dr-integration", () => {
  const create = { address: "aiven_service_integration.disaster_recovery", actions: ["create"], after: DR_LINK };

  it("flags a create while another DR integration for the pair stays in state", () => {
    const p = plan([
      create,
      { address: "aiven_service_integration.old_link", actions: ["no-op"], before: DR_LINK, after: DR_LINK },
    ]);
    expect(secondDrIntegration.evaluate(p, context())).toEqual([
      expect.objectContaining({ severity: "danger", message: expect.stringMatching(/already links the pair/) }),
    ]);
  });

  it("flags a create of an integration the phase file says must be imported", () => {
    const phase = {
      phase: "normal" as const,
      operation: "revert" as const,
      pendingImports: [{ address: "aiven_service_integration.disaster_recovery", id: "crdr-test/abc" }],
    };
    expect(secondDrIntegration.evaluate(plan([create]), context(phase))).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/records it as a pending import: Aiven already holds this integration/),
      }),
    ]);
  });

  it("flags a create when prior state already holds a DR link for the pair", () => {
    const prior = {
      prior_state: {
        format_version: "1.0",
        values: {
          root_module: {
            resources: [
              { address: "aiven_service_integration.legacy", type: "aiven_service_integration", values: DR_LINK },
            ],
          },
        },
      },
    };
    expect(secondDrIntegration.evaluate(plan([create], prior), context())).toHaveLength(1);
  });

  it("is compliant for the first link and for an import, and does not apply without creates", () => {
    expect(secondDrIntegration.evaluate(plan([create]), context())).toEqual([]);
    expect(
      secondDrIntegration.evaluate(
        plan([{ ...create, actions: ["no-op"], before: DR_LINK, importing: { id: "crdr-test/abc" } }]),
        context(),
      ),
    ).toBe(NOT_APPLICABLE);
  });
});

describe("rule second-dr-integration, across unrelated pairs", () => {
  it("does not count another pair's DR link", () => {
    const other = { ...DR_LINK, source_service_name: "orders", destination_service_name: "orders-dr" };
    const prior = {
      prior_state: {
        format_version: "1.0",
        values: {
          root_module: {
            resources: [
              {
                address: "module.orders.aiven_service_integration.disaster_recovery",
                type: "aiven_service_integration",
                values: other,
              },
            ],
          },
        },
      },
    };
    const p = plan(
      [{ address: "aiven_service_integration.disaster_recovery", actions: ["create"], after: DR_LINK }],
      prior,
    );
    expect(secondDrIntegration.evaluate(p, context())).toEqual([]);
  });

  it("does not count a link the same plan deletes", () => {
    const p = plan([
      { address: "aiven_service_integration.disaster_recovery", actions: ["create"], after: DR_LINK },
      { address: "aiven_service_integration.old_link", actions: ["delete"], before: DR_LINK },
    ]);
    expect(secondDrIntegration.evaluate(p, context())).toEqual([]);
  });
});

describe("rule second-dr-integration, after a failover (the plan terraform made when the forgotten link is declared again)", () => {
  const recreated = terraformMadePlan("tf-recreate-link-after-failover");

  it.each([
    { phase: "failed-over" as const, primary: "frozen" as const },
    { phase: "failed-over" as const, primary: "forgotten" as const },
  ])("calls re-creating the link the failover forgot a danger (%j)", (phase) => {
    expect(secondDrIntegration.evaluate(recreated, context(phase, "pg-primary"))).toEqual([
      expect.objectContaining({
        severity: "danger",
        address: "aiven_service_integration.disaster_recovery",
        stack: "pg-primary",
        message:
          'aiven_service_integration.disaster_recovery creates a disaster_recovery integration for pg-primary, which is "failed-over": the failover made Terraform forget the pair\'s link, and Aiven still holds it',
        why: expect.stringMatching(
          /^After a failover the DR link is forgotten, not gone: Aiven keeps it for the revert/,
        ),
      }),
    ]);
  });

  it("is compliant for the same create in phase normal, where state holds no link", () => {
    expect(secondDrIntegration.evaluate(recreated, context({ phase: "normal" }, "pg-primary"))).toEqual([]);
  });

  it("names the pair of the link it duplicates when the created link's ends are unknown until apply", () => {
    // The real plan, with the new link's ends unknown until apply and a legacy link of the pair left in state.
    const doc = terraformMadePlanJson("tf-recreate-link-after-failover");
    const link = doc.resource_changes.find(
      (c: { address: string }) => c.address === "aiven_service_integration.disaster_recovery",
    );
    link.change.after = { integration_type: "disaster_recovery", project: "crdr-test" };
    link.change.after_unknown = { source_service_name: true, destination_service_name: true };
    const legacy = {
      address: "aiven_service_integration.legacy",
      mode: "managed",
      type: "aiven_service_integration",
      name: "legacy",
      provider_name: "registry.terraform.io/aiven/aiven",
      schema_version: 0,
      values: DR_LINK,
      sensitive_values: {},
    };
    doc.prior_state.values.root_module.resources.push(legacy);
    const findings = secondDrIntegration.evaluate(
      parsePlan(JSON.stringify(doc), "altered"),
      context({ phase: "normal" }),
    );
    expect(findings).toEqual([
      expect.objectContaining({ stack: "pg-primary", message: expect.stringMatching(/already links the pair/) }),
    ]);
  });
});
