#!/usr/bin/env node
// Checks that two synth outputs are the same Terraform configuration apart from
// the CDK's own version, which cdktf and CDK Terrain each write into the output:
// what a move from one to the other must not change.
//
//   node tools/compare-synth.js OUTDIR_BEFORE OUTDIR_AFTER
//       compares two cdktf.out folders (every file; JSON as data)
//   node tools/compare-synth.js --projects PROJECT_A PROJECT_B
//       synthesizes both projects once per case in SYNTH_CASES (every phase,
//       every backend) and compares each case's output
//
// Prints every difference and exits 1 if there is one.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

/** Where the CDK writes its version, as [file pattern, key path]. Nowhere else may differ. */
const VERSION_FIELDS = [
  [/^manifest\.json$/, ["version"]],
  [/^stacks\/[^/]+\/cdk\.tf\.json$/, ["//", "metadata", "version"]],
];
const VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const PLACEHOLDER = "<the CDK's version>";

/**
 * The cases the projects are synthesized in: together they cover every phase
 * layout (the removed, import and lifecycle blocks) and every backend.
 */
const IMPORTS = [
  { address: "aiven_pg.primary", id: "crdr-test/pg-primary" },
  { address: "aiven_service_integration.disaster_recovery", id: "crdr-test/abc" },
];
const SYNTH_CASES = [
  { name: "normal, local backend" },
  {
    name: "failed-over (primary forgotten), s3 backend",
    phase: { phase: "failed-over", primary: "forgotten" },
    backend: { type: "s3", bucket: "crdr-state", region: "eu-north-1" },
  },
  {
    name: "failed-over (primary frozen), http backend",
    phase: { phase: "failed-over", primary: "frozen" },
    backend: { type: "http", address: "https://state.example.com/crdr", lock: true },
  },
  {
    name: "normal with pending imports, cloud backend",
    phase: { phase: "normal", pendingImports: IMPORTS },
    backend: { type: "cloud", organization: "example" },
  },
  {
    name: "switched-over with a pending import, gcs backend",
    phase: { phase: "switched-over", pendingImports: IMPORTS.slice(1) },
    backend: { type: "gcs", bucket: "crdr-state" },
  },
];

/** What `terraform init` leaves in a stack's folder: not synth's output. */
const TERRAFORM_WORKING_FILES = new Set([".terraform", ".terraform.lock.hcl"]);

function filesUnder(dir, prefix = "") {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .filter((entry) => !TERRAFORM_WORKING_FILES.has(entry.name))
    .flatMap((entry) => {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      return entry.isDirectory() ? filesUnder(dir, rel) : [rel];
    })
    .sort();
}

/** The file's data with the CDK's version, where the CDK writes it, replaced by a placeholder. */
function withoutCdkVersion(rel, data) {
  for (const [file, keyPath] of VERSION_FIELDS) {
    if (!file.test(rel)) continue;
    let parent = data;
    for (const key of keyPath.slice(0, -1)) parent = parent && typeof parent === "object" ? parent[key] : undefined;
    const last = keyPath[keyPath.length - 1];
    if (parent && typeof parent === "object" && typeof parent[last] === "string" && VERSION.test(parent[last]))
      parent[last] = PLACEHOLDER;
  }
  return data;
}

