import { startSynthAhead } from "../lib/cli/synth-ahead";

// Before the command's own modules load, so the resynth's start-up runs beside theirs.
startSynthAhead(process.argv, process.cwd(), process.env);
// Loaded after that start, not hoisted above it as an import would be.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runCrdr } = require("../lib/cli/crdr-program") as typeof import("../lib/cli/crdr-program");

runCrdr(process.argv, __dirname);
