import * as fs from "fs";
import * as path from "path";

/** What the stand-in's `state push` does. */
export type PushBehaviour =
  /** Records its pid (and its child's) and the pushed copy's mode, then hangs in a child of its own. */
  | "hang"
  /** Stores the pushed state, then exits 1: a backend that took the write and answered an error. */
  | "store-then-fail"
  /** Exits 1 and stores nothing. */
  | "fail";

/**
 * A stand-in terraform script for state-restore tests that need terraform to
 * do something the real one cannot be made to do at a known point: its state
 * is `<dir>/current.tfstate`; `version`, `init` and the lock check succeed.
 */
export function writeStandInTerraform(dir: string, push: PushBehaviour): string {
  const pushing = {
    hang: [
      '    stat -c %a "$last" > "$W/copy-mode"',
      "    sleep 300 &",
      '    echo "$$ $!" > "$W/push-pids"',
      "    wait ;;",
    ],
    "store-then-fail": [
      '    cp "$last" "$W/current.tfstate"',
      '    echo "Error: Failed to persist state: HTTP 503" >&2',
      "    exit 1 ;;",
    ],
    fail: ['    echo "Error: Failed to persist state: HTTP 503" >&2', "    exit 1 ;;"],
  }[push];
  const file = path.join(dir, "terraform");
  fs.writeFileSync(
    file,
    [
      "#!/bin/sh",
      `W=${JSON.stringify(dir)}`,
      'case "$1 $2" in',
      '  "version "*) echo \'{"terraform_version":"1.11.4"}\' ;;',
      '  "init "*) echo "Terraform has been successfully initialized!" ;;',
      '  "state pull") cat "$W/current.tfstate" ;;',
      '  "state push")',
      '    for last in "$@"; do :; done',
      ...pushing,
      "  *) exit 0 ;;",
      "esac",
    ].join("\n") + "\n",
    { mode: 0o755 },
  );
  return file;
}
