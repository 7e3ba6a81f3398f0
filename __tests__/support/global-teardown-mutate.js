const fs = require("fs");

/**
 * global-teardown.js for Stryker's runs (jest.mutate.config.js): removes the
 * run folder without judging what is in it. A mutant that fails a test ends
 * the run at that test (Stryker bails), before the later hooks clean up, so
 * leftovers there are expected; the normal suite keeps the strict teardown.
 */
module.exports = async () => {
  const dir = process.env.CRDR_TEST_TMPDIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
