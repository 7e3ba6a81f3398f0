// Mutation testing of the safety core (`npm run mutate`): the code whose
// mistakes send a role change twice, claim one that did not happen, act on the
// wrong state or leak a secret. It runs against the fast in-process tests
// only (jest.mutate.config.js): the end-to-end tests run the compiled
// scripts in dist/, which Stryker's mutants never reach.
//
// Heavy: hours for the whole core on two cores. `npm run mutate` runs
// tools/mutate.js, which mutates one target at a time against the fast tests
// that judge it (`npm run mutate -- lib/aiven/write-outcome.ts` for one);
// docs/mutation-testing.md has the scores, run times and the survivors.
// Narrower still, to some lines and the tests that cover them:
//   CRDR_MUTATE_TESTS=__tests__/role-change-disagreement.test.ts npx stryker run --mutate lib/operations/role-request.ts:57-100
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: "npm",
  testRunner: "jest",
  // A pure target (CRDR_MUTATE_PURE=1, set by tools/mutate.js) is reached only by tests that import it, so a mutant
  // runs only the test files related to its file; otherwise every selected file is loaded for every mutant.
  jest: {
    projectType: "custom",
    configFile: "jest.mutate.config.js",
    enableFindRelatedTests: process.env.CRDR_MUTATE_PURE === "1",
  },
  checkers: ["typescript"],
  // For a pure target tools/mutate.js narrows the type check to the target and what it imports: checking the whole project (the
  // provider bindings) for each mutant made the checker the slowest part of a run.
  tsconfigFile: process.env.CRDR_MUTATE_TSCONFIG || "tsconfig.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: "perTest",
  mutate: [
    "lib/operations/role-request.ts",
    "lib/operations/accepted-without-effect.ts",
    "lib/aiven/write-outcome.ts",
    "lib/aiven/request-budget.ts",
    "lib/synth/synthesized-stack.ts",
    "lib/phase/**/*.ts",
    "lib/plan-review/rules/**/*.ts",
    // The plan parser (its masking included), the preflight and the operation
    // context, whole: line ranges drift as the files change.
    "lib/plan-review/terraform-plan.ts",
    "lib/operations/preflight.ts",
    "lib/operations/operation-context.ts",
    // The pieces the context was split into (its steps, what changed at Aiven, the PairRun, the phase recording).
    "lib/operations/run-steps.ts",
    "lib/operations/change-at-aiven.ts",
    "lib/operations/pair-run.ts",
    "lib/operations/phase-recording.ts",
  ],
  // The in-process tests synthesize through dist/main.js (a child process), as an engineer's checkout does.
  // Other runs' sandboxes too (tools/mutate.js gives each run its own): a copy of one would be crawled by jest.
  ignorePatterns: ["/.crdr", "/cdktf.out", "/coverage", "/reports", "/.stryker-tmp*"],
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  // tools/mutate.js names each run's report (CRDR_MUTATE_REPORT), so that runs side by side keep theirs.
  jsonReporter: { fileName: process.env.CRDR_MUTATE_REPORT || "reports/mutation/mutation.json" },
  concurrency: 1,
  // Stryker first runs every selected test once, measuring coverage per test.
  dryRunTimeoutMinutes: 30,
  timeoutMS: 60000,
  timeoutFactor: 2,
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
