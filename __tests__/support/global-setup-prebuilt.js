const fs = require("fs");
const os = require("os");
const path = require("path");

/**
 * global-setup.js without its build: for runs whose dist/ is already built
 * (Stryker's sandbox runs the tests once per mutant; a build each time would
 * dominate). Same temp-folder discipline.
 */
module.exports = async () => {
  if (!fs.existsSync(path.resolve(__dirname, "..", "..", "dist", "main.js"))) {
    throw new Error("dist/ is not built; run npx tsc -b first (npm run mutate does).");
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-test-run-"));
  process.env.NODE_COMPILE_CACHE ??= path.join(os.tmpdir(), "node-compile-cache");
  process.env.CRDR_TEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
};
