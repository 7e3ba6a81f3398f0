import { AivenClient } from "../lib/aiven/aiven-client";
import { failover } from "../lib/operations/failover";
import { CapturingReporter } from "../lib/reporting/capturing-reporter";
import { SimServer } from "../lib/simulator/sim-server";
import { stateInPrimaryRegion } from "../lib/synth/state-location";
import { synthesize } from "../lib/synth/synthesize";
import { ProjectFixture, runScript } from "./support/project-fixture";
import { RecordingTerraform } from "./support/recording-terraform";

/**
 * State kept in the region a pair would fail away from: synth warns, and the
 * failover warns loudly before its preflight (which, with that region down,
 * could not reach the state).
 */
const TOKEN = "tok-state-location-61a2";
const FLEET = { CRDR_BENCH_PAIRS: "2", CRDR_BENCH_PRIMARY_CLOUDS: "google-europe-west1,aws-eu-west-1" };
const S3_IN_EU_WEST_1 = JSON.stringify({ type: "s3", bucket: "acme-tfstate", region: "eu-west-1" });
const ALL = ["aiven_pg.primary", "aiven_pg.recovery", "aiven_service_integration.disaster_recovery"];

let project: ProjectFixture;
beforeEach(() => {
  project = ProjectFixture.create("bench/fleet-app.js", { ...FLEET, CRDR_BACKEND: S3_IN_EU_WEST_1 });
  synthesize(project.dir, { ...process.env, ...project.env });
});
afterEach(() => project.remove());

describe("state in a primary's region", () => {
  it("is found for an s3 bucket in the primary's AWS region, and only there", () => {
    expect(stateInPrimaryRegion(project.stack("bench-pg-1"))).toBe(
      "the state of bench-pg-1 is in s3 bucket acme-tfstate in eu-west-1, the region of its primary bench-pg-1 (aws-eu-west-1): a failover away from aws-eu-west-1 must read and write that state while the region is down; keep state out of the region you would fail away from (another region, or a multi-region bucket)",
    );
    expect(stateInPrimaryRegion(project.stack("bench-pg-0"))).toBeUndefined();
  });

  it("is not claimed for backends that do not say where they are", () => {
    synthesize(project.dir, {
      ...process.env,
      ...FLEET,
      CRDR_BACKEND: JSON.stringify({ type: "http", address: "https://state.example/crdr" }),
    });
    expect(stateInPrimaryRegion(project.stack("bench-pg-1"))).toBeUndefined();
  });

  it("npm run synth warns for that pair alone", async () => {
    const run = await runScript(project, "synth", [], project.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /the state of bench-pg-1 is in s3 bucket acme-tfstate in eu-west-1, the region of its primary/,
    );
    expect(run.stdout).not.toMatch(/the state of bench-pg-0/);
  });

  it("the failover warns loudly before its preflight touches the state", async () => {
    const sim = new SimServer({ token: TOKEN });
    try {
      const stack = project.stack("bench-pg-1");
      sim.model.addPairFromManifest(stack.pair);
      const url = await sim.start();
      const terraform = new RecordingTerraform(stack.workingDirectory, ALL);
      const reporter = new CapturingReporter();
      await failover(
        {
          stack: "bench-pg-1",
          dryRun: false,
          yes: true,
          timeoutMs: 10_000,
          pollIntervalMs: 20,
          lostAnswerGraceMs: 300,
          primaryUnreachable: false,
          stateOnly: false,
          force: false,
        },
        {
          projectDir: project.dir,
          env: { ...process.env, ...project.env, AIVEN_TOKEN: TOKEN },
          client: new AivenClient({ baseUrl: url, token: TOKEN, backoffMs: 10, timeoutMs: 500 }),
          reporter,
          terraform: terraform.factory(),
        },
      );
      const warning = reporter.lines.findIndex((l) =>
        l.startsWith(
          "! STATE IN THE FAILING REGION: the state of bench-pg-1 is in s3 bucket acme-tfstate in eu-west-1",
        ),
      );
      expect(warning).toBeGreaterThan(-1);
      expect(warning).toBeLessThan(reporter.lines.findIndex((l) => l.startsWith("preflight:")));
    } finally {
      await sim.stop();
    }
  });
});
