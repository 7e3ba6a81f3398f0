import * as fs from "fs";
import * as path from "path";
import { Testing } from "cdktf";
import { appSettings, declarePairs } from "../lib/crdr-app";
import { synthesize } from "../lib/synth/synthesize";
import { SynthesizedStack } from "../lib/synth/synthesized-stack";
import { ProjectFixture, STACK } from "./support/project-fixture";

describe("synth of main.ts", () => {
  let project: ProjectFixture;
  beforeEach(() => (project = ProjectFixture.create()));
  afterEach(() => project.remove());

  it("writes one stack for the example pair, with the pinned addresses", () => {
    synthesize(project.dir);
    expect(SynthesizedStack.listStacks(project.outdir)).toEqual([STACK]);
    const json = JSON.parse(fs.readFileSync(path.join(project.outdir, "stacks", STACK, "cdk.tf.json"), "utf8"));

    const pgs = json.resource.aiven_pg;
    expect(Object.keys(pgs).sort()).toEqual(["primary", "recovery"]);
    expect(pgs.primary).toMatchObject({
      project: "crdr-test",
      service_name: "pg-primary",
      cloud_name: "google-europe-west1",
      plan: "startup-4",
      termination_protection: true,
    });
    expect(pgs.recovery).toMatchObject({
      project: "crdr-test",
      service_name: "pg-primary-dr",
      cloud_name: "google-europe-north1",
      plan: "startup-4",
      termination_protection: true,
    });
    expect(pgs.primary.cloud_name).not.toBe(pgs.recovery.cloud_name);

    expect(Object.keys(json.resource.aiven_service_integration)).toEqual(["disaster_recovery"]);
    expect(json.resource.aiven_service_integration.disaster_recovery).toMatchObject({
      integration_type: "disaster_recovery",
      source_service_name: "${aiven_pg.primary.service_name}",
      destination_service_name: "${aiven_pg.recovery.service_name}",
    });

    expect(json.terraform.required_providers.aiven).toEqual({ source: "aiven/aiven", version: "~> 4.34" });
    expect(json.terraform.backend).toEqual({ local: { path: `../../../terraform.${STACK}.tfstate` } });
    expect(json.provider.aiven).toEqual([{}]);
  });

  it("declares per-pair outputs, with URIs and passwords sensitive", () => {
    synthesize(project.dir);
    const outputs = project.stack().json.output;
    expect(outputs.primary_host).toEqual({ value: "${aiven_pg.primary.service_host}", sensitive: false });
    expect(outputs.recovery_port).toEqual({ value: "${aiven_pg.recovery.service_port}", sensitive: false });
    expect(outputs.primary_service_name.value).toBe("${aiven_pg.primary.service_name}");
    for (const side of ["primary", "recovery"]) {
      expect(outputs[`${side}_uri`]).toEqual({ value: `\${aiven_pg.${side}.service_uri}`, sensitive: true });
      expect(outputs[`${side}_password`]).toEqual({ value: `\${aiven_pg.${side}.service_password}`, sensitive: true });
    }
  });

  it("never writes the Aiven token into cdktf.out", () => {
    const token = "synth-secret-token-4242";
    synthesize(project.dir, { ...process.env, AIVEN_TOKEN: token, AIVEN_AUTH_TOKEN: token });
    const files = project.allFiles().filter((f) => f.startsWith(project.outdir));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(fs.readFileSync(file, "utf8")).not.toContain(token);
  });

  it("synthesizes the failed-over phase recorded in the phase file", () => {
    project.writePhases({ [STACK]: { phase: "failed-over", primary: "forgotten" } });
    synthesize(project.dir);
    const stack = project.stack();
    expect(stack.resource("aiven_service_integration.disaster_recovery")).toBeUndefined();
    expect(stack.resource("aiven_pg.primary")).toBeUndefined();
    expect(stack.pair.phase).toEqual({ phase: "failed-over", primary: "forgotten" });
    expect(stack.json.output.primary_host).toBeUndefined();
    expect(stack.json.output.recovery_host).toBeDefined();
  });

  it("takes the Aiven project from cdktf.json context, and AIVEN_PROJECT over it", () => {
    const config = JSON.parse(fs.readFileSync(path.join(project.dir, "cdktf.json"), "utf8"));
    fs.writeFileSync(
      path.join(project.dir, "cdktf.json"),
      JSON.stringify({ ...config, context: { aivenProject: "from-context" } }),
    );
    synthesize(project.dir);
    expect(project.stack().pair.project).toBe("from-context");
    synthesize(project.dir, { ...process.env, AIVEN_PROJECT: "from-env" });
    expect(project.stack().resource("aiven_pg.primary")?.project).toBe("from-env");
  });

  it("fails with one clear sentence for a phase file of an undeclared pair", () => {
    project.writePhases({ "pg-typo": { phase: "normal" } });
    expect(() => synthesize(project.dir)).toThrow(
      /The phase folder .*crdr-phases holds the phase of "pg-typo", which main.ts does not declare \(declared: "pg-primary"\); fix the stack name or remove the file\./,
    );
  });

  it("fails with one clear sentence for an unparsable backend setting", () => {
    expect(() => synthesize(project.dir, { ...process.env, CRDR_BACKEND: "{s3" })).toThrow(
      /CRDR_BACKEND is not JSON; set it to an object such as/,
    );
    expect(() => synthesize(project.dir, { ...process.env, CRDR_BACKEND: '{"type":"s3"}' })).toThrow(
      /The backend settings from CRDR_BACKEND are invalid \(bucket: .*region: /,
    );
  });
});

describe("declarePairs for a fleet", () => {
  const pairs = Array.from({ length: 3 }, (_, i) => ({
    primary: { serviceName: `orders-${i}`, cloudName: "aws-eu-west-1", plan: "business-4" },
    recovery: { cloudName: "aws-eu-central-1" },
  }));

  it("gives every pair its own stack and its own state", () => {
    const app = Testing.app();
    const stacks = declarePairs(
      app,
      { ...appSettings(app, { project: "fleet" }, {}), phaseDir: "/nonexistent/crdr-phases" },
      pairs,
    );
    expect(stacks.map((s) => s.node.id)).toEqual(["orders-0", "orders-1", "orders-2"]);
    const paths = stacks.map((s) => JSON.parse(Testing.synth(s)).terraform.backend.local.path);
    expect(new Set(paths).size).toBe(3);
  });

  it("reports the problems of all pairs in one error", () => {
    const app = Testing.app();
    const bad = [
      { ...pairs[0], recovery: { cloudName: "aws-eu-west-1" } },
      { ...pairs[1], primary: { ...pairs[1].primary, plan: "hobbyist" } },
      pairs[1],
    ];
    expect(() =>
      declarePairs(app, { ...appSettings(app, { project: "fleet" }, {}), phaseDir: "/nonexistent/x" }, bad),
    ).toThrow(
      /^5 problems in the CRDR pair declarations:\n  - pair "orders-0": recovery.cloudName "aws-eu-west-1" is the primary's region.*\n  - pair "orders-1": primary.plan "hobbyist".*\n  - stack name "orders-1" is used by more than one pair.*\n  - service "orders-1" in project "fleet" is declared by more than one pair.*\n  - service "orders-1-dr" in project "fleet"/s,
    );
  });

  it("refuses an empty declaration list", () => {
    const app = Testing.app();
    expect(() => declarePairs(app, appSettings(app, { project: "fleet" }, {}), [])).toThrow(
      /main.ts declares no CRDR pairs/,
    );
  });
});
