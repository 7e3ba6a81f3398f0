import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
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

/** The project's own files that import `target` (a path from the repository's root). */
function importersOf(edges: readonly ImportEdge[], target: string): string[] {
  const file = path.join(REPO, target);
  return [...new Set(edges.filter((e) => e.to === file).map((e) => path.relative(REPO, e.from)))].sort();
}

/**
 * Who may import the operation context, and why. The context runs the bodies,
 * and the bodies use it; every step the context or a body hands work to gets
 * a `PairRun` (pair-run.ts) or its own arguments instead, so no step calls
 * back into the context and the context never passes itself.
 */
const CONTEXT_IMPORTS: ReadonlyArray<{
  readonly files: readonly string[];
  readonly may: boolean;
  readonly why: string;
}> = [
  {
    files: ["lib/operations/failover.ts", "lib/operations/revert.ts", "lib/operations/planned-switch.ts"],
    may: true,
    why: "the operation bodies, which OperationContext.run runs",
  },
  {
    files: [
      "lib/operations/role-request.ts",
      "lib/operations/accepted-without-effect.ts",
      "lib/operations/peer-wait.ts",
      "lib/operations/replication-check.ts",
      "lib/operations/backup-before-write.ts",
      "lib/operations/preflight.ts",
      "lib/operations/pair-run.ts",
      "lib/operations/run-steps.ts",
      "lib/operations/change-at-aiven.ts",
    ],
    may: false,
    why: "steps the context or a body hands work to: they get a PairRun or their own arguments",
  },
  {
    files: [
      "lib/operations/region-run.ts",
      "lib/operations/operation-registry.ts",
      "lib/cli/operation-command.ts",
      "lib/drill/drill.ts",
    ],
    may: false,
    why: "callers of the operations: the options and deps they pass are in operation-inputs.ts",
  },
];

const CONTEXT = "lib/operations/operation-context.ts";

/** The files that may import the context (the table's "may" rows). */
const MAY_IMPORT_CONTEXT = CONTEXT_IMPORTS.filter((r) => r.may).flatMap((r) => r.files);

/** Where production code (lib, scripts, main.ts) constructs a `TerraformCli`, as "file:line". */
function terraformCliConstructions(): string[] {
  const files: string[] = [];
  const visit = (p: string) => {
    if (fs.statSync(p).isDirectory()) fs.readdirSync(p).forEach((e) => visit(path.join(p, e)));
    else if (p.endsWith(".ts") && !p.endsWith(".d.ts")) files.push(p);
  };
  ["lib", "scripts"].forEach((d) => visit(path.join(REPO, d)));
  files.push(path.join(REPO, "main.ts"));
  return files.flatMap((file) =>
    constructionLines(fs.readFileSync(file, "utf8")).map((line) => `${path.relative(REPO, file)}:${line}`),
  );
}

/** The lines of `text` that construct a `TerraformCli`. */
function constructionLines(text: string): number[] {
  const source = ts.createSourceFile("file.ts", text, ts.ScriptTarget.Latest, true);
  const lines: number[] = [];
  const walk = (node: ts.Node) => {
    if (ts.isNewExpression(node) && node.expression.getText(source) === "TerraformCli")
      lines.push(source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1);
    ts.forEachChild(node, walk);
  };
  walk(source);
  return lines;
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

describe("the operation context", () => {
  const edges = importEdges();

  it.each(
    CONTEXT_IMPORTS.flatMap((rule) =>
      rule.files.map((file) => [file, rule.may ? "may import" : "does not import", rule.why, rule.may] as const),
    ),
  )("%s %s it: %s", (file, _verb, _why, may) => {
    expect(fs.existsSync(path.join(REPO, file))).toBe(true);
    expect(importersOf(edges, CONTEXT).includes(file)).toBe(may);
  });

  it("is imported by the operation bodies alone", () => {
    expect(importersOf(edges, CONTEXT)).toEqual([...MAY_IMPORT_CONTEXT].sort());
  });

  it("is checked by a rule that does catch a step importing it", () => {
    const stepToContext = { from: path.join(REPO, "lib/operations/role-request.ts"), to: path.join(REPO, CONTEXT) };
    expect(importersOf([...edges, stepToContext], CONTEXT)).not.toEqual([...MAY_IMPORT_CONTEXT].sort());
  });
});

describe("the real Terraform runner", () => {
  it("is constructed in one production place: the factory every operation and the drill are given", () => {
    expect(terraformCliConstructions().map((at) => at.replace(/:\d+$/, ""))).toEqual([
      "lib/terraform/terraform-factory.ts",
    ]);
  });

  it("is found by a check that does see a construction, and not a mere mention", () => {
    const text = [
      "// new TerraformCli( in a comment",
      "const t: TerraformCli = f();",
      "const u = new TerraformCli({ cwd });",
    ];
    expect(constructionLines(text.join("\n"))).toEqual([3]);
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

describe("a single pair's operation, up to its first step", () => {
  /** What `crdr failover --stack …` (and the other operations) load before the run's first step. */
  const START = [
    "lib/cli/crdr-program",
    "lib/operations/failover",
    "lib/operations/revert",
    "lib/operations/planned-switch",
  ];
  /** Libraries a run needs only later: zod with the first phase file read, axios (its retries, and Bottleneck for the request budget) with the first request. */
  const LATER = ["zod", "axios", "axios-retry", "bottleneck"];
  const later = (files: string[]) =>
    LATER.filter((name) => files.some((f) => f.startsWith(path.join("node_modules", name, path.sep))));

  it("loads neither zod, nor axios, axios-retry and Bottleneck: they load when a phase file is read and the first request leaves", () => {
    const loaded = loadedBy(START.map((m) => path.join(REPO, "dist", m))).map((f) => path.relative(REPO, f));
    expect(later(loaded)).toEqual([]);
  });

  it("is checked against what does load them: a phase file read and a request", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-module-graph-"));
    try {
      const file = path.join(dir, "pg-a.json");
      fs.writeFileSync(file, JSON.stringify({ version: 1, phase: "normal" }));
      const script = [
        `require(${JSON.stringify(path.join(REPO, "dist", "lib", "phase", "pair-phase-file"))}).readPairPhaseFile(${JSON.stringify(file)});`,
        `const { AivenClient } = require(${JSON.stringify(path.join(REPO, "dist", "lib", "aiven", "aiven-client"))});`,
        // Nothing listens on port 9 of this machine: the request fails, after axios has loaded to send it.
        `new AivenClient({ baseUrl: "http://127.0.0.1:9", token: "t", retries: 0 }).getService("p", "s").catch(() => undefined)`,
        `  .then(() => process.stdout.write(JSON.stringify(Object.keys(require.cache))));`,
      ].join("\n");
      const loaded = (
        JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: REPO, encoding: "utf8" })) as string[]
      ).map((f) => path.relative(REPO, f));
      expect(later(loaded)).toEqual(LATER);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
