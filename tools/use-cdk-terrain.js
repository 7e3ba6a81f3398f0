#!/usr/bin/env node
// Moves this project from cdktf 0.21 (archived by HashiCorp) onto CDK Terrain,
// its maintained fork, by rewriting package.json and nothing else:
//
// - "cdktf" becomes an npm alias of cdktn, so every `from "cdktf"` import and
//   cdktf's jest adapter path stay as they are;
// - cdktn itself is a dependency too: the bindings its generator writes import
//   it by that name (cdktn is built for two copies in one process: tokens and
//   construct checks go through process-wide symbols);
// - the CLI and the binding generator are CDK Terrain's, under their own names
//   (tools/generate-bindings.js picks the generator that matches "cdktf");
// - npm scripts run `cdktn` where they ran `cdktf`; cdktf.json and cdktf.out
//   keep their names, since cdktn reads and writes the same files.
//
//   node tools/use-cdk-terrain.js && npm install
//
// The way back is `git checkout package.json package-lock.json && npm ci`.
"use strict";
const fs = require("fs");
const path = require("path");

const CDK_TERRAIN = "0.24.0";

/** What each dependency becomes; null removes it. */
const DEPENDENCY_CHANGES = {
  dependencies: {
    cdktf: `npm:cdktn@${CDK_TERRAIN}`,
    cdktn: CDK_TERRAIN,
    // cdktn's peer range.
    constructs: ">=10.6.0 <10.8.0",
  },
  devDependencies: {
    "cdktf-cli": null,
    "@cdktf/provider-generator": null,
    "@cdktf/commons": null,
    "cdktn-cli": CDK_TERRAIN,
    "@cdktn/provider-generator": CDK_TERRAIN,
    "@cdktn/commons": CDK_TERRAIN,
  },
};

/** cdktn-cli's engines, within the Node lines the project supports. */
const NODE_RANGE = "^22.19.0 || 24";

/** The oldest Node cdktn-cli runs on: on Node 20 it crashes at start. */
const MINIMUM_NODE = [22, 19];

/** The `cdktf` command word in an npm script (not cdktf.json, not cdktf.out). */
const CDKTF_COMMAND = /(^|[\s;&|(])cdktf(?=\s|$)/g;

function sortedKeys(record) {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The package.json of this project on CDK Terrain. Already moved is fine (the
 * result is the same); a package.json that depends on no cdktf is refused.
 */
function toCdkTerrain(pkg) {
  const current = pkg.dependencies && pkg.dependencies.cdktf;
  if (!current) {
    throw new Error(
      'package.json has no "cdktf" dependency to move; run this in the project root, on the package.json this project ships.',
    );
  }
  const next = { ...pkg };
  for (const [section, changes] of Object.entries(DEPENDENCY_CHANGES)) {
    const deps = { ...(pkg[section] || {}) };
    for (const [name, spec] of Object.entries(changes)) {
      if (spec === null) delete deps[name];
      else deps[name] = spec;
    }
    next[section] = sortedKeys(deps);
  }
  next.scripts = Object.fromEntries(
    Object.entries(pkg.scripts || {}).map(([name, command]) => [name, command.replace(CDKTF_COMMAND, "$1cdktn")]),
  );
  next.engines = { ...(pkg.engines || {}), node: NODE_RANGE };
  return next;
}

/** Whether a Node version ("22.19.0") can run CDK Terrain. */
function nodeRunsCdkTerrain(version) {
  const [major, minor] = version.split(".").map(Number);
  return major > MINIMUM_NODE[0] || (major === MINIMUM_NODE[0] && minor >= MINIMUM_NODE[1]);
}

function main() {
  if (!nodeRunsCdkTerrain(process.versions.node)) {
    process.stderr.write(
      `✖ CDK Terrain needs Node ${MINIMUM_NODE.join(".")} or newer, and this is Node ${process.versions.node}; switch to Node 22 or 24 first, then rerun.\n`,
    );
    process.exit(2);
  }
  const file = path.resolve(__dirname, "..", "package.json");
  const before = JSON.parse(fs.readFileSync(file, "utf8"));
  let after;
  try {
    after = toCdkTerrain(before);
  } catch (err) {
    process.stderr.write(`✖ ${err.message}\n`);
    process.exit(2);
  }
  const text = JSON.stringify(after, null, 2) + "\n";
  if (text === fs.readFileSync(file, "utf8")) {
    console.log(`package.json is already on CDK Terrain ${CDK_TERRAIN}.`);
    return;
  }
  fs.writeFileSync(file, text);
  console.log(
    `package.json now uses CDK Terrain ${CDK_TERRAIN} ("cdktf" is an alias of cdktn). Next: npm install (it updates package-lock.json and regenerates .gen with cdktn's generator), then npm run synth.`,
  );
}

module.exports = { toCdkTerrain, nodeRunsCdkTerrain, CDK_TERRAIN };

if (require.main === module) main();
