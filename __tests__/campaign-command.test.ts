import { spawnSync } from "child_process";
import * as path from "path";

const CAMPAIGN = path.join(__dirname, "..", "tools", "campaign.js");

describe("npm run campaign: its options", () => {
  it("refuses a count that is not a whole number with one sentence naming the option, exit 2, and runs nothing", () => {
    const run = spawnSync(process.execPath, [CAMPAIGN, "--runs", "x"], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/option '--runs <n>' argument 'x' is invalid\. give a whole number/);
    expect(run.stdout).not.toMatch(/fault-campaign/);
  });

  it("refuses an unknown option with exit 2", () => {
    const run = spawnSync(process.execPath, [CAMPAIGN, "--rnus", "5"], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown option '--rnus'/);
  });

  it("--help exits 0 and names the replay option", () => {
    const run = spawnSync(process.execPath, [CAMPAIGN, "--help"], { encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/--seed <n>/);
  });
});
