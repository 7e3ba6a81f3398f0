import * as fs from "fs";
import * as path from "path";
import { Testing, TerraformStack } from "cdktf";
import { Pg } from "../.gen/providers/aiven/pg";
import { AivenProvider } from "../.gen/providers/aiven/provider";
import { ServiceIntegration } from "../.gen/providers/aiven/service-integration";
import { CrdrPair } from "../lib/pair/crdr-pair";
import { CrdrPairProps } from "../lib/pair/crdr-pair-props";
import { PAIR_MANIFEST_KEY } from "../lib/contract/pair-manifest";
import { examplePairProps } from "./support/example-pair";

function synthPair(props: CrdrPairProps): any {
  return JSON.parse(Testing.synthScope((scope) => new CrdrPair(scope, "pair", props)));
}

/** Synthesizes to disk so the "//" metadata (stripped by Testing.synth) is kept. */
function fullSynthPair(props: CrdrPairProps): any {
  const stack = new TerraformStack(Testing.app(), "pg-primary");
  new AivenProvider(stack, "aiven");
  new CrdrPair(stack, "pair", props);
  const outdir = Testing.fullSynth(stack);
  return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "pg-primary", "cdk.tf.json"), "utf8"));
}

describe("CrdrPair in the normal phase", () => {
  const synthesized = Testing.synthScope((scope) => new CrdrPair(scope, "pair", examplePairProps()));
  const json = JSON.parse(synthesized);

  it("declares the primary at aiven_pg.primary in the primary's region", () => {
    expect(json.resource.aiven_pg.primary).toMatchObject({
      project: "crdr-test",
      service_name: "pg-primary",
      cloud_name: "google-europe-west1",
      plan: "startup-4",
    });
  });

  it("declares the recovery service at aiven_pg.recovery, named <primary>-dr, on the primary's plan", () => {
    expect(synthesized).toHaveResourceWithProperties(Pg, {
      service_name: "pg-primary-dr",
      cloud_name: "google-europe-north1",
      plan: "startup-4",
    });
    expect(json.resource.aiven_pg.recovery.service_name).toBe("pg-primary-dr");
  });

  it("turns termination protection on for both services by default", () => {
    expect(json.resource.aiven_pg.primary.termination_protection).toBe(true);
    expect(json.resource.aiven_pg.recovery.termination_protection).toBe(true);
  });

  it("gives both services a create timeout long enough for the recovery service's rebuild", () => {
    expect(json.resource.aiven_pg.primary.timeouts).toEqual({ create: "6h" });
    expect(json.resource.aiven_pg.recovery.timeouts).toEqual({ create: "6h" });
  });

  it("declares the disaster_recovery integration from the primary to the recovery service, after both", () => {
    expect(synthesized).toHaveResourceWithProperties(ServiceIntegration, { integration_type: "disaster_recovery" });
    expect(json.resource.aiven_service_integration.disaster_recovery).toEqual({
      project: "crdr-test",
      integration_type: "disaster_recovery",
      source_service_name: "${aiven_pg.primary.service_name}",
      destination_service_name: "${aiven_pg.recovery.service_name}",
      depends_on: ["aiven_pg.primary", "aiven_pg.recovery"],
    });
  });

  it("declares nothing else and forgets nothing", () => {
    expect(Object.keys(json.resource)).toEqual(["aiven_pg", "aiven_service_integration"]);
    expect(Object.keys(json.resource.aiven_pg).sort()).toEqual(["primary", "recovery"]);
    expect(json.removed).toBeUndefined();
    expect(json.resource.aiven_pg.primary.lifecycle).toBeUndefined();
  });

  it("matches the reviewed snapshot", () => {
    expect(json).toMatchSnapshot();
  });
});

