import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing } from "cdktf";
// Brings the matchers' type declarations (toHaveResourceWithProperties, …) into the type check.
import "cdktf/lib/testing/adapters/jest";

Testing.setupJest();

// cdktf's Testing.app (which synthScope uses) and fullSynth each make a temp
// folder and offer no way to remove it. The teardown fails the run for what
// is left, so this file's test removes the folders its own calls made.
const cdktfOutdirs: string[] = [];
const app = Testing.app.bind(Testing);
const fullSynth = Testing.fullSynth.bind(Testing);
Testing.app = (options = {}) => {
  const made = app(options);
  if (!options.outdir) cdktfOutdirs.push(made.outdir);
  return made;
};
Testing.fullSynth = (stack) => {
  const outdir = fullSynth(stack);
  cdktfOutdirs.push(outdir);
  return outdir;
};
afterAll(() => {
  for (const dir of cdktfOutdirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

// The pair lock is machine-wide (keyed by Aiven project and primary): test
// files here, in other jest workers and in other checkouts use the same
// names at the same time, so each test file gets its own lock folder, which
// every script it spawns inherits.
const lockDir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-locks-"));
process.env.CRDR_LOCK_DIR = lockDir;
afterAll(() => {
  fs.rmSync(lockDir, { recursive: true, force: true });
});
// Beside the locks, each pair's machine-wide record of role changes: every
// test starts a new simulator, so a new pair as far as Aiven goes; what an
// earlier test's runs asked of the old one must not carry over.
beforeEach(() => {
  for (const file of fs.readdirSync(lockDir))
    if (file.endsWith(".role-changes.jsonl")) fs.rmSync(path.join(lockDir, file), { force: true });
});
