import * as fs from "fs";
import { Testing } from "cdktf";
// Brings the matchers' type declarations (toHaveResourceWithProperties, …) into the type check.
import "cdktf/lib/testing/adapters/jest";

Testing.setupJest();

// cdktf's Testing helpers synthesize into a new temp folder on every call and
// never remove it; the folders this test file made go when it ends, so the
// global teardown's check for leftovers still holds for everything else.
const madeByTesting: string[] = [];
const testingApp = Testing.app.bind(Testing);
Testing.app = (options = {}) => {
  const app = testingApp(options);
  if (!options.outdir) madeByTesting.push(app.outdir);
  return app;
};
const testingFullSynth = Testing.fullSynth.bind(Testing);
Testing.fullSynth = (stack) => {
  const outdir = testingFullSynth(stack);
  madeByTesting.push(outdir);
  return outdir;
};
afterAll(() => {
  for (const dir of madeByTesting.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
