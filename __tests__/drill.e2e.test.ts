import { runScript } from "./support/project-fixture";
import { useDrScenario } from "./support/dr-scenario";
import { requirePostgres } from "./support/postgres-pair";

const scenario = useDrScenario("tok-cycle-51a0c2e9");

describe("npm run drill", () => {
  it("rehearses the whole cycle on throw-away copies and leaves the scenario.project untouched", async () => {
    const before = await scenario.project.stateAddresses();
    const result = await runScript(scenario.project, "drill", ["--transition-ms", "100"], {});
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    for (const step of ["failover", "status", "revert", "switchover", "switchback"])
      expect(result.stdout).toContain(`✔ pg-primary: ${step}`);
    expect(result.stdout).toMatch(/8 passed, 0 failed/);
    expect(await scenario.project.stateAddresses()).toEqual(before);
    expect(scenario.project.phases()).toEqual({});
  });

  it("reports a usage mistake alone, without its banner, and exit 2", async () => {
    const result = await runScript(scenario.project, "drill", ["--transition-ms", "fast"], {});
    expect(result.stderr).toBe(
      '✖ --transition-ms "fast" is not a whole number of milliseconds; use a value such as 300.\n',
    );
    expect(result.stdout).toBe("");
    expect(result.code).toBe(2);
  });

  it("with --postgres kills a real primary mid-stream of canaries, fails over, and finds the estimate no smaller than the canaries lost", async () => {
    requirePostgres();
    const result = await runScript(scenario.project, "drill", ["--transition-ms", "100", "--postgres"], {});
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/pg-primary's PostgreSQL primary killed after \d+ canaries/);
    expect(result.stdout).toMatch(
      /data at risk: the failover estimated up to \S+; the promoted standby lacks \d+ of \d+ acknowledged canaries/,
    );
    expect(result.stdout).toContain("✔ pg-primary: the canaries lost, against the failover's estimate");
    expect(result.stdout).toMatch(/9 passed, 0 failed/);
    expect(result.code).toBe(0);
  });
});