describe("CrdrPair props", () => {
  it("passes pg_user_config through to both services, with pgVersion taking precedence", () => {
    const json = synthPair(
      examplePairProps({
        pgVersion: "16",
        pgUserConfig: { pgVersion: "15", backupHour: 3, ipFilterString: ["10.0.0.0/8"] },
      }),
    );
    for (const side of ["primary", "recovery"]) {
      expect(json.resource.aiven_pg[side].pg_user_config).toEqual({
        pg_version: "16",
        backup_hour: 3,
        ip_filter_string: ["10.0.0.0/8"],
      });
    }
  });

  it("tags both services, in a stable order", () => {
    const json = synthPair(examplePairProps({ tags: { team: "db", env: "prod" } }));
    expect(json.resource.aiven_pg.recovery.tag).toEqual([
      { key: "env", value: "prod" },
      { key: "team", value: "db" },
    ]);
  });

  it("lets termination protection be turned off explicitly", () => {
    const json = synthPair(examplePairProps({ terminationProtection: false }));
    expect(json.resource.aiven_pg.primary.termination_protection).toBe(false);
    expect(json.resource.aiven_pg.recovery.termination_protection).toBe(false);
  });

  it("uses the recovery's own name, plan and maintenance window when given", () => {
    const json = synthPair(
      examplePairProps({
        primary: {
          serviceName: "orders",
          cloudName: "aws-eu-west-1",
          plan: "business-8",
          maintenanceWindow: { dow: "sunday", time: "03:00:00" },
        },
        recovery: { serviceName: "orders-standby", cloudName: "aws-eu-central-1", plan: "business-16" },
      }),
    );
    expect(json.resource.aiven_pg.recovery).toMatchObject({
      service_name: "orders-standby",
      plan: "business-16",
      maintenance_window_dow: "sunday",
      maintenance_window_time: "03:00:00",
    });
  });

  it("refuses a second pair in the same stack, because addresses are pinned", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        new CrdrPair(scope, "a", examplePairProps());
        new CrdrPair(scope, "b", examplePairProps());
      }),
    ).toThrow(/declare each pair in its own stack/);
  });
});

describe("CrdrPair in the failed-over phase", () => {
  it("with the primary frozen: no integration, and a primary no plan can update or destroy", () => {
    const json = synthPair(examplePairProps({ phase: { phase: "failed-over", primary: "frozen" } }));
    expect(json.resource.aiven_service_integration).toBeUndefined();
    expect(json.resource.aiven_pg.primary.lifecycle).toEqual({ ignore_changes: "all", prevent_destroy: true });
    expect(json.removed).toEqual([
      { from: "aiven_service_integration.disaster_recovery", lifecycle: { destroy: false } },
    ]);
  });

  it("with the primary forgotten: no primary, no integration, and both forgotten rather than destroyed", () => {
    const json = synthPair(examplePairProps({ phase: { phase: "failed-over", primary: "forgotten" } }));
    expect(Object.keys(json.resource.aiven_pg)).toEqual(["recovery"]);
    expect(json.resource.aiven_service_integration).toBeUndefined();
    expect(json.removed).toEqual([
      { from: "aiven_pg.primary", lifecycle: { destroy: false } },
      { from: "aiven_service_integration.disaster_recovery", lifecycle: { destroy: false } },
    ]);
  });

  it("leaves the recovery service exactly as in the normal phase", () => {
    const normal = synthPair(examplePairProps());
    for (const primary of ["frozen", "forgotten"] as const) {
      const failed = synthPair(examplePairProps({ phase: { phase: "failed-over", primary } }));
      expect(failed.resource.aiven_pg.recovery).toEqual(normal.resource.aiven_pg.recovery);
    }
  });
});

