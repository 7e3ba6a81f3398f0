#!/usr/bin/env node
// Runs a compiled entry point, `dist/<target>.js`, in this process. It compiles
// first (`tsc -b`) only when a TypeScript source is newer than the last build
// this file made, so the commands an engineer runs in an outage start without
// a compile step.
//
//   node tools/run-built.js scripts/crdr failover --stack pg-primary …
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const ROOT = path.resolve(__dirname, "..");
// The last build is judged by a stamp only this file writes, after a clean
// `tsc -b`: never by dist/.tsbuildinfo, which `tsc --noEmit -p .` and editors'
// incremental checks also write without emitting anything.
const STAMP = path.join(ROOT, "dist", ".run-built-stamp");
const SOURCES = ["main.ts", "lib", "scripts", "bench", ".gen", "tsconfig.json"];
/**
 * Whether the entry point runs without main.ts (the DR tooling does; the app
 * and synth do not). The command table that knows (lib/cli/crdr-commands.ts,
 * generated from the operation registry) is read from its compiled output,
 * and only when main.ts alone failed to compile: tsc has just emitted it, and
 * a run with a fresh build never loads it, so no command starts slower.
 * Without it (a project that does not have it), nothing counts as tooling.
 */
function runsWithoutDeclarations(target, args) {
  try {
    return require(path.join(ROOT, "dist", "lib", "cli", "crdr-commands.js")).runsWithoutDeclarations(target, args);
  } catch {
    return false;
  }
}

function newestSource() {
  let newest = 0;
  const visit = (file) => {
    let stat;
    try {
      stat = fs.statSync(file);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(file)) visit(path.join(file, entry));
    } else if (/\.(ts|json)$/.test(file)) {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const source of SOURCES) visit(path.join(ROOT, source));
  return newest;
}

/** Whether the command line asks for `--json` events (before any `--`, as the commands read it). */
function wantsJson(args) {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).includes("--json");
}

/**
 * Stops before the command could start: `message` on stderr and, under
 * `--json`, the `error` event a script reading stdout waits for (the shape of
 * lib/cli/json-error-event.ts, written out here: that file may be what did
 * not compile).
 */
function fail(exitCode, message) {
  process.stderr.write(message.endsWith("\n") ? message : `${message}\n`);
  if (wantsJson(process.argv.slice(3))) {
    const event = { version: 1, ts: new Date().toISOString(), type: "error", exitCode, message: message.trim() };
    process.stdout.write(`${JSON.stringify(event)}\n`);
  }
  process.exit(exitCode);
}

function ensureInstalled() {
  if (fs.existsSync(path.join(ROOT, "node_modules", "typescript", "bin", "tsc"))) return;
  fail(2, "✖ The dependencies are not installed (node_modules/typescript is missing); run npm ci, then retry.");
}

function ensureBindings() {
  if (fs.existsSync(path.join(ROOT, ".gen", "providers", "aiven", "index.ts"))) return;
  // Without node_modules, `npm run bindings` fails too: npm ci does both.
  ensureInstalled();
  fail(
    2,
    "✖ The Aiven provider bindings in .gen/providers/aiven are missing (npm ci --ignore-scripts skips generating them); run npm run bindings, then retry.",
  );
}

/** Files tsc reported errors in ("main.ts(7,3): error TS2322: …"). */
function filesWithErrors(output) {
  return [...new Set([...output.matchAll(/^(.+?)\(\d+,\d+\): error TS\d+/gm)].map((m) => path.normalize(m[1])))];
}

function ensureBuilt(target, entry, args) {
  const built = fs.existsSync(STAMP) && fs.existsSync(entry) ? fs.statSync(STAMP).mtimeMs : 0;
  if (built && newestSource() <= built) return;
  ensureInstalled();
  // The first build of a fresh clone takes a while; say why nothing happens.
  process.stderr.write("compiling the TypeScript sources (tsc -b), which the first time takes up to a minute…\n");
  const tsc = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-b"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (tsc.error) fail(1, `✖ Could not run the TypeScript compiler (${tsc.error.message}); run npm ci, then retry.`);
  if (tsc.status !== 0) {
    const output = `${tsc.stdout}${tsc.stderr}`;
    // Not built cleanly, so not stamped: the next run compiles (and reports) again.
    // A mistake in main.ts (the declarations) must not stop the DR tooling,
    // which does not use it: tsc still emits, the operation's own synth then
    // refuses with the error (or a dry run uses the last output).
    const files = filesWithErrors(output);
    const onlyMain = files.length > 0 && files.every((f) => f === "main.ts");
    if (!(onlyMain && runsWithoutDeclarations(target, args))) {
      fail(
        tsc.status ?? 1,
        `${output.trimEnd()}\n✖ The TypeScript sources do not compile (above); fix them, then retry.`,
      );
    }
    process.stderr.write(output);
    process.stderr.write("(main.ts has type errors; running the tooling, which does not use it)\n");
    return;
  }
  fs.writeFileSync(STAMP, `built by tools/run-built.js at ${new Date().toISOString()}\n`);
}

// Node 22.1 and later keep V8's compiled code of every module loaded, keyed by
// its content, so a DR command does not compile the same files each run
// (Node 20 has no such cache: there this does nothing).
const { enableCompileCache } = require("module");
if (typeof enableCompileCache === "function") {
  enableCompileCache(path.join(ROOT, "node_modules", ".cache", "crdr-compile-cache"));
}

const target = process.argv[2];
if (!target) fail(2, "usage: node tools/run-built.js <entry point under dist/, without .js> [args…]");
const entry = path.join(ROOT, "dist", `${target}.js`);
ensureBindings();
ensureBuilt(target, entry, process.argv.slice(3));
// The entry point sees its own path and arguments, as if run directly.
process.argv.splice(1, 2, entry);
require(entry);
