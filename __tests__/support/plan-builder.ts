import { PhaseRecord } from "../../lib/phase/phase-record";
import { PhaseFolder } from "../../lib/phase/phase-folder";
import { PairManifest } from "../../lib/contract/pair-manifest";
import { ReviewContext } from "../../lib/plan-review/review-context";
import { parsePlan, TerraformPlan } from "../../lib/plan-review/terraform-plan";

/** Plans in Terraform's documented JSON format (format_version 1.2), built for tests. */
export interface ChangeSpec {
  address: string;
  actions: string[];
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  importing?: { id: string };
  action_reason?: string;
  replace_paths?: unknown[];
  before_sensitive?: unknown;
  after_sensitive?: unknown;
  mode?: "managed" | "data";
}

export function planJson(changes: ChangeSpec[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    format_version: "1.2",
    terraform_version: "1.11.4",
    planned_values: { root_module: {} },
    resource_changes: changes.map((c) => {
      const [type, name] = c.address.replace(/^(module\.[^.]+\.)+/, "").split(".");
      return {
        address: c.address,
        mode: c.mode ?? "managed",
        type,
        name,
        provider_name: type.startsWith("aiven_")
          ? "registry.terraform.io/aiven/aiven"
          : "registry.terraform.io/hashicorp/null",
        ...(c.action_reason ? { action_reason: c.action_reason } : {}),
        change: {
          actions: c.actions,
          before: c.before ?? null,
          after: c.after ?? null,
          after_unknown: {},
          before_sensitive: c.before_sensitive ?? {},
          after_sensitive: c.after_sensitive ?? {},
          ...(c.importing ? { importing: c.importing } : {}),
          ...(c.replace_paths ? { replace_paths: c.replace_paths } : {}),
        },
      };
    }),
    configuration: {},
    ...extra,
  };
}

export function plan(changes: ChangeSpec[], extra: Record<string, unknown> = {}): TerraformPlan {
  return parsePlan(JSON.stringify(planJson(changes, extra)), "test plan");
}

export const PG_PRIMARY = {
  project: "crdr-test",
  service_name: "pg-primary",
  cloud_name: "google-europe-west1",
  plan: "startup-4",
  termination_protection: true,
};
export const PG_RECOVERY = {
  project: "crdr-test",
  service_name: "pg-primary-dr",
  cloud_name: "google-europe-north1",
  plan: "startup-4",
  termination_protection: true,
};
export const DR_LINK = {
  project: "crdr-test",
  integration_type: "disaster_recovery",
  source_service_name: "pg-primary",
  destination_service_name: "pg-primary-dr",
  integration_id: "abc",
};

export function pairManifest(stack = "pg-primary", primary = "pg-primary", recovery = `${primary}-dr`): PairManifest {
  return {
    version: 1,
    stack,
    project: "crdr-test",
    phase: { phase: "normal" },
    primary: {
      serviceName: primary,
      cloudName: "google-europe-west1",
      plan: "startup-4",
      address: "aiven_pg.primary",
      layout: "managed",
    },
    recovery: {
      serviceName: recovery,
      cloudName: "google-europe-north1",
      plan: "startup-4",
      address: "aiven_pg.recovery",
      layout: "managed",
    },
    integration: {
      integrationType: "disaster_recovery",
      address: "aiven_service_integration.disaster_recovery",
      layout: "managed",
    },
  };
}

export function context(
  phase: PhaseRecord = { phase: "normal" },
  planStack?: string,
  pairs = [pairManifest()],
): ReviewContext {
  return new ReviewContext(pairs, PhaseFolder.inMemory({ [pairs[0].stack]: phase }), planStack);
}
