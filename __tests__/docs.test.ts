import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  brokenReferences,
  DocContext,
  headingAnchors,
  namedPaths,
  quotedFileNames,
  repositoryFileNames,
} from "./support/doc-references";

const REPO = path.resolve(__dirname, "..");

/** The README and every page under docs/. */
const PAGES = [
  "README.md",
  ...fs
    .readdirSync(path.join(REPO, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** Quoted names of files the tools write or read at run time, or that other repositories hold; none is in this one. */
const FOREIGN_FILE_NAMES = new Set([
  "cdk.tf.json", // each stack's synthesized configuration, under cdktf.out/
  "crdr-phases.json", // the single phase file of projects made before the phase folder
  "manifest.json", // cdktf's own, under cdktf.out/
  "plan.json", // `terraform show -json tfplan > plan.json`
  "review.md", // plan:review --out review.md
  "service_integration.md", // a page of the Aiven provider's documentation
]);
/** Paths named as another repository's (the Aiven provider's documentation the schema was rebuilt from). */
const FOREIGN_PATHS = new Set(["docs/resources/pg.md"]);

const context = (page: string, repo = REPO): DocContext => ({
  repo,
  page,
  fileNames: repositoryFileNames(repo),
  foreignFileNames: FOREIGN_FILE_NAMES,
  foreignPaths: FOREIGN_PATHS,
});

describe("the README and the docs", () => {
  it.each(PAGES)("%s names only files that exist and links only to pages and headings that exist", (page) => {
    expect(brokenReferences(fs.readFileSync(path.join(REPO, page), "utf8"), context(page))).toEqual([]);
  });

  it("are a tree: the README links to every page under docs/", () => {
    const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
    const linked = PAGES.filter((p) => p.startsWith("docs/") && !readme.includes(`](${p}`));
    expect(linked).toEqual([]);
  });

  it("are where the code, the tools and the workflows send a reader", () => {
    const pointing = ["lib", "scripts", "tools", "bench", ".github", ".ci"].flatMap((dir) =>
      (fs.readdirSync(path.join(REPO, dir), { recursive: true, encoding: "utf8" }) as string[])
        .map((f) => path.join(dir, f))
        .filter((f) => fs.statSync(path.join(REPO, f)).isFile()),
    );
    const named = pointing.flatMap((file) =>
      [...fs.readFileSync(path.join(REPO, file), "utf8").matchAll(/docs\/[\w-]+\.md/g)].map((m) => `${file}: ${m[0]}`),
    );
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((entry) => !fs.existsSync(path.join(REPO, entry.split(": ")[1])))).toEqual([]);
  });

  it("keep the README's first lines the commands CI and a newcomer start from", () => {
    const lines = fs.readFileSync(path.join(REPO, "README.md"), "utf8").split("\n");
    expect(lines[2]).toBe("```bash");
    expect(lines[3]).toMatch(/^npm ci && npm run synth +#/);
    expect(lines[4]).toMatch(/^npm ci && npm test +#/);
    expect(lines[5]).toBe("```");
  });
});

describe("the docs check", () => {
  let repo: string;
  beforeEach(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-docs-"));
    fs.mkdirSync(path.join(repo, "lib", "operations"), { recursive: true });
    fs.mkdirSync(path.join(repo, "docs"));
    fs.writeFileSync(path.join(repo, "lib", "operations", "failover.ts"), "");
    fs.writeFileSync(path.join(repo, "docs", "runbook.md"), "# Runbook\n\n## The role change is sent exactly once\n");
  });
  afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

  it("finds a path, a file name, a page and a heading that are not there", () => {
    const page = [
      "See `lib/operations/failover.ts:12-20` and `lib/crdr-pair-props.ts`, and the rules in lib/operations/.",
      "Its context is `operation-context.ts`; its body `failover.ts`.",
      "[runbook](runbook.md#the-role-change-is-sent-exactly-once), [missing](ci.md), [heading](runbook.md#status)",
    ].join("\n");
    expect(brokenReferences(page, context("docs/index.md", repo))).toEqual([
      "docs/index.md names lib/crdr-pair-props.ts, which does not exist",
      "docs/index.md quotes `operation-context.ts`, which is no file in the repository",
      "docs/index.md links to ci.md, which does not exist",
      "docs/index.md links to runbook.md#status, a heading that page does not have",
    ]);
  });

  it("reads paths and names out of prose, and anchors the way GitHub makes them", () => {
    expect(namedPaths("run `__tests__/fixtures/plans/tf-*.json` (lib/ci/run-dr-operation.sh).")).toEqual([
      "__tests__/fixtures/plans/tf-*.json",
      "lib/ci/run-dr-operation.sh",
    ]);
    expect(quotedFileNames("`main.ts`, `lib/x.ts`, `--json`")).toEqual(["main.ts"]);
    expect([
      ...headingAnchors(
        "# Data at risk: the RPO guard\n## `npm run status`\n## Status\n## Status\n```\n# not a heading\n```",
      ),
    ]).toEqual(["data-at-risk-the-rpo-guard", "npm-run-status", "status", "status-1"]);
  });
});
