import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** What the fake does for one stack (the basename of `-chdir`). */
export type StackBehaviour =
  /** init succeeds, plan fails with a coloured error, as a provider refusing credentials would. */
  | { readonly planFails: true }
  /** init and plan succeed; show -json prints this plan. */
  | { readonly showJson: string }
  /** the real terraform binary (the test decides where it may install providers from). */
  | { readonly real: true };

/** The coloured error the fake's failing plan prints, and the text a reader should still see. */
export const FAKE_PLAN_ERROR =
  "\u001b[31m╷\u001b[0m\n\u001b[31m│\u001b[0m \u001b[1m\u001b[31mError: \u001b[0m\u001b[1mInvalid credentials\u001b[0m\n\u001b[31m│\u001b[0m 401 Unauthorized: the token was refused\n\u001b[31m╵\u001b[0m\n";

/**
 * A directory holding a fake `terraform` for PATH, driven per stack, which
 * also logs every call (one line each) to `calls.log` beside it.
 */
export function fakeTerraform(
  behaviours: Record<string, StackBehaviour>,
  realTerraform = execFileSync("bash", ["-c", "command -v terraform"], { encoding: "utf8" }).trim(),
): { bin: string; calls: () => string[]; remove: () => void } {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-terraform-"));
  const log = path.join(bin, "calls.log");
  const cases = Object.entries(behaviours).map(([stack, b]) => {
    if ("real" in b) return `  ${stack}) exec ${JSON.stringify(realTerraform)} "$@" ;;`;
    if ("planFails" in b) {
      const errorFile = path.join(bin, `${stack}.error`);
      fs.writeFileSync(errorFile, FAKE_PLAN_ERROR);
      return `  ${stack}) case "$command" in init) echo "Terraform has been successfully initialized!" ;; plan) cat ${JSON.stringify(errorFile)} >&2; exit 1 ;; *) exit 1 ;; esac ;;`;
    }
    const planFile = path.join(bin, `${stack}.plan.json`);
    fs.writeFileSync(planFile, b.showJson);
    return `  ${stack}) case "$command" in init) echo "Terraform has been successfully initialized!" ;; plan) echo "No changes."; : > "$dir/tfplan" ;; show) cat ${JSON.stringify(planFile)} ;; esac ;;`;
  });
  fs.writeFileSync(
    path.join(bin, "terraform"),
    [
      "#!/usr/bin/env bash",
      'dir=.; command=""',
      'for arg in "$@"; do case "$arg" in -chdir=*) dir=${arg#-chdir=} ;; -*) ;; *) [ -z "$command" ] && command=$arg ;; esac; done',
      `echo "$(basename "$dir") $command" >> ${JSON.stringify(log)}`,
      'case "$(basename "$dir")" in',
      ...cases,
      '  *) echo "fake terraform: no behaviour for $dir" >&2; exit 99 ;;',
      "esac",
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  return {
    bin,
    calls: () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n").filter(Boolean) : []),
    remove: () => fs.rmSync(bin, { recursive: true, force: true }),
  };
}
