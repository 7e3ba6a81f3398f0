import * as fs from "fs";
import * as path from "path";
import { useDrScenario } from "./support/dr-scenario";
import { PRIMARY, PROJECT, RECOVERY, runOperation } from "./support/dr-operations";
import { REPO, runScript, ScriptRun } from "./support/project-fixture";
import { PgNode, PostgresPair, requirePostgres } from "./support/postgres-pair";

const TOKEN = "rpo-token-5c1d9e";
// Promoting a real standby and stopping the primary happen before the PUT's answer.
const SLOW_ANSWERS = { CRDR_API_TIMEOUT_MS: "60000" };

describe("the RPO guard, on a real PostgreSQL 15 primary and streaming standby", () => {
  let pg: PostgresPair | undefined;
  const runs: ScriptRun[] = [];
  // Registered before the scenario's hooks, so it runs while the project is still there.
  afterEach(async () => {
    // Nothing any run printed, journaled or left in the project holds the password.
    const secret = pg!.password;
    try {
      for (const run of runs.splice(0)) expect(run.stdout + run.stderr).not.toContain(secret);
      for (const file of s.project.allFiles()) expect(fs.readFileSync(file, "utf8")).not.toContain(secret);
    } finally {
      await pg?.stop();
      pg = undefined;
    }
  });
  const s = useDrScenario(TOKEN);

  beforeAll(() => requirePostgres());
  beforeEach(async () => {
    pg = await PostgresPair.start();
    for (const [service, node] of [
      [PRIMARY, "primary"],
      [RECOVERY, "standby"],
    ] as Array<[string, PgNode]>) {
      const e = pg.endpoint(node);
      s.sim.model.attachDatabase(
        PROJECT,
        service,
        { host: e.host, port: e.port, user: e.user, password: e.password, dbname: e.database, sslmode: "disable" },
        () => pg!.kill(node),
      );
    }
    await pg.sql("primary", "create table canary (id serial primary key, at timestamptz default clock_timestamp())");
    await pg.sql("primary", "insert into canary default values");
    await pg.waitUntilCaughtUp();
  });
  async function run(script: string, ...args: string[]): Promise<ScriptRun> {
    const result = await runOperation(s, script, args, SLOW_ANSWERS);
    runs.push(result);
    return result;
  }
  const rolePuts = () =>
    s.sim.apiCalls("PUT").filter((r) => (r.body as { disaster_recovery_role?: string })?.disaster_recovery_role);
  const journal = () =>
    fs
      .readFileSync(path.join(s.project.dir, ".crdr", "journal", "pg-primary.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  const events = (r: ScriptRun) =>
    r.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l));

  /** Stops the standby's WAL receiver (empty primary_conninfo) and waits until its newest replayed transaction is older than `ageMs`. */
  async function cutWalReceiver(ageMs: number): Promise<void> {
    await pg!.sql("standby", "alter system set primary_conninfo = ''");
    await pg!.sql("standby", "select pg_reload_conf()");
    await pg!.waitFor(
      "the WAL receiver to stop",
      async () => (await pg!.sql("standby", "select count(*)::int as n from pg_stat_wal_receiver"))[0].n === 0,
    );
    await pg!.waitFor(`the newest replayed transaction to be older than ${ageMs}ms`, async () => {
      const [row] = await pg!.sql<{ old: boolean }>(
        "standby",
        "select clock_timestamp() - pg_last_xact_replay_timestamp() > $1::interval as old",
        [`${ageMs} milliseconds`],
      );
      return row.old;
    });
  }

  /** Pauses replay on the standby and writes on the primary until the standby holds WAL it has not replayed. */
  async function pauseReplayWithBacklog(): Promise<void> {
    await pg!.sql("standby", "select pg_wal_replay_pause()");
    await pg!.sql("primary", "insert into canary select from generate_series(1, 1000)");
    const [{ lsn }] = await pg!.sql<{ lsn: string }>("primary", "select pg_current_wal_lsn()::text as lsn");
    await pg!.waitFor("the standby to receive WAL it does not replay", async () => {
      const [row] = await pg!.sql<{ received: boolean; behind: boolean }>(
        "standby",
        "select pg_last_wal_receive_lsn() >= $1::pg_lsn as received, pg_last_wal_replay_lsn() < pg_last_wal_receive_lsn() as behind",
        [lsn],
      );
      return row.received && row.behind;
    });
  }

  it("the simulator's records carry the clusters' login in service_uri_params, and each service's own node as its disaster_recovery component", () => {
    const recovery = s.sim.model.getService(PROJECT, RECOVERY);
    expect(recovery.service_uri_params).toMatchObject({
      user: "crdr",
      password: pg!.password,
      dbname: "postgres",
      sslmode: "disable",
    });
    expect(recovery.components).toContainEqual({
      component: "pg",
      host: "127.0.0.1",
      port: pg!.endpoint("standby").port,
      route: "dynamic",
      usage: "disaster_recovery",
    });
  });

  it("prints the measured replication before the prompt, keeps it in the journal and the timeline, and without an objective fails over: the standby promoted, the primary stopped", async () => {
    const result = await run("failover");
    expect(result.code).toBe(0);
    const line =
      /pg-primary-dr last heard from the primary (\d+m?s|\d+ms) ago; 0 B waiting to replay; newest replayed transaction \S+ old; up to \S+ of the primary's writes could be lost/;
    expect(result.stdout).toMatch(line);
    expect(result.stdout.search(line)).toBeLessThan(result.stdout.indexOf("▶ request"));
    expect(rolePuts()).toHaveLength(1);

    const entries = journal();
    const measured = entries.find((e) => e.event === "replication-measured");
    expect(measured).toMatchObject({
      service: RECOVERY,
      figures: { receiverStatus: "streaming", replayBacklogBytes: 0, receiveGapBytes: 0 },
      estimate: { known: true },
    });
    expect(measured.source).toContain(`127.0.0.1:${pg!.endpoint("standby").port}`);
    expect(entries.find((e) => e.event === "timeline").timeline.measured.replication.figures.receiverStatus).toBe(
      "streaming",
    );

    expect((await pg!.sql<{ r: boolean }>("standby", "select pg_is_in_recovery() as r"))[0].r).toBe(false);
    await expect(pg!.sql("primary", "select 1")).rejects.toThrow(/ECONNREFUSED/);
  });

  it("measures the WAL waiting to replay while replay is paused, as received (not lost), in the --json events", async () => {
    await pauseReplayWithBacklog();
    const result = await run("failover", "--dry-run", "--json", "--max-data-loss", "1h");
    expect(result.code).toBe(0);
    const event = events(result).find((e) => e.replication);
    expect(event.message).toMatch(
      /pg-primary-dr last heard from the primary \S+ ago; [1-9][\d.]* k?B waiting to replay/,
    );
    expect(event.replication.figures.replayBacklogBytes).toBeGreaterThan(0);
    expect(event.replication.figures.receiveGapBytes).toBe(0);
    expect(event.replication.estimate.known).toBe(true);
    expect(rolePuts()).toHaveLength(0);
  });

  it("refuses a failover above the objective with the walreceiver cut: exit 2, one sentence with the figure, no role change", async () => {
    await cutWalReceiver(2000);
    const result = await run("failover", "--max-data-loss", "1s");
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(
      "pg-primary-dr has no link to the primary (no WAL receiver running); 0 B waiting to replay",
    );
    expect(result.stderr.trim()).toMatch(
      /^✖ Not failing over: pg-primary-dr: up to ([2-9]|\d\d+)s of the primary's writes could be lost, above the objective of 1s \(--max-data-loss\); nothing was changed\. .*--accept-data-loss/,
    );
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(rolePuts()).toHaveLength(0);
    expect((await pg!.sql<{ r: boolean }>("standby", "select pg_is_in_recovery() as r"))[0].r).toBe(true);
  });

  it("refuses a failover with an objective when the standby cannot be reached: exit 2, no role change", async () => {
    await pg!.kill("standby");
    const result = await run("failover", "--max-data-loss", "30s");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `Not failing over: the data a failover to pg-primary-dr would lose cannot be measured \\(127\\.0\\.0\\.1:${pg!.endpoint("standby").port} could not be read \\(.*ECONNREFUSED.*\\)\\), and the objective is 30s`,
      ),
    );
    expect(rolePuts()).toHaveLength(0);
  });

  it("with --accept-data-loss fails over above the objective: one role change, the acceptance journaled with the figure", async () => {
    await cutWalReceiver(2000);
    const result = await run("failover", "--max-data-loss", "1s", "--accept-data-loss");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /! --accept-data-loss: pg-primary-dr: up to \d+s of the primary's writes could be lost, above the objective of 1s/,
    );
    expect(rolePuts()).toHaveLength(1);
    const accepted = journal().find((e) => e.event === "data-loss-accepted");
    expect(accepted).toMatchObject({
      objectiveMs: 1000,
      objectiveSource: "--max-data-loss",
      estimate: { known: true },
    });
    expect(accepted.estimate.atMostMs).toBeGreaterThan(2000);
    expect((await pg!.sql<{ r: boolean }>("standby", "select pg_is_in_recovery() as r"))[0].r).toBe(false);
  });

  it("refuses a switchover while the standby is behind (replay paused): exit 2, nothing sent", async () => {
    await pauseReplayWithBacklog();
    const result = await run("switchover");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /Not starting the switchover: pg-primary-dr is not caught up \(it has WAL waiting to replay\)/,
    );
    expect(rolePuts()).toHaveLength(0);
  });

  it("leaves a switchover to Aiven's lossless handover, with a warning, when the standby cannot be reached from here at all", async () => {
    await pg!.kill("standby");
    const result = await run("switchover");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /! pg-primary-dr: replication unknown \(127\.0\.0\.1:\d+ could not be read \(.*ECONNREFUSED.*\)\); not checked from here, so the switchover rests on Aiven's own lossless handover/,
    );
    expect(rolePuts()).toHaveLength(1);
  });

  it("lets a switchover go from a standby that streams and is caught up", async () => {
    const result = await run("switchover");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/pg-primary-dr last heard from the primary \S+ ago; 0 B waiting to replay/);
    expect(rolePuts()).toHaveLength(1);
  });

  it("status shows the standby's replication figures, and why they are unknown once no peer is passive", async () => {
    const json = await runScript(s.project, "status", ["--stack", "pg-primary", "--json"], s.env);
    const text = await runScript(s.project, "status", ["--stack", "pg-primary"], s.env);
    runs.push(json, text);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).pairs[0].replication).toMatchObject({
      service: RECOVERY,
      figures: { receiverStatus: "streaming", replayBacklogBytes: 0 },
      estimate: { known: true },
    });
    expect(text.stdout).toMatch(
      /\n {2}standby {3}pg-primary-dr last heard from the primary \S+ ago; 0 B waiting to replay; newest replayed transaction \S+ old/,
    );

    expect((await run("failover")).code).toBe(0);
    const after = await runScript(s.project, "status", ["--stack", "pg-primary", "--json"], s.env);
    runs.push(after);
    expect(JSON.parse(after.stdout).pairs[0].replication).toEqual({
      line: "unknown: neither peer is a readable passive service, so there is no standby to measure",
    });
  });

  it("applies the pair's declared maxDataLoss, read from cdk.tf.json: refuses above it without any flag", async () => {
    // The same pair, declared with an objective by an app of the project's own.
    const app = path.join(s.project.dir, "app-with-objective.js");
    const lib = (m: string) => JSON.stringify(path.join(REPO, "dist", "lib", m));
    fs.writeFileSync(
      app,
      [
        `const { App } = require(${JSON.stringify(path.join(REPO, "node_modules", "cdktf"))});`,
        `const { appSettings, declarePairs } = require(${lib("crdr-app")});`,
        `const { runSynthApp } = require(${lib("synth/run-synth-app")});`,
        `runSynthApp(() => {`,
        `  const app = new App();`,
        `  declarePairs(app, appSettings(app, { project: "crdr-test" }), [{ primary: { serviceName: "pg-primary", cloudName: "google-europe-west1", plan: "startup-4" }, recovery: { cloudName: "google-europe-north1" }, maxDataLoss: "1s" }]);`,
        `  app.synth();`,
        `});`,
      ].join("\n"),
    );
    fs.writeFileSync(
      path.join(s.project.dir, "cdktf.json"),
      JSON.stringify({ language: "typescript", app: `node ${JSON.stringify(app)}`, context: {} }),
    );
    expect(s.project.synth().pair.maxDataLoss).toBe("1s");

    await cutWalReceiver(2000);
    const result = await run("failover");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /Not failing over: pg-primary-dr: up to \d+s of the primary's writes could be lost, above the objective of 1s \(the pair's maxDataLoss\)/,
    );
    expect(rolePuts()).toHaveLength(0);
  });
});
