#!/usr/bin/env node
// The `crdr` command (package.json "bin"): runs the compiled dist/scripts/crdr.js
// through tools/run-built.js, so it starts as fast as the npm scripts do
// (no compile step while dist/ is fresh).
"use strict";
process.argv.splice(2, 0, "scripts/crdr");
require("../tools/run-built.js");
