#!/usr/bin/env node
// Mutation testing of the safety core, one target at a time (`npm run mutate`).
// Each target is mutated against the fast tests that judge it, so a run of one
// file takes minutes, and one Stryker process runs at a time (two cores). After
// each target its JSON report is kept as reports/mutation/<target>.json, and a
// table of scores and run times closes the run.
//
//   npm run mutate                                # the whole safety core
//   npm run mutate -- lib/aiven/write-outcome.ts  # one target (a file, or lib/phase/ or lib/plan-review/rules/)
//   npm run mutate -- lib/phase/ --only lib/phase/legacy-phase-file.ts,lib/phase/phase-folder.ts --incremental
//     --only: some of one target's files (comma-separated), judged by the target's tests.
//     --incremental: tests again only the mutants whose code or tests changed since the last run of the same
//     target and files (Stryker's incremental file, kept per run in reports/mutation/).
//     --concurrency N: N test runners instead of stryker.config.mjs's one (a target whose runs mostly wait).
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");
const { Command, InvalidArgumentError } = require("commander");

const ROOT = path.resolve(__dirname, "..");
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

const program = new Command("npm run mutate --")
  .argument("[targets...]", "safety-core targets (default: all)")
  .option("--only <files>", "some of one target's files, comma-separated, judged by the target's tests")
  .option("--incremental", "test again only the mutants whose code or tests changed since the same run last finished")
  .option("--concurrency <n>", "test runners (default: stryker.config.mjs's one)", (value) => {
    if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError("a whole number of test runners, such as 2.");
    return value;
  })
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
  .parse();
const asked = program.args;
const { only, incremental = false, concurrency } = program.opts();
const unknown = asked.filter((a) => !TARGETS.some((t) => t.target === a));
if (unknown.length) {
  console.error(
    `Not a safety-core target: ${unknown.join(", ")}. Name one of: ${TARGETS.map((t) => t.target).join(", ")}.`,
  );
  process.exit(2);
}
const chosen = asked.length ? TARGETS.filter((t) => asked.includes(t.target)) : TARGETS;
if (only && chosen.length !== 1) {
  console.error(
    "--only narrows one target: name the target its files belong to (lib/phase/ --only lib/phase/phase-folder.ts).",
  );
  process.exit(2);
}
const existing = (tests) => tests.filter((t) => t.includes("*") || fs.existsSync(path.join(ROOT, t)));

const results = [];
for (const { target, mutate: whole = target, tests, pure = false } of chosen) {
  const mutate = only ?? whole;
  console.log(`\n=== ${only ? `${target} (${only})` : target} (tests: ${existing(tests).join(", ")})`);
  // Each run its own report, sandbox folder and incremental file, so two targets (or two parts of one) can run side by side.
  const name = (only ?? target).replace(/\/$/, "").replace(/[/.,*]/g, "_");
  const report = path.join("reports", "mutation", `${name}.json`);
  fs.rmSync(path.join(ROOT, report), { force: true });
  // A pure target's checker type-checks the target and what it imports, not the whole project; the file is in
  // dist/ (built, ignored by git) so that Stryker's sandbox copy has it too.
  const tsconfig = path.join("dist", `tsconfig.mutate-${name}.json`);
  if (pure)
    fs.writeFileSync(
      path.join(ROOT, tsconfig),
      JSON.stringify({ extends: "../tsconfig.json", include: mutate.split(",").map((m) => `../${m}`) }, null, 2) + "\n",
    );
  const started = Date.now();
  const incrementalArgs = incremental
    ? ["--incremental", "--incrementalFile", path.join("reports", "mutation", `${name}.incremental.json`)]
    : [];
  const sandbox = ["--tempDirName", `.stryker-tmp-${name}`];
  const runners = concurrency ? ["--concurrency", concurrency] : [];
  const run = spawnSync("npx", ["stryker", "run", "--mutate", mutate, ...sandbox, ...incrementalArgs, ...runners], {
    cwd: ROOT,
    stdio: "inherit",
    env: {
      ...process.env,
      CRDR_MUTATE_TESTS: existing(tests).join(","),
      CRDR_MUTATE_TSCONFIG: pure ? tsconfig : "",
      CRDR_MUTATE_PURE: pure ? "1" : "",
      CRDR_MUTATE_REPORT: report,
    },
  });
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  const kept = path.join(ROOT, report);
  if (run.status !== 0 || !fs.existsSync(kept)) {
    results.push({ target, score: "failed", minutes });
    continue;
  }
  results.push({ target, ...score(JSON.parse(fs.readFileSync(kept, "utf8"))), minutes });
}

console.log("\ntarget | score | killed | survived | no coverage | minutes");
for (const r of results)
  console.log(
    `${r.target} | ${r.score} | ${r.killed ?? ""} | ${r.survived ?? ""} | ${r.noCoverage ?? ""} | ${r.minutes}`,
  );
process.exit(results.some((r) => r.score === "failed") ? 1 : 0);

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
