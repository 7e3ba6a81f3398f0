#!/usr/bin/env node
// Runs the fault campaign (__tests__/fault-campaign.test.ts) longer than CI
// does, or replays a failing seed:
//
//   npm run campaign -- --runs 500
//   npm run campaign -- --seed 1234567 --runs 16 [--path 3:1] [--shrink]
"use strict";
const path = require("path");
const { spawnSync } = require("child_process");
const { Command, InvalidArgumentError } = require("commander");

const count = (value) => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("give a whole number");
  return Number(value);
};
const program = new Command("npm run campaign --")
  .description(
    "Random fault schedules against the simulator, checking the exactly-once, state and message promises after each.",
  )
  .option("--runs <n>", "schedules on the recorded Terraform", count, 500)
  .option("--real-runs <n>", "schedules on the real terraform binary (each takes seconds)", count, 10)
  .option("--seed <n>", "replay this seed (printed by every run, and by fast-check on a failure)", count)
  .option("--path <path>", "with --seed: replay only the failing schedule fast-check names")
  .option("--shrink", "shrink a failing schedule to a smaller one (slow)", false)
  // Bad input is exit 2, as in every command of the project (commander's own is 1).
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
  .parse(process.argv);
const o = program.opts();

const root = path.resolve(__dirname, "..");
const env = {
  ...process.env,
  CI: "true",
  CRDR_CAMPAIGN_RUNS: String(o.runs),
  CRDR_CAMPAIGN_REAL_RUNS: String(o.realRuns),
  ...(o.seed !== undefined ? { CRDR_CAMPAIGN_SEED: String(o.seed) } : {}),
  ...(o.path ? { CRDR_CAMPAIGN_PATH: o.path } : {}),
  ...(o.shrink ? { CRDR_CAMPAIGN_SHRINK: "1" } : {}),
};
const jest = path.join(root, "node_modules", "jest", "bin", "jest.js");
const result = spawnSync(process.execPath, [jest, "--runInBand", "__tests__/fault-campaign.test.ts"], {
  cwd: root,
  env,
  stdio: "inherit",
});
process.exit(result.status ?? 1);
