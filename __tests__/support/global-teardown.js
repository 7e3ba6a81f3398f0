const fs = require("fs");
const { testChildrenAlive, killAll } = require("./test-children");

/**
 * Tests clean up after themselves: a temp folder left behind, or a process a
 * test started that is still alive, fails the run.
 */
module.exports = async () => {
  const dir = process.env.CRDR_TEST_TMPDIR;
  if (!dir) return;
  const problems = [];
  // A child killed in a test's last hook may still be on its way out.
  let alive = testChildrenAlive(dir);
  for (let i = 0; alive.length && i < 20; i++) {
    await new Promise((r) => setTimeout(r, 100));
    alive = testChildrenAlive(dir);
  }
  if (alive.length) {
    killAll(alive);
    const named = alive.map((p) => `pid ${p.pid} \`${p.command}\`${p.test ? ` (started by "${p.test}")` : ""}`);
    problems.push(
      `The tests left ${alive.length} process(es) running: ${named.join("; ")}; start children with startChild (__tests__/support/child-processes.ts) so they are killed whatever the outcome.`,
    );
  }
  if (fs.existsSync(dir)) {
    const left = fs.readdirSync(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    if (left.length) {
      problems.push(
        `The tests left ${left.length} temp folder(s) behind: ${left.slice(0, 10).join(", ")}${left.length > 10 ? ", …" : ""}; remove them in the test that makes them.`,
      );
    }
  }
  if (problems.length) throw new Error(problems.join("\n"));
};
