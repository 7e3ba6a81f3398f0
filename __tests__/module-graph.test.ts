import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const REPO = path.resolve(__dirname, "..");

/**
 * The source tree's layers, from the bottom up. A module may import from its
 * own layer or a lower one, never from a higher one; folders of one layer do
 * not import each other in a loop. `lib/x.ts` files directly in lib/ are the
 * foundation; `lib/crdr-app.ts` is the app composition.
 */
const LAYERS: ReadonlyArray<{ readonly name: string; readonly folders: readonly string[] }> = [
  { name: "foundation", folders: ["lib/*"] },
  { name: "phase facts", folders: ["lib/phase"] },
  { name: "contract", folders: ["lib/contract"] },
  {
    name: "Aiven, Terraform, settings, reporting",
    folders: ["lib/aiven", "lib/terraform", "lib/settings", "lib/reporting"],
  },
  { name: "synth output, recovery point, simulator", folders: ["lib/synth", "lib/rpo", "lib/simulator"] },
  { name: "operations, plan review", folders: ["lib/operations", "lib/plan-review"] },
  { name: "status", folders: ["lib/status"] },
  { name: "drill, CI, command line", folders: ["lib/drill", "lib/ci", "lib/cli"] },
  { name: "constructs and app", folders: ["lib/pair", "lib/crdr-app.ts"] },
  { name: "entry points", folders: ["scripts", "bench", "main.ts"] },
];

/** The unit a file belongs to: its top folder under lib/ (or lib/* for lib's own files), or its top folder. */
function unitOf(file: string): string {
  const parts = path.relative(REPO, file).split(path.sep);
  if (parts[0] === "lib")
    return parts.length === 2 ? (parts[1] === "crdr-app.ts" ? "lib/crdr-app.ts" : "lib/*") : `lib/${parts[1]}`;
  return parts[0];
}

function layerOf(unit: string): number {
  const i = LAYERS.findIndex((l) => l.folders.includes(unit));
  if (i < 0) throw new Error(`${unit} is in no layer: add it to LAYERS`);
  return i;
}

interface ImportEdge {
  readonly from: string;
  readonly to: string;
}

/** Every relative import between the project's own TypeScript files (type-only imports too: they tie the folders just the same). */
function importEdges(): ImportEdge[] {
  const files: string[] = [];
  const visit = (p: string) => {
    if (fs.statSync(p).isDirectory()) fs.readdirSync(p).forEach((e) => visit(path.join(p, e)));
    else if (p.endsWith(".ts") && !p.endsWith(".d.ts")) files.push(p);
  };
  ["lib", "scripts", "bench"].forEach((d) => visit(path.join(REPO, d)));
  files.push(path.join(REPO, "main.ts"));
  return files.flatMap((from) =>
    ts
      .preProcessFile(fs.readFileSync(from, "utf8"), true, true)
      .importedFiles.map((i) => i.fileName)
      .filter((spec) => spec.startsWith("."))
      .map((spec) => path.resolve(path.dirname(from), spec))
      .filter((to) => !to.includes(`${path.sep}.gen${path.sep}`))
      .map((to) => ({ from, to: fs.existsSync(`${to}.ts`) ? `${to}.ts` : path.join(to, "index.ts") })),
  );
}

/** The imports that go up a layer, as "from → to" lines. */
function upwardImports(edges: readonly ImportEdge[]): string[] {
  return edges
    .filter((e) => layerOf(unitOf(e.to)) > layerOf(unitOf(e.from)))
    .map(
      (e) =>
        `${path.relative(REPO, e.from)} (${LAYERS[layerOf(unitOf(e.from))].name}) → ${path.relative(REPO, e.to)} (${LAYERS[layerOf(unitOf(e.to))].name})`,
    );
}

/** Loops between the folders of one layer, each as "a → b → a". */
function folderLoops(edges: readonly ImportEdge[]): string[] {
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    const [a, b] = [unitOf(e.from), unitOf(e.to)];
    if (a !== b) graph.set(a, (graph.get(a) ?? new Set()).add(b));
  }
  const loops: string[] = [];
  const walk = (start: string, at: string, trail: string[]) => {
    for (const next of graph.get(at) ?? []) {
      if (next === start) loops.push([...trail, start].join(" → "));
      else if (!trail.includes(next) && next > start) walk(start, next, [...trail, next]);
    }
  };
  for (const unit of graph.keys()) walk(unit, unit, [unit]);
  return loops;
}

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

describe("the source tree's layers", () => {
  const edges = importEdges();

  it("has no import from a lower layer to a higher one", () => {
    expect(upwardImports(edges)).toEqual([]);
  });

  it("has no import loop between folders", () => {
    expect(folderLoops(edges)).toEqual([]);
  });

  it("is checked by rules that do catch an upward import and a loop", () => {
    const at = (file: string) => path.join(REPO, file);
    const aivenToOperations = { from: at("lib/aiven/peer-status.ts"), to: at("lib/operations/journal.ts") };
    const operationsToAiven = { from: at("lib/operations/journal.ts"), to: at("lib/aiven/peer-status.ts") };
    const terraformToAiven = { from: at("lib/terraform/terraform-cli.ts"), to: at("lib/aiven/aiven-types.ts") };
    const aivenToTerraform = { from: at("lib/aiven/aiven-client.ts"), to: at("lib/terraform/terraform-cli.ts") };
    expect(upwardImports([aivenToOperations, operationsToAiven])).toEqual([
      "lib/aiven/peer-status.ts (Aiven, Terraform, settings, reporting) → lib/operations/journal.ts (operations, plan review)",
    ]);
    expect(folderLoops([terraformToAiven, aivenToTerraform])).toEqual(["lib/aiven → lib/terraform → lib/aiven"]);
  });
});

describe("the DR tooling's module graph", () => {
  it("loads neither cdktf, the constructs, nor the generated bindings", () => {
    const loaded = loadedBy(TOOLING).map((f) => path.relative(REPO, f));
    expect(loaded.filter((f) => isCdk(f) || f.includes(".gen") || f.includes("constructs"))).toEqual([]);
    expect(loaded.filter((f) => f.startsWith(path.join("dist", "lib", "pair")))).toEqual([]);
    expect(loaded).not.toContain(path.join("dist", "lib", "crdr-app.js"));
  });

  it("is checked against something that does load them: the app", () => {
    const loaded = loadedBy([path.join(REPO, "dist", "lib", "crdr-app")]).map((f) => path.relative(REPO, f));
    expect(loaded.some(isCdk)).toBe(true);
    expect(loaded.some((f) => f.includes(".gen"))).toBe(true);
  });
});
