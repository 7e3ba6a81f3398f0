const fs = require("fs");

/**
 * Live processes whose environment passes `matches(environ, cmdline)`, from
 * /proc (Linux, where the suite runs). Zombies (already dead, their
 * environment unreadable) are not counted.
 */
function processesWhere(matches, exclude = [process.pid]) {
  if (!fs.existsSync("/proc")) return [];
  const found = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || exclude.includes(Number(entry))) continue;
    let environ, command;
    try {
      environ = fs.readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      command = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
    } catch {
      continue;
    }
    if (!matches(environ, command)) continue;
    const test = environ.find((v) => v.startsWith("CRDR_TEST_NAME="))?.slice("CRDR_TEST_NAME=".length);
    found.push({ pid: Number(entry), command, test });
  }
  return found;
}

/**
 * The processes a test run started that are still alive: those marked with
 * CRDR_TEST_RUN (by child-processes.ts) or carrying CRDR_TEST_TMPDIR (which
 * everything a test process starts inherits) equal to the run's folder.
 */
function testChildrenAlive(runDir) {
  if (!runDir) return [];
  return processesWhere(
    (environ, command) =>
      environ.includes(`CRDR_TEST_RUN=${runDir}`) ||
      // Jest's own workers carry the run's folder too; they are not a test's.
      (environ.includes(`CRDR_TEST_TMPDIR=${runDir}`) && !/jest-worker/.test(command)),
  );
}

/** Resumes and kills them, so a failed run leaves nothing behind either. */
function killAll(processes) {
  for (const { pid } of processes) {
    for (const signal of ["SIGCONT", "SIGKILL"]) {
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    }
  }
}

module.exports = { processesWhere, testChildrenAlive, killAll };
