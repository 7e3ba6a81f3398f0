import { execFileSync } from "child_process";
import * as path from "path";

const REPO = path.resolve(__dirname, "..");

/** The modules a DR command loads, by requiring the compiled entry points in a fresh node. */
function loadedBy(modules: string[]): string[] {
  const script = `for (const m of ${JSON.stringify(modules)}) require(m); process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  return JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: REPO, encoding: "utf8" })) as string[];
}

const TOOLING = [
  "lib/operations/failover",
  "lib/operations/revert",
  "lib/operations/planned-switch",
  "lib/operations/region-run",
  "lib/status/fleet-status",
  "lib/drill/drill",
  "lib/operations/state-restore",
  "lib/plan-review/review-files",
  "lib/plan-review/review-plan-directory",
  "lib/cli/operation-command",
  "lib/cli/crdr-program",
  "lib/operations/operation-registry",
  "lib/cli/format-status",
  "lib/simulator/sim-server",
  "lib/ci/run-report",
  "lib/ci/event-log",
].map((m) => path.join(REPO, "dist", m));

/** cdktf, or CDK Terrain (installed as "cdktf" and as "cdktn"). */
const isCdk = (f: string) => ["cdktf", "cdktn"].some((name) => f.startsWith(path.join("node_modules", name, path.sep)));

describe("the DR tooling's module graph", () => {
  it("loads neither cdktf, the constructs, nor the generated bindings", () => {
    const loaded = loadedBy(TOOLING).map((f) => path.relative(REPO, f));
    expect(loaded.filter((f) => isCdk(f) || f.includes(".gen") || f.includes("constructs"))).toEqual([]);
    expect(loaded.filter((f) => f.startsWith(path.join("dist", "lib", "pair")) && !f.endsWith("pair-manifest.js"))).toEqual([]);
    expect(loaded).not.toContain(path.join("dist", "lib", "crdr-app.js"));
  });

  it("is checked against something that does load them: the app", () => {
    const loaded = loadedBy([path.join(REPO, "dist", "lib", "crdr-app")]).map((f) => path.relative(REPO, f));
    expect(loaded.some(isCdk)).toBe(true);
    expect(loaded.some((f) => f.includes(".gen"))).toBe(true);
  });
});
