const fs = require("fs");
const os = require("os");
const path = require("path");

/**
 * Every temp folder the tests (and the processes they start) make goes in
 * this run's folder; the teardown fails the run if any is left behind, and
 * finds the run's processes by it (they inherit CRDR_TEST_TMPDIR).
 */
function makeRunFolder() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-test-run-"));
  // Node 22+ keeps a compile cache for tools that ask for one (tsc does) under
  // the temp folder; it is a cache, not a leftover, so it stays where it was.
  process.env.NODE_COMPILE_CACHE ??= path.join(os.tmpdir(), "node-compile-cache");
  process.env.CRDR_TEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
}

module.exports = { makeRunFolder };
