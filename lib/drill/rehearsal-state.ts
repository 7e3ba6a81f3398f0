import { randomUUID } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PairManifest, PeerSide } from "../contract/pair-manifest";
import { TerraformRunner } from "../terraform/terraform-runner";
import { StateOutput } from "./output-evaluation";

/** What an apply would also have written: services' attributes read from Aiven (and which are sensitive), and the root outputs. */
export interface AppliedValues {
  readonly attributes?: Partial<Record<PeerSide, Record<string, unknown>>>;
  readonly sensitive?: readonly string[];
  readonly outputs?: Record<string, StateOutput>;
}

/**
 * Writes a Terraform state holding the given resources of a pair, at the
 * addresses its synthesized stack names, as an apply would have left it, and
 * pushes it with `terraform state push`. For drills and tests: no provider is
 * needed, only the backend.
 */
export async function pushRehearsalState(
  terraform: TerraformRunner,
  pair: PairManifest,
  which: { primary: boolean; recovery: boolean; integrationId?: string },
  applied: AppliedValues = {},
): Promise<void> {
  const resource = (address: string, attributes: Record<string, unknown>) => {
    const sensitive = (applied.sensitive ?? [])
      .filter((a) => a in attributes)
      .map((a) => [{ type: "get_attr", value: a }]);
    const [type, name] = address.split(".");
    return {
      mode: "managed",
      type,
      name,
      provider: 'provider["registry.terraform.io/aiven/aiven"]',
      instances: [{ schema_version: 0, attributes, sensitive_attributes: sensitive }],
    };
  };
  const service = (side: "primary" | "recovery") =>
    resource(pair[side].address, {
      id: `${pair.project}/${pair[side].serviceName}`,
      project: pair.project,
      service_name: pair[side].serviceName,
      cloud_name: pair[side].cloudName,
      plan: pair[side].plan,
      termination_protection: true,
      ...applied.attributes?.[side],
    });
  const resources = [
    ...(which.primary ? [service("primary")] : []),
    ...(which.recovery ? [service("recovery")] : []),
    ...(which.integrationId
      ? [
          resource(pair.integration.address, {
            id: `${pair.project}/${which.integrationId}`,
            integration_id: which.integrationId,
            project: pair.project,
            integration_type: "disaster_recovery",
            source_service_name: pair.primary.serviceName,
            destination_service_name: pair.recovery.serviceName,
          }),
        ]
      : []),
  ];
  await terraform.initBackend();
  // Continue the existing state's lineage (a push of another lineage is refused).
  const existing = (await terraform.stateList()).length
    ? (JSON.parse(await terraform.statePull()) as { serial: number; lineage: string })
    : undefined;
  const serial = existing ? existing.serial + 1 : 1;
  const lineage = existing?.lineage ?? randomUUID();
  const state = {
    version: 4,
    terraform_version: "1.11.4",
    serial,
    lineage,
    outputs: applied.outputs ?? {},
    resources,
    check_results: null,
  };
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "crdr-state-")), "push.tfstate");
  fs.writeFileSync(file, JSON.stringify(state), { mode: 0o600 });
  try {
    await terraform.statePush(file);
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}
