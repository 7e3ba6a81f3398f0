#!/usr/bin/env node
// Runs a compiled entry point, `dist/<target>.js`, in this process. It compiles
// first (`tsc -b`) only when a TypeScript source is newer than the last build,
// so the commands an engineer runs in an outage start without a compile step.
//
//   node tools/run-built.js scripts/failover --stack pg-primary …
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const ROOT = path.resolve(__dirname, "..");
const BUILD_INFO = path.join(ROOT, "dist", ".tsbuildinfo");
const SOURCES = ["main.ts", "lib", "scripts", "bench", ".gen", "tsconfig.json"];

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

function ensureBindings() {
  if (fs.existsSync(path.join(ROOT, ".gen", "providers", "aiven", "index.ts"))) return;
  process.stderr.write(
    "✖ The Aiven provider bindings in .gen/providers/aiven are missing (npm ci --ignore-scripts skips generating them); run npm run bindings, then retry.\n",
  );
  process.exit(2);
}

function ensureBuilt() {
  const built = fs.existsSync(BUILD_INFO) ? fs.statSync(BUILD_INFO).mtimeMs : 0;
  if (built && newestSource() <= built) return;
  const tsc = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-b"], { cwd: ROOT, stdio: "inherit" });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  // tsc -b leaves the build info alone when nothing needed emitting.
  const now = new Date();
  fs.utimesSync(BUILD_INFO, now, now);
}

const target = process.argv[2];
if (!target) {
  process.stderr.write("usage: node tools/run-built.js <entry point under dist/, without .js> [args…]\n");
  process.exit(2);
}
ensureBindings();
ensureBuilt();
const entry = path.join(ROOT, "dist", `${target}.js`);
// The entry point sees its own path and arguments, as if run directly.
process.argv.splice(1, 2, entry);
require(entry);