/** Where two JSON values differ, as "path: a ≠ b" lines. */
function valueDifferences(a, b, at) {
  if (a === b) return [];
  const bothObjects = a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) return [`${at}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((key) => valueDifferences(a[key], b[key], `${at}${Array.isArray(a) ? `[${key}]` : `.${key}`}`));
}

/** Every difference between two synth output folders, apart from the CDK's version. */
function outdirDifferences(before, after) {
  const filesBefore = filesUnder(before);
  const filesAfter = filesUnder(after);
  const differences = [
    ...filesBefore.filter((f) => !filesAfter.includes(f)).map((f) => `${f}: only in ${before}`),
    ...filesAfter.filter((f) => !filesBefore.includes(f)).map((f) => `${f}: only in ${after}`),
  ];
  for (const rel of filesBefore.filter((f) => filesAfter.includes(f))) {
    const textBefore = fs.readFileSync(path.join(before, rel), "utf8");
    const textAfter = fs.readFileSync(path.join(after, rel), "utf8");
    if (!rel.endsWith(".json")) {
      if (textBefore !== textAfter) differences.push(`${rel}: the contents differ`);
      continue;
    }
    const dataBefore = withoutCdkVersion(rel, JSON.parse(textBefore));
    const dataAfter = withoutCdkVersion(rel, JSON.parse(textAfter));
    differences.push(...valueDifferences(dataBefore, dataAfter, "$").map((d) => `${rel}: ${d}`));
  }
  return differences;
}

/** Synthesizes a project as `npm run synth` does, with the case's phase file and backend, into a fresh folder. */
function synthesizeCase(project, synthCase, workDir) {
  const phaseFile = path.join(workDir, "crdr-phases.json");
  if (synthCase.phase)
    fs.writeFileSync(phaseFile, JSON.stringify({ version: 1, pairs: { "pg-primary": synthCase.phase } }));
  else fs.rmSync(phaseFile, { force: true });
  const outdir = path.join(project, "cdktf.out");
  fs.rmSync(outdir, { recursive: true, force: true });
  // The old single file: a revision with the phase folder reads it too (no folder beside it), from CRDR_PHASE_DIR.
  const sources = path.join(project, "lib", "settings", "setting-sources.ts");
  const phaseDirKnown = !fs.existsSync(sources) || fs.readFileSync(sources, "utf8").includes("CRDR_PHASE_DIR");
  const phaseSetting = phaseDirKnown
    ? { CRDR_PHASE_DIR: phaseFile.replace(/\.json$/, "") }
    : { CRDR_PHASE_FILE: phaseFile };
  const { CRDR_PHASE_FILE: _old, CRDR_PHASE_DIR: _new, ...inherited } = process.env;
  const env = { ...inherited, ...phaseSetting, CRDR_BACKEND: JSON.stringify(synthCase.backend || { type: "local" }) };
  const result = spawnSync(process.execPath, ["tools/run-built.js", "scripts/synth"], {
    cwd: project,
    env,
    encoding: "utf8",
  });
  if (result.status !== 0)
    throw new Error(`Synth of ${project} (${synthCase.name}) failed:\n${result.stderr || result.stdout}`);
  const kept = path.join(workDir, path.basename(project) + "-" + SYNTH_CASES.indexOf(synthCase));
  fs.renameSync(outdir, kept);
  return kept;
}

function projectDifferences(projectA, projectB) {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "compare-synth-"));
  try {
    return SYNTH_CASES.flatMap((synthCase) => {
      const a = synthesizeCase(projectA, synthCase, workDir);
      const b = synthesizeCase(projectB, synthCase, workDir);
      return outdirDifferences(a, b).map((d) => `${synthCase.name}: ${d}`);
    });
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

function main(args) {
  const projects = args[0] === "--projects";
  const [a, b, ...rest] = projects ? args.slice(1) : args;
  if (!a || !b || rest.length) {
    process.stderr.write(
      "usage: node tools/compare-synth.js OUTDIR_BEFORE OUTDIR_AFTER | --projects PROJECT_A PROJECT_B\n",
    );
    process.exit(2);
  }
  const differences = projects ? projectDifferences(path.resolve(a), path.resolve(b)) : outdirDifferences(a, b);
  if (differences.length) {
    process.stderr.write(
      `✖ The synth outputs differ in ${differences.length} place(s):\n${differences.map((d) => `  - ${d}`).join("\n")}\n`,
    );
    process.exit(1);
  }
  console.log(
    projects
      ? `✔ Identical synth apart from the CDK's version, in ${SYNTH_CASES.length} cases: ${SYNTH_CASES.map((c) => c.name).join("; ")}.`
      : "✔ Identical synth apart from the CDK's version.",
  );
}

module.exports = { outdirDifferences, SYNTH_CASES };

if (require.main === module) main(process.argv.slice(2));
