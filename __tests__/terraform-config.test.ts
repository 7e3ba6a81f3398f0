import * as fs from "fs";
import * as path from "path";
import { PhaseRecord } from "../lib/phase/phase-record";
import { synthesize } from "../lib/synth/synthesize";
import { TerraformCli } from "../lib/terraform/terraform-cli";
import { ProjectFixture, STACK } from "./support/project-fixture";
import { requireTerraform } from "./support/terraform";

/**
 * `terraform init` parses the whole configuration before it installs
 * providers, so with no registry reachable it still rejects invalid JSON
 * config (removed, import and lifecycle blocks included). Each phase's
 * synthesized stack must get no further than the provider download.
 */
describe("the synthesized Terraform configuration", () => {
  let project: ProjectFixture;
  beforeAll(() => {
    requireTerraform();
    project = ProjectFixture.create();
  });
  afterAll(() => project.remove());

  const phases: PhaseRecord[] = [
    { phase: "normal" },
    { phase: "failed-over", primary: "frozen" },
    { phase: "failed-over", primary: "forgotten" },
    { phase: "switched-over" },
    {
      phase: "normal",
      pendingImports: [
        { address: "aiven_pg.primary", id: "crdr-test/pg-primary" },
        { address: "aiven_service_integration.disaster_recovery", id: "crdr-test/abc" },
      ],
    },
    {
      phase: "switched-over",
      pendingImports: [{ address: "aiven_service_integration.disaster_recovery", id: "crdr-test/abc" }],
    },
  ];

  it.each(phases.map((p) => [JSON.stringify(p), p] as const))(
    "is accepted by terraform init in phase %s",
    async (_label, record) => {
      project.writePhases({ [STACK]: record });
      const stack = project.synth();
      const init = await new TerraformCli({
        cwd: stack.workingDirectory,
        env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null" },
      }).initBackend();
      expect(init.output).not.toMatch(/problems with the configuration/);
    },
  );

  it("is rejected by terraform init when the configuration is invalid (the check above can fail)", async () => {
    const stack = project.synth();
    const broken = path.join(stack.workingDirectory, "broken.tf.json");
    fs.writeFileSync(broken, JSON.stringify({ removed: [{ from: "aiven_pg.not an address" }] }));
    try {
      await expect(
        new TerraformCli({
          cwd: stack.workingDirectory,
          env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null" },
        }).initBackend(),
      ).rejects.toThrow(
        /terraform init -input=false -no-color" failed in .*Fix what it reports \(configuration, backend settings or credentials\), then rerun\./s,
      );
    } finally {
      fs.rmSync(broken);
    }
  });

  it("declares from day one the terraform version the whole DR cycle needs, in every phase and with every backend", () => {
    const requiredIn = (record: PhaseRecord, env: NodeJS.ProcessEnv = {}) => {
      project.writePhases({ [STACK]: record });
      synthesize(project.dir, { ...process.env, ...env });
      return project.stack().json.terraform.required_version;
    };
    // A failover adds removed { lifecycle { destroy = false } }, which needs 1.10:
    // a pipeline that plans the normal phase must already meet it.
    expect(requiredIn({ phase: "normal" })).toBe(">= 1.10.0");
    expect(requiredIn({ phase: "switched-over" })).toBe(">= 1.10.0");
    expect(requiredIn({ phase: "failed-over", primary: "frozen" })).toBe(">= 1.10.0");
    expect(
      requiredIn(
        { phase: "normal" },
        { CRDR_BACKEND: JSON.stringify({ type: "s3", bucket: "b", region: "eu-north-1" }) },
      ),
    ).toBe(">= 1.10.0");
    expect(
      requiredIn(
        { phase: "normal" },
        {
          CRDR_BACKEND: JSON.stringify({
            type: "s3",
            bucket: "b",
            region: "eu-north-1",
            useLockfile: false,
            dynamodbTable: "locks",
          }),
        },
      ),
    ).toBe(">= 1.10.0");
  });
});
