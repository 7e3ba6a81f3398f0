import * as fs from "fs";
import * as path from "path";
import { synthesize } from "../lib/synth/synthesize";
import { SynthesizedStack } from "../lib/synth/synthesized-stack";
import { benchTempDir, fleetProject, median, medianOf, ratio, ROOT, row, RUNS, timeCommand } from "./bench-support";

/**
 * Synth speed: the example project as engineers run it, against two floors
 * built here from cdktf alone — a compiled minimal cdktf app (`node
 * main.js`), and `npx cdktf synth` of a fresh `cdktf init`-style TypeScript
 * app run with ts-node — and generated fleets of 1, 10 and 50 pairs.
 */
function minimalApp(dir: string, typescript: boolean): void {
  const source = `${typescript ? 'import { App, TerraformOutput, TerraformStack } from "cdktf";\nimport { Construct } from "constructs";' : 'const { App, TerraformOutput, TerraformStack } = require("cdktf");'}
class MyStack extends TerraformStack {
  constructor(scope${typescript ? ": Construct" : ""}, id${typescript ? ": string" : ""}) {
    super(scope, id);
    new TerraformOutput(this, "hello", { value: "world" });
  }
}
const app = new App();
new MyStack(app, "minimal");
app.synth();
`;
  fs.writeFileSync(path.join(dir, typescript ? "main.ts" : "main.js"), source);
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  if (typescript) {
    fs.writeFileSync(
      path.join(dir, "cdktf.json"),
      JSON.stringify({
        language: "typescript",
        app: "npx ts-node main.ts",
        projectId: "bench",
        sendCrashReports: "false",
        terraformProviders: [],
        terraformModules: [],
        context: {},
      }),
    );
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2018",
          module: "CommonJS",
          lib: ["es2018"],
          strict: true,
          esModuleInterop: true,
          skipLibCheck: true,
          types: ["node"],
        },
        include: ["**/*.ts"],
        exclude: ["node_modules", "cdktf.out"],
      }),
    );
  }
}

/** The CDK's CLI: cdktf's, or cdktn's once the project has moved to CDK Terrain. */
function cdkCli(): string {
  return ["cdktf", "cdktn"].find((name) => fs.existsSync(path.join(ROOT, "node_modules", ".bin", name))) ?? "cdktf";
}

export function synthBench(): void {
  console.log(`\nsynth (median of ${RUNS} runs; node ${process.version})`);
  const work = benchTempDir("crdr-synth-bench-");
  try {
    const compiled = path.join(work, "compiled");
    fs.mkdirSync(compiled);
    minimalApp(compiled, false);
    const floor = medianOf(RUNS, () =>
      timeCommand(process.execPath, ["main.js"], { cwd: compiled, env: { CDKTF_OUTDIR: path.join(compiled, "out") } }),
    );
    console.log(row("floor: a compiled minimal cdktf app (node main.js)", floor));

    const npmSynth = medianOf(RUNS, () => timeCommand("npm", ["run", "--silent", "synth"], { cwd: ROOT }));
    const builtSynth = medianOf(RUNS, () =>
      timeCommand(process.execPath, [path.join("dist", "scripts", "synth.js")], { cwd: ROOT }),
    );
    console.log(row("npm run synth (built)", npmSynth, `${ratio(npmSynth, floor, 1.5)} of the floor`));
    console.log(row("node dist/scripts/synth.js", builtSynth, `${ratio(builtSynth, floor, 1.5)} of the floor`));

    const tsNode = path.join(work, "ts-node");
    fs.mkdirSync(tsNode);
    minimalApp(tsNode, true);
    const cli = cdkCli();
    const cdktfSynth = median(
      Array.from({ length: Math.min(RUNS, 2) }, () =>
        timeCommand(path.join(ROOT, "node_modules", ".bin", cli), ["synth"], { cwd: tsNode }),
      ),
    );
    console.log(row(`npx ${cli} synth of a cdktf init-style app (ts-node)`, cdktfSynth));
    console.log(row("npm run synth against it", npmSynth, ratio(npmSynth, cdktfSynth, 0.15)));

    for (const pairs of [1, 10, 50]) {
      const dir = fleetProject();
      const times = Array.from(
        { length: RUNS },
        () => synthesize(dir, { ...process.env, CRDR_BENCH_PAIRS: String(pairs) }).durationMs,
      );
      const stacks = SynthesizedStack.listStacks(path.join(dir, "cdktf.out")).length;
      if (stacks !== pairs) throw new Error(`expected ${pairs} stacks, got ${stacks}`);
      console.log(row(`synth of ${pairs} generated pair(s) (compiled app)`, median(times)));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
