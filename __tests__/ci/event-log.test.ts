import { AivenClient } from "../../lib/aiven/aiven-client";
import { EventLog } from "../../lib/ci/event-log";
import { failover } from "../../lib/operations/failover";
import { SimServer } from "../../lib/simulator/sim-server";
import { captureOperationStream } from "../support/operation-stream";
import { ProjectFixture, STACK } from "../support/project-fixture";
import { RecordingTerraform } from "../support/recording-terraform";

const TOKEN = "tok-event-log-7f3b";
let project: ProjectFixture;
let sim: SimServer;

beforeAll(async () => {
  project = ProjectFixture.create();
  project.synth();
  sim = new SimServer({
    token: TOKEN,
    delays: { failoverMs: 50, rebuildMs: 50, rebalanceMs: 50, switchoverMs: 50, roleLagMs: 20 },
  });
  sim.model.addPairFromManifest(project.stack().pair);
  await sim.start();
});
afterAll(async () => {
  await sim.stop();
  project.remove();
});

const render = (ndjson: string) => {
  const lines: string[] = [];
  const log = new EventLog((line) => lines.push(line));
  for (const line of ndjson.split("\n")) log.line(line);
  return lines.join("\n");
};

describe("the readable log of an operation's --json events", () => {
  it("reads like the terminal: steps, peers, progress and the summary, with no JSON left", async () => {
    const terraform = new RecordingTerraform(project.stack().workingDirectory, [
      "aiven_pg.primary",
      "aiven_pg.recovery",
      "aiven_service_integration.disaster_recovery",
    ]);
    const stream = await captureOperationStream(async (io) => {
      await failover(
        {
          stack: STACK,
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
          env: { ...process.env, AIVEN_TOKEN: TOKEN },
          client: new AivenClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 500 }),
          reporter: io.reporter,
          terraform: terraform.factory(),
        },
      );
    });
    const text = render(stream.ndjson);
    expect(text).toContain('\n▶ resolve: reading stack "pg-primary" from the synthesized config');
    expect(text).toContain("  recovery pg-primary-dr: RUNNING/passive");
    expect(text).toContain(
      '\n▶ request: PUT /v1/project/crdr-test/service/pg-primary {"disaster_recovery_role":"failed"}',
    );
    expect(text).toMatch(/ {2}… \d[\dhms]*: pg-primary-dr: RUNNING\/active; pg-primary: POWEROFF\/failed/);
    expect(text).toContain("\n✔ pg-primary is failed over: pg-primary-dr is active.");
    expect(text).not.toContain('{"ts"');
  });

  it("leaves out the error event, which the operation prints on stderr too, and prints a line that is not an event as it came", () => {
    const text = render(
      [
        JSON.stringify({ ts: "2026-01-01T00:00:00.000Z", type: "step", message: "reading both peers", step: "peers" }),
        "npm WARN something unexpected",
        JSON.stringify({ ts: "2026-01-01T00:00:01.000Z", type: "error", exitCode: 2, message: "refused" }),
        JSON.stringify({ ts: "2026-01-01T00:00:01.000Z", type: "mystery", message: "from a newer tool" }),
      ].join("\n"),
    );
    expect(text.split("\n")).toEqual([
      "",
      "▶ peers: reading both peers",
      "npm WARN something unexpected",
      '{"ts":"2026-01-01T00:00:01.000Z","type":"mystery","message":"from a newer tool"}',
    ]);
  });
});