describe("the pair manifest in cdk.tf.json", () => {
  it("names the project, both services and every address, whatever the phase declares", () => {
    const json = fullSynthPair(examplePairProps({ phase: { phase: "failed-over", primary: "forgotten" } }));
    expect(json["//"][PAIR_MANIFEST_KEY]).toEqual({
      version: 1,
      stack: "pg-primary",
      project: "crdr-test",
      phase: { phase: "failed-over", primary: "forgotten" },
      primary: {
        serviceName: "pg-primary",
        cloudName: "google-europe-west1",
        plan: "startup-4",
        address: "aiven_pg.primary",
        layout: "forgotten",
      },
      recovery: {
        serviceName: "pg-primary-dr",
        cloudName: "google-europe-north1",
        plan: "startup-4",
        address: "aiven_pg.recovery",
        layout: "managed",
      },
      integration: {
        integrationType: "disaster_recovery",
        address: "aiven_service_integration.disaster_recovery",
        layout: "forgotten",
      },
      applicationOutputs: {
        host: "app_host",
        port: "app_port",
        uri: "app_uri",
        standby: {
          primary: { host: "app_standby_primary_host", port: "app_standby_primary_port" },
          recovery: { host: "app_standby_recovery_host", port: "app_standby_recovery_port" },
        },
      },
    });
  });
});

describe("the pair's recovery-point objective", () => {
  it("is in the manifest, where the failover reads it, only when declared", () => {
    expect(fullSynthPair(examplePairProps({ maxDataLoss: "30s" }))["//"][PAIR_MANIFEST_KEY].maxDataLoss).toBe("30s");
    expect(fullSynthPair(examplePairProps())["//"][PAIR_MANIFEST_KEY]).not.toHaveProperty("maxDataLoss");
  });

  it("refuses a value that is not a duration at synth, naming it", () => {
    expect(() => synthPair(examplePairProps({ maxDataLoss: "soon" as never }))).toThrow(
      /maxDataLoss "soon" is not a duration/,
    );
  });
});

describe("the pair's priority tier in the manifest", () => {
  it("carries a declared tier for the tooling, and none when the pair declares none", () => {
    expect(fullSynthPair(examplePairProps({ tier: 1 }))["//"][PAIR_MANIFEST_KEY].tier).toBe(1);
    expect(fullSynthPair(examplePairProps())["//"][PAIR_MANIFEST_KEY]).not.toHaveProperty("tier");
  });

  it("refuses a tier out of range at synth, naming it", () => {
    expect(() => fullSynthPair(examplePairProps({ tier: 0 }))).toThrow(
      /tier 0 is not a priority tier; use a whole number from 1 \(most important\) to 9/,
    );
  });
});

describe("CrdrPair in the switched-over phase", () => {
  it("keeps all three resources, with the integration frozen so its ForceNew ends never plan a replacement", () => {
    const normal = synthPair(examplePairProps());
    const json = synthPair(examplePairProps({ phase: { phase: "switched-over" } }));
    const { lifecycle, ...integration } = json.resource.aiven_service_integration.disaster_recovery;
    expect(lifecycle).toEqual({ ignore_changes: "all", prevent_destroy: true });
    expect(integration).toEqual(normal.resource.aiven_service_integration.disaster_recovery);
    expect(json.resource.aiven_pg).toEqual(normal.resource.aiven_pg);
    expect(json.removed).toBeUndefined();
  });
});

describe("CrdrPair after a revert with pending imports", () => {
  it("declares import blocks so the plan imports rather than creates", () => {
    const json = synthPair(
      examplePairProps({
        phase: {
          phase: "normal",
          operation: "revert",
          pendingImports: [
            { address: "aiven_pg.primary", id: "crdr-test/pg-primary" },
            { address: "aiven_service_integration.disaster_recovery", id: "crdr-test/abc-123" },
          ],
        },
      }),
    );
    expect(json.import).toEqual([
      { to: "aiven_pg.primary", id: "crdr-test/pg-primary" },
      { to: "aiven_service_integration.disaster_recovery", id: "crdr-test/abc-123" },
    ]);
    expect(json.resource.aiven_pg.primary.lifecycle).toBeUndefined();
    expect(json.resource.aiven_service_integration.disaster_recovery).toBeDefined();
  });

  it("declares no import blocks in a plain normal phase", () => {
    expect(synthPair(examplePairProps()).import).toBeUndefined();
  });
});
