#!/usr/bin/env node
// Mutation testing of the safety core, one target at a time (`npm run mutate`).
// Each target is mutated against the fast tests that judge it, so a run of one
// file takes minutes, and one Stryker process runs at a time (two cores). After
// each target its JSON report is kept as reports/mutation/<target>.json, and a
// table of scores and run times closes the run.
//
//   npm run mutate                                # the whole safety core
//   npm run mutate -- lib/aiven/write-outcome.ts  # one target (a file, or lib/phase/ or lib/plan-review/rules/)
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const ROOT = path.resolve(__dirname, "..");
const REPORT = path.join(ROOT, "reports", "mutation", "mutation.json");
const RULE_TESTS = "__tests__/plan-review/rules/*.test.ts";

/**
 * Each target of the safety core, the globs Stryker mutates, and the fast test files that judge them. A `pure`
 * target is plain functions reached only by tests that import it: each mutant runs only the related test files,
 * without cdktf's test setup (see stryker.config.mjs and jest.mutate.config.js).
 */
const TARGETS = [
  { target: "lib/aiven/write-outcome.ts", tests: ["__tests__/aiven-client.test.ts"] },
  {
    target: "lib/aiven/request-budget.ts",
    tests: ["__tests__/request-budget.test.ts", "__tests__/aiven-client.test.ts"],
  },
  { target: "lib/synth/synthesized-stack.ts", tests: ["__tests__/synthesized-stack.test.ts"] },
  {
    target: "lib/phase/",
    mutate: "lib/phase/**/*.ts",
    pure: true,
    tests: [
      "__tests__/phases.test.ts",
      "__tests__/phase-change.test.ts",
      "__tests__/phase-files.test.ts",
      "__tests__/phase-folder.test.ts",
      "__tests__/plan-review/rules/phase-changed.test.ts",
      "__tests__/plan-review/rules/pair-state-missing.test.ts",
    ],
  },
  {
    target: "lib/plan-review/rules/",
    mutate: "lib/plan-review/rules/**/*.ts",
    pure: true,
    tests: [RULE_TESTS, "__tests__/plan-review/review.test.ts"],
  },
  {
    target: "lib/plan-review/terraform-plan.ts",
    pure: true,
    // Not robustness.test.ts: its 600 fuzzed plans ran for every mutant and made a run take hours here.
    tests: [
      "__tests__/plan-review/terraform-plan.test.ts",
      "__tests__/plan-review/sensitive-values.test.ts",
      "__tests__/plan-review/review.test.ts",
    ],
  },
  {
    target: "lib/operations/role-request.ts",
    tests: [
      "__tests__/sign-of-change.test.ts",
      "__tests__/role-request.test.ts",
      "__tests__/role-change-disagreement.test.ts",
      "__tests__/pair-record.test.ts",
    ],
  },
  {
    target: "lib/operations/accepted-without-effect.ts",
    tests: [
      "__tests__/accepted-without-effect.test.ts",
      "__tests__/role-change-disagreement.test.ts",
      "__tests__/pair-record.test.ts",
    ],
  },
  {
    target: "lib/operations/preflight.ts",
    tests: ["__tests__/preflight.test.ts", "__tests__/preflight-side-by-side.test.ts"],
  },
  {
    target: "lib/operations/operation-context.ts",
    // With the pieces it was split into: the run's steps, what changed at Aiven, the PairRun, the phase recording.
    mutate: ["operation-context", "run-steps", "change-at-aiven", "pair-run", "phase-recording"]
      .map((name) => `lib/operations/${name}.ts`)
      .join(","),
    tests: ["__tests__/operations-in-process.test.ts", "__tests__/role-change-disagreement.test.ts"],
  },
];

const asked = process.argv.slice(2);
const unknown = asked.filter((a) => !TARGETS.some((t) => t.target === a));
if (unknown.length) {
  console.error(
    `Not a safety-core target: ${unknown.join(", ")}. Name one of: ${TARGETS.map((t) => t.target).join(", ")}.`,
  );
  process.exit(2);
}
const chosen = asked.length ? TARGETS.filter((t) => asked.includes(t.target)) : TARGETS;
const existing = (tests) => tests.filter((t) => t.includes("*") || fs.existsSync(path.join(ROOT, t)));

const results = [];
for (const { target, mutate = target, tests, pure = false } of chosen) {
  console.log(`\n=== ${target} (tests: ${existing(tests).join(", ")})`);
  fs.rmSync(REPORT, { force: true });
  // A pure target's checker type-checks the target and what it imports, not the whole project; the file is in
  // dist/ (built, ignored by git) so that Stryker's sandbox copy has it too.
  const tsconfig = path.join("dist", "tsconfig.mutate.json");
  if (pure)
    fs.writeFileSync(
      path.join(ROOT, tsconfig),
      JSON.stringify({ extends: "../tsconfig.json", include: [`../${mutate}`] }, null, 2) + "\n",
    );
  const started = Date.now();
  // Incremental, one file per target: a second run of a target re-tests only the mutants its changes touch.
  const incremental = path.join("reports", "mutation", `${slug(target)}.incremental.json`);
  const run = spawnSync(
    "npx",
    ["stryker", "run", "--mutate", mutate, "--incremental", "--incrementalFile", incremental],
    {
      cwd: ROOT,
      stdio: "inherit",
      env: {
        ...process.env,
        CRDR_MUTATE_TESTS: existing(tests).join(","),
        CRDR_MUTATE_TSCONFIG: pure ? tsconfig : "",
        CRDR_MUTATE_PURE: pure ? "1" : "",
      },
    },
  );
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  if (run.status !== 0 || !fs.existsSync(REPORT)) {
    results.push({ target, score: "failed", minutes });
    continue;
  }
  const kept = path.join(ROOT, "reports", "mutation", `${slug(target)}.json`);
  fs.renameSync(REPORT, kept);
  results.push({ target, ...score(JSON.parse(fs.readFileSync(kept, "utf8"))), minutes });
}

console.log("\ntarget | score | killed | survived | no coverage | minutes");
for (const r of results)
  console.log(
    `${r.target} | ${r.score} | ${r.killed ?? ""} | ${r.survived ?? ""} | ${r.noCoverage ?? ""} | ${r.minutes}`,
  );
process.exit(results.some((r) => r.score === "failed") ? 1 : 0);

/** A target's name as a file name: lib/operations/role-request.ts → lib_operations_role-request_ts. */
function slug(target) {
  return target.replace(/\/$/, "").replace(/[/.]/g, "_");
}

/** Stryker's mutation score: detected (killed or timed out) over valid mutants (compile errors and ignored ones excluded). */
function score(report) {
  const count = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0 };
  for (const file of Object.values(report.files))
    for (const m of file.mutants) if (m.status in count) count[m.status] += 1;
  const valid = count.Killed + count.Timeout + count.Survived + count.NoCoverage;
  const detected = count.Killed + count.Timeout;
  return {
    score: valid ? `${((100 * detected) / valid).toFixed(1)}%` : "n/a",
    killed: detected,
    survived: count.Survived,
    noCoverage: count.NoCoverage,
  };
}
