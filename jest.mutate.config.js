/**
 * The fast in-process tests that judge the safety core's mutants
 * (stryker.config.mjs). No build step: the sandbox's dist/ is the build the
 * synth child processes use, and ts-jest loads the mutated sources directly.
 */
const base = require("./jest.config");

/** A narrow run can name its test files (comma-separated) in CRDR_MUTATE_TESTS: Stryker first runs every test once. */
const only = (process.env.CRDR_MUTATE_TESTS ?? "")
  .split(",")
  .filter(Boolean)
  .map((f) => `<rootDir>/${f.trim()}`);

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  // A pure target's tests (CRDR_MUTATE_PURE=1) need neither cdktf's matchers nor the lock folder: loading cdktf
  // for each test file of each mutant was most of a run.
  setupFilesAfterEnv:
    process.env.CRDR_MUTATE_PURE === "1"
      ? base.setupFilesAfterEnv.filter((f) => !f.endsWith("/setup.ts"))
      : base.setupFilesAfterEnv,
  globalSetup: "<rootDir>/__tests__/support/global-setup-prebuilt.js",
  globalTeardown: "<rootDir>/__tests__/support/global-teardown-mutate.js",
  testSequencer: "<rootDir>/__tests__/support/smallest-first-sequencer.js",
  testMatch: only.length
    ? only
    : [
        "<rootDir>/__tests__/sign-of-change.test.ts",
        "<rootDir>/__tests__/role-request.test.ts",
        "<rootDir>/__tests__/accepted-without-effect.test.ts",
        "<rootDir>/__tests__/pair-record.test.ts",
        "<rootDir>/__tests__/role-change-disagreement.test.ts",
        "<rootDir>/__tests__/operations-in-process.test.ts",
        "<rootDir>/__tests__/preflight.test.ts",
        "<rootDir>/__tests__/preflight-side-by-side.test.ts",
        "<rootDir>/__tests__/aiven-client.test.ts",
        "<rootDir>/__tests__/request-budget.test.ts",
        "<rootDir>/__tests__/synthesized-stack.test.ts",
        "<rootDir>/__tests__/phases.test.ts",
        "<rootDir>/__tests__/phase-folder.test.ts",
        "<rootDir>/__tests__/phase-change.test.ts",
        "<rootDir>/__tests__/phase-files.test.ts",
        "<rootDir>/__tests__/plan-review/terraform-plan.test.ts",
        "<rootDir>/__tests__/plan-review/rules/*.test.ts",
        "<rootDir>/__tests__/plan-review/sensitive-values.test.ts",
        "<rootDir>/__tests__/plan-review/review.test.ts",
        "<rootDir>/__tests__/plan-review/robustness.test.ts",
      ],
};
