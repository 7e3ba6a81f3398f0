import { spawnSync } from "child_process";
import { startChild } from "./support/child-processes";
import { waitFor } from "./support/wait-for";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { jsonErrorEvent } from "../lib/cli/json-error-event";
import { JSON_VERSION } from "../lib/reporting/reporter";

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

const run = (dir: string, ...args: string[]) =>
  spawnSync(process.execPath, [path.join(dir, "tools", "run-built.js"), ...args], { cwd: dir, encoding: "utf8" });

describe("tools/run-built.js (what every npm script runs)", () => {
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("runs the compiled entry point with its arguments, without compiling when nothing changed", () => {
    dir = projectWith({
      "lib/a.ts": "export const a = 1;\n",
      ".gen/providers/aiven/index.ts": "export {};\n",
      "dist/scripts/hello.js": "process.stdout.write(JSON.stringify(process.argv.slice(2)));\n",
    });
    // Its last build is newer than every source. (No typescript here: a compile would fail.)
    fs.writeFileSync(path.join(dir, "dist", ".run-built-stamp"), "");
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(dir, "dist", ".run-built-stamp"), later, later);
    const result = run(dir, "scripts/hello", "--stack", "pg-primary");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(["--stack", "pg-primary"]);
  });

  it("compiles first when a source is newer than the build", () => {
    dir = projectWith({
      "lib/a.ts": "export const a = 1;\n",
      ".gen/providers/aiven/index.ts": "export {};\n",
      "dist/scripts/hello.js": "",
    });
    fs.writeFileSync(path.join(dir, "dist", ".run-built-stamp"), "");
    const earlier = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(dir, "dist", ".run-built-stamp"), earlier, earlier);
    const result = run(dir, "scripts/hello");
    // It reached for the compiler (not installed here), rather than run a stale build.
    expect(result.stderr).toBe(
      "✖ The dependencies are not installed (node_modules/typescript is missing); run npm ci, then retry.\n",
    );
    expect(result.status).toBe(2);
  });

  it("says to run npm ci when nothing is installed (npm run bindings would fail too)", () => {
    dir = projectWith({ "dist/scripts/hello.js": "" });
    const result = run(dir, "scripts/hello");
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "✖ The dependencies are not installed (node_modules/typescript is missing); run npm ci, then retry.\n",
    );
  });

  it("says how to get the provider bindings back when only .gen is missing", () => {
    dir = projectWith({ "dist/scripts/hello.js": "" });
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
    const result = run(dir, "scripts/hello");
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "✖ The Aiven provider bindings in .gen/providers/aiven are missing (npm ci --ignore-scripts skips generating them); run npm run bindings, then retry.\n",
    );
  });

  describe("with --json, a stop before the command starts still ends stdout with one error event", () => {
    const lastEvent = (stdout: string) => JSON.parse(stdout.trim().split("\n").pop()!);

    it("dependencies not installed: the event has the shape every command's error event has", () => {
      dir = projectWith({ "dist/scripts/crdr.js": "" });
      const result = run(dir, "scripts/crdr", "failover", "--json", "--stack", "pg-primary");
      expect(result.status).toBe(2);
      const event = lastEvent(result.stdout);
      expect(Object.keys(event).sort()).toEqual(Object.keys(JSON.parse(jsonErrorEvent(2, "m"))).sort());
      expect(event).toMatchObject({
        version: JSON_VERSION,
        type: "error",
        exitCode: 2,
        message: "✖ The dependencies are not installed (node_modules/typescript is missing); run npm ci, then retry.",
      });
      expect(Date.parse(event.ts)).not.toBeNaN();
    });

    it("bindings missing", () => {
      dir = projectWith({ "dist/scripts/crdr.js": "" });
      fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
      const result = run(dir, "scripts/crdr", "status", "--json");
      expect(result.status).toBe(2);
      expect(lastEvent(result.stdout)).toMatchObject({ type: "error", exitCode: 2, message: /provider bindings/ });
    });

    it("not without --json, nor for a --json after --", () => {
      dir = projectWith({ "dist/scripts/crdr.js": "" });
      expect(run(dir, "scripts/crdr", "status").stdout).toBe("");
      expect(run(dir, "scripts/crdr", "status", "--", "--json").stdout).toBe("");
    });

    it("sources that do not compile: the compiler's errors, in the event too", () => {
      dir = projectWith({
        "tsconfig.json": JSON.stringify({
          compilerOptions: { outDir: "dist", rootDir: ".", strict: true, types: ["node"] },
          include: ["scripts/**/*.ts"],
        }),
        "scripts/crdr.ts": "const n: number = 'oops';\nexport { n };\n",
        ".gen/providers/aiven/index.ts": "export {};\n",
      });
      fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
      const result = run(dir, "scripts/crdr", "failover", "--json");
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/^scripts\/crdr\.ts\(1,7\): error TS2322/m);
      const event = lastEvent(result.stdout);
      expect(event).toMatchObject({ type: "error", exitCode: result.status });
      expect(event.message).toMatch(/^scripts\/crdr\.ts\(1,7\): error TS2322/);
      expect(event.message).toMatch(/The TypeScript sources do not compile \(above\); fix them, then retry\.$/);
    });
  });

  it("lets the DR tooling run when only main.ts has type errors, but not the app, and reports them again next time", () => {
    dir = projectWith({
      "tsconfig.json": JSON.stringify({
        compilerOptions: {
          outDir: "dist",
          rootDir: ".",
          strict: true,
          incremental: true,
          tsBuildInfoFile: "dist/.tsbuildinfo",
          types: ["node"],
        },
        include: ["main.ts", "scripts/**/*.ts", "lib/**/*.ts"],
      }),
      "main.ts": "const declared: number = 'oops';\nexport { declared };\n",
      "scripts/crdr.ts": "process.stdout.write(`tooling ran: ${process.argv.slice(2).join(' ')}`);\n",
      // What is tooling, run-built asks the compiled command table (lib/cli/crdr-commands.ts; the real one is checked in operation-registry.test.ts).
      "lib/cli/crdr-commands.ts":
        "export const runsWithoutDeclarations = (target: string, args: string[]) => target === 'scripts/crdr' && args[0] === 'failover';\n",
      ".gen/providers/aiven/index.ts": "export {};\n",
    });
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
    const tooling = run(dir, "scripts/crdr", "failover");
    expect(tooling.status).toBe(0);
    expect(tooling.stdout).toBe("tooling ran: failover");
    expect(tooling.stderr).toMatch(/^main\.ts\(1,7\): error TS2322/m);
    expect(tooling.stderr).toContain("(main.ts has type errors; running the tooling, which does not use it)");
    const app = run(dir, "main");
    expect(app.status).not.toBe(0);
    expect(app.stderr).toMatch(/^main\.ts\(1,7\): error TS2322/m);
    // A command the table does not call tooling (synth runs main.ts) is stopped as the app is.
    const synth = run(dir, "scripts/crdr", "synth");
    expect(synth.status).not.toBe(0);
    expect(synth.stdout).toBe("");
  });

  describe("after a type check that emits nothing but writes dist/.tsbuildinfo", () => {
    // Each compiles for real, several times: slow on a busy machine, never a hang.
    jest.setTimeout(400_000);
    const TSC = path.join(REPO, "node_modules", "typescript", "bin", "tsc");
    const typeCheck = (d: string) =>
      spawnSync(process.execPath, [TSC, "--noEmit", "-p", "."], { cwd: d, encoding: "utf8" });
    /** A project shaped like this one: main.ts declares the pairs, scripts/synth.ts synthesizes them. */
    const declaring = (pairs: string[]) => `export const pairs: string[] = ${JSON.stringify(pairs)};\n`;
    const project = () => {
      const d = projectWith({
        "tsconfig.json": JSON.stringify({
          compilerOptions: {
            outDir: "dist",
            rootDir: ".",
            strict: true,
            skipLibCheck: true,
            incremental: true,
            tsBuildInfoFile: "dist/.tsbuildinfo",
            types: ["node"],
          },
          include: ["main.ts", "scripts/**/*.ts"],
        }),
        "main.ts": declaring(["pg-primary"]),
        "scripts/synth.ts":
          'import { pairs } from "../main";\nprocess.stdout.write(`synthesized ${pairs.join(", ")}`);\n',
        ".gen/providers/aiven/index.ts": "export {};\n",
      });
      fs.symlinkSync(path.join(REPO, "node_modules"), path.join(d, "node_modules"));
      return d;
    };

    it("builds a fresh clone checked with tsc --noEmit -p . before running it, saying it compiles", () => {
      dir = project();
      expect(typeCheck(dir).status).toBe(0);
      expect(fs.existsSync(path.join(dir, "dist", ".tsbuildinfo"))).toBe(true);
      const synth = run(dir, "scripts/synth");
      expect(synth.stderr).toMatch(/^compiling the TypeScript sources \(tsc -b\)/);
      expect(synth.stdout).toBe("synthesized pg-primary");
      expect(synth.status).toBe(0);
      // Built now: the next run starts at once, silently.
      expect(run(dir, "scripts/synth").stderr).toBe("");
    });

    it("synthesizes a pair added to main.ts and type-checked with tsc --noEmit -p .", () => {
      dir = project();
      expect(run(dir, "scripts/synth").stdout).toBe("synthesized pg-primary");
      fs.writeFileSync(path.join(dir, "main.ts"), declaring(["pg-primary", "pg-orders"]));
      // Later than the source, as a type check right after the edit is.
      expect(typeCheck(dir).status).toBe(0);
      const synth = run(dir, "scripts/synth");
      expect(synth.stdout).toBe("synthesized pg-primary, pg-orders");
      expect(synth.status).toBe(0);
    });

    it("synthesizes a pair added while an editor's incremental check (tsc --watch --noEmit) runs", async () => {
      dir = project();
      expect(run(dir, "scripts/synth").stdout).toBe("synthesized pg-primary");
      let watched = "";
      const watch = startChild(process.execPath, [TSC, "--noEmit", "--watch", "--preserveWatchOutput", "-p", "."], {
        cwd: dir,
        stdio: ["ignore", "pipe", "pipe"],
      });
      watch.stdout!.on("data", (d) => (watched += d));
      const checks = () => (watched.match(/Found 0 errors/g) ?? []).length;
      await waitFor(() => checks() >= 1);
      fs.writeFileSync(path.join(dir, "main.ts"), declaring(["pg-primary", "pg-orders"]));
      await waitFor(() => checks() >= 2);
      expect(run(dir, "scripts/synth").stdout).toBe("synthesized pg-primary, pg-orders");
    });
  });
});
