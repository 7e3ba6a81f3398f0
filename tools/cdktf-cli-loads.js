#!/usr/bin/env node
// Runs before `cdktf deploy` (npm run deploy): the cdktf CLI loads node-pty, a
// native module whose prebuilt binaries stop at Node 22 and whose install
// script (a compile) package.json's allowScripts turns off. On a Node it
// cannot load on, say so in one sentence instead of the CLI's
// ERR_DLOPEN_FAILED stack. A CLI without node-pty (CDK Terrain's) passes.
"use strict";
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const NODE_PTY = "@cdktf/node-pty-prebuilt-multiarch";

let entry;
try {
  entry = require.resolve(NODE_PTY, { paths: [path.join(ROOT, "node_modules", "cdktf-cli"), ROOT] });
} catch {
  process.exit(0);
}
try {
  require(entry);
} catch (err) {
  process.stderr.write(
    `✖ The cdktf CLI cannot start on Node ${process.versions.node}: its native node-pty has no build for this Node (${err.code || err.message.split("\n")[0]}); ` +
      `run npm run deploy with Node 22, or move to CDK Terrain (docs/cdk-terrain.md), whose CLI runs on Node 24.\n`,
  );
  process.exit(2);
}
