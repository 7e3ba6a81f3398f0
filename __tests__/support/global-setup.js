const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

module.exports = async () => {
  const root = path.resolve(__dirname, "..", "..");
  execFileSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-b"], { cwd: root, stdio: "inherit" });
  // Every temp folder the tests (and the processes they start) make goes
  // here; the teardown fails the run if any is left behind.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-test-run-"));
  process.env.CRDR_TEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
};
