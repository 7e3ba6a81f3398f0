import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startSynthAhead } from "../lib/cli/synth-ahead";
import { GatedSynth } from "../lib/synth/gated-synth";

describe("the resynth started before a command's modules load", () => {
  let dir: string;
  let runs: string;
  const env = { ...process.env };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-ahead-"));
    runs = path.join(dir, "runs.log");
    // An app that only says it was started, and how.
    const app = `node -e 'require("fs").appendFileSync(${JSON.stringify(runs)}, (process.env.CRDR_SYNTH_GATE_FD ? "gated" : "plain") + "\\n")'`;
    fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ app, context: {} }));
  });
  afterEach(async () => {
    // Whatever a test left waiting is taken and ended.
    await GatedSynth.start(dir, env)?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    [["failover", "--stack", "pg-primary", "--yes"], true],
    [["revert", "--stack=pg-primary"], true],
    [["switchover", "--json", "--stack", "pg-primary"], true],
    [["switchback", "--stack", "pg-primary", "--yes"], true],
    [["failover", "--region", "google-europe-west1", "--yes"], false],
    [["failover", "--stack", "pg-primary", "--dry-run"], false],
    [["failover", "--stack", "pg-primary", "--help"], false],
    [["failover", "-h", "--stack", "pg-primary"], false],
    [["status", "--stack", "pg-primary"], false],
    [["state-restore", "--stack", "pg-primary"], false],
  ])("for crdr %j: started %s", (words, started) => {
    startSynthAhead(["node", "crdr.js", ...words], dir, env);
    expect(GatedSynth.startedAhead()).toBe(started);
  });

  it("is the synth the operation's run takes, for the same project and environment: the app runs once", async () => {
    startSynthAhead(["node", "crdr.js", "failover", "--stack", "pg-primary"], dir, env);
    const synth = GatedSynth.start(dir, env)!;
    expect(GatedSynth.startedAhead()).toBe(false);
    await synth.whenWaiting();
    expect(fs.readFileSync(runs, "utf8")).toBe("gated\n");
  });

  it("is not taken by a run of another project: that run starts its own", async () => {
    startSynthAhead(["node", "crdr.js", "failover", "--stack", "pg-primary"], dir, env);
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-ahead-other-"));
    try {
      fs.copyFileSync(path.join(dir, "cdktf.json"), path.join(other, "cdktf.json"));
      const synth = GatedSynth.start(other, env)!;
      expect(GatedSynth.startedAhead()).toBe(true);
      await synth.whenWaiting();
      await synth.dispose();
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});
