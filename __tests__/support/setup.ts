import * as fs from "fs";
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
