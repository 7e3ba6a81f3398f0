import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const REPO = path.resolve(__dirname, "..");

/** A throw-away project holding tools/run-built.js and what a test puts beside it. */
function projectWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-run-built-"));
  fs.mkdirSync(path.join(dir, "tools"));
  fs.copyFileSync(path.join(REPO, "tools", "run-built.js"), path.join(dir, "tools", "run-built.js"));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const run = (dir: string, ...args: string[]) => spawnSync(process.execPath, [path.join(dir, "tools", "run-built.js"), ...args], { cwd: dir, encoding: "utf8" });

describe("tools/run-built.js (what every npm script runs)", () => {
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("runs the compiled entry point with its arguments, without compiling when nothing changed", () => {
    dir = projectWith({
      "lib/a.ts": "export const a = 1;\n",
      ".gen/providers/aiven/index.ts": "export {};\n",
      "dist/scripts/hello.js": "process.stdout.write(JSON.stringify(process.argv.slice(2)));\n",
    });
    // The build is newer than every source. (No typescript here: a compile would fail.)
    fs.writeFileSync(path.join(dir, "dist", ".tsbuildinfo"), "{}");
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(dir, "dist", ".tsbuildinfo"), later, later);
    const result = run(dir, "scripts/hello", "--stack", "pg-primary");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(["--stack", "pg-primary"]);
  });

  it("compiles first when a source is newer than the build", () => {
    dir = projectWith({ "lib/a.ts": "export const a = 1;\n", ".gen/providers/aiven/index.ts": "export {};\n", "dist/scripts/hello.js": "" });
    fs.writeFileSync(path.join(dir, "dist", ".tsbuildinfo"), "{}");
    const earlier = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(dir, "dist", ".tsbuildinfo"), earlier, earlier);
    const result = run(dir, "scripts/hello");
    // It reached for the compiler (absent here), rather than run a stale build.
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/typescript[\\/]bin[\\/]tsc/);
  });

  it("says how to get the provider bindings back when .gen is missing", () => {
    dir = projectWith({ "dist/scripts/hello.js": "" });
    const result = run(dir, "scripts/hello");
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "✖ The Aiven provider bindings in .gen/providers/aiven are missing (npm ci --ignore-scripts skips generating them); run npm run bindings, then retry.\n",
    );
  });

  it("lets the DR tooling run when only main.ts has type errors, but not the app, and reports them again next time", () => {
    dir = projectWith({
      "tsconfig.json": JSON.stringify({ compilerOptions: { outDir: "dist", rootDir: ".", strict: true, incremental: true, tsBuildInfoFile: "dist/.tsbuildinfo", types: ["node"] }, include: ["main.ts", "scripts/**/*.ts"] }),
      "main.ts": "const declared: number = 'oops';\nexport { declared };\n",
      "scripts/failover.ts": "process.stdout.write('tooling ran');\n",
      ".gen/providers/aiven/index.ts": "export {};\n",
    });
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
    const tooling = run(dir, "scripts/failover");
    expect(tooling.status).toBe(0);
    expect(tooling.stdout).toBe("tooling ran");
    expect(tooling.stderr).toMatch(/^main\.ts\(1,7\): error TS2322/m);
    expect(tooling.stderr).toContain("(main.ts has type errors; running the tooling, which does not use it)");
    const app = run(dir, "main");
    expect(app.status).not.toBe(0);
    expect(app.stderr).toMatch(/^main\.ts\(1,7\): error TS2322/m);
  });
});
