import * as fs from "fs";
import * as path from "path";
import { pushRehearsalState } from "../lib/drill/rehearsal-state";
import { synthesize } from "../lib/synth/synthesize";
import { useHttpDrScenario } from "./support/http-dr-scenario";
import { runScript } from "./support/project-fixture";

/**
 * A region run on remote state: four pairs, each with its own state in
 * Terraform's http backend on 127.0.0.1, two of them with their primary in
 * the region that fails.
 */
const TOKEN = "tok-http-region-8a0d42";
const WEST = "google-europe-west1";
const STACKS = Array.from({ length: 4 }, (_, i) => `bench-pg-${i}`);
const IN_WEST = STACKS.filter((_, i) => i % 2 === 0);
const ELSEWHERE = STACKS.filter((_, i) => i % 2 === 1);
const FLEET = { CRDR_BENCH_PAIRS: String(STACKS.length), CRDR_BENCH_PRIMARY_CLOUDS: `${WEST},aws-eu-west-1` };

const scenario = useHttpDrScenario(TOKEN, "bench/fleet-app.js", FLEET);

beforeEach(async () => {
  synthesize(scenario.project.dir, { ...process.env, ...scenario.project.env });
  for (const name of STACKS) {
    const { pair } = scenario.project.stack(name);
    scenario.sim.model.addPairFromManifest(pair);
    await pushRehearsalState(scenario.project.terraform(name), pair, {
      primary: true,
      recovery: true,
      integrationId: `id-${name}`,
    });
  }
});

const addresses = (name: string) =>
  (scenario.backend.state(name)?.resources ?? []).map((r) => `${r.type}.${r.name}`).sort();

describe("npm run failover -- --region on an http backend", () => {
  it("fails over the region's pairs; each remote state forgets its integration and has its own verified backup of the state as it was", async () => {
    const before = Object.fromEntries(STACKS.map((name) => [name, scenario.backend.rawState(name)!]));
    const run = await runScript(
      scenario.project,
      "failover",
      ["--region", WEST, "--yes", "--poll-interval", "200ms", "--lost-answer-grace", "2s"],
      scenario.env,
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const backupDir = path.join(scenario.project.dir, ".crdr", "backups");
    const backups = fs.readdirSync(backupDir).sort();
    expect(backups).toHaveLength(IN_WEST.length);
    for (const name of IN_WEST) {
      expect(scenario.sim.apiCalls("PUT").filter((p) => p.path.endsWith(`/service/${name}`))).toHaveLength(1);
      expect(addresses(name)).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
      const [backup] = backups.filter((f) => new RegExp(`^${name}-\\d{8}T`).test(f));
      expect(run.stdout).toContain(`[${name}] `);
      expect(run.stdout).toContain(`backed up to .crdr/backups/${backup} (private`);
      expect(JSON.parse(fs.readFileSync(path.join(backupDir, backup), "utf8"))).toEqual(JSON.parse(before[name]));
      expect((fs.statSync(path.join(backupDir, backup)).mode & 0o777).toString(8)).toBe("600");
    }
    for (const name of ELSEWHERE) {
      expect(scenario.sim.apiCalls("PUT").filter((p) => p.path.endsWith(`/service/${name}`))).toEqual([]);
      expect(scenario.backend.rawState(name)).toBe(before[name]);
    }
  });
});
