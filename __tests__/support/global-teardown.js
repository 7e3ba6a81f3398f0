const fs = require("fs");

/** Tests clean up after themselves: a temp folder left behind fails the run. */
module.exports = async () => {
  const dir = process.env.CRDR_TEST_TMPDIR;
  if (!dir || !fs.existsSync(dir)) return;
  const left = fs.readdirSync(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  if (left.length) {
    throw new Error(`The tests left ${left.length} temp folder(s) behind: ${left.slice(0, 10).join(", ")}${left.length > 10 ? ", …" : ""}; remove them in the test that makes them.`);
  }
};
