import { spawnSync } from "child_process";
import * as path from "path";
import { processesWhere } from "../support/test-children";

const STAGE_BOUND = path.resolve(__dirname, "..", "..", ".ci", "stage-bound.sh");

/** Runs `bounded` from .ci/stage-bound.sh as .ci/run does, under `set -euo pipefail`. */
function bounded(script: string) {
  return spawnSync("bash", ["-c", `set -euo pipefail; source ${JSON.stringify(STAGE_BOUND)}; ${script}`], {
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe(".ci/run's stage bound", () => {
  it("fails a stage past its bound, printing the processes that held it and the test that started them, and leaves none behind", () => {
    const test = `a test that stops its child (${process.pid}-${Date.now()})`;
    const run = bounded(
      `held() { CRDR_TEST_NAME="${test}" bash -c 'sleep 3600 & kill -STOP $!; wait'; }; bounded 1 "the held stage" held`,
    );
    expect(run.status).toBe(124);
    expect(run.stderr).toContain('✖ CI stage "the held stage" ran past its bound of 1s; what held it:');
    // The stopped process (T), in the process table printed.
    expect(run.stderr).toMatch(/^\s*\d+\s+\d+\s+T\s+\S+\s+\S.*$/m);
    expect(run.stderr).toContain(`was started by the test "${test}"`);
    expect(processesWhere((environ: string[]) => environ.includes(`CRDR_TEST_NAME=${test}`))).toEqual([]);
  });

  it("passes a stage's own exit code through when it ends in time", () => {
    expect(bounded(`bounded 600 "a quick stage" bash -c 'exit 3'`).status).toBe(3);
    expect(bounded(`bounded 600 "a quick stage" true; echo after`).stdout).toBe("after\n");
  });
});
