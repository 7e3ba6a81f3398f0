import * as fs from "fs";
import * as path from "path";

/**
 * What a Markdown page of this repository points at: the repository paths it
 * names, the file names it quotes, and its links to other pages. The docs
 * test checks each against the tree, so a moved or renamed file cannot leave
 * a page pointing at nothing.
 */

/** The folders whose paths the pages name; a path starting with one is checked. */
const REPOSITORY_ROOTS = [
  "bin",
  "lib",
  "scripts",
  "__tests__",
  "tools",
  ".github",
  ".ci",
  "docs",
  "bench",
  "provider-schema",
];

/** Folders that installs, builds and runs make; never part of what a page may point at. */
const NOT_WRITTEN_BY_HAND = new Set([
  "node_modules",
  "dist",
  ".gen",
  "cdktf.out",
  ".git",
  ".crdr",
  "coverage",
  "reports",
  ".stryker-tmp",
]);

const PATH_PATTERN = new RegExp(
  `(?<![\\w./-])(?:${REPOSITORY_ROOTS.map((r) => r.replace(".", "\\.")).join("|")})/[\\w.*/-]*`,
  "g",
);
const FILE_NAME_PATTERN = /`([\w.-]+\.(?:ts|js|mjs|cjs|json|sh|ya?ml|md|py|snap))`/g;

/** Fenced code blocks are left out of heading and link scans (a `#` in a shell block is no heading). */
function outsideCodeFences(markdown: string): string[] {
  let fenced = false;
  return markdown.split("\n").filter((line) => {
    if (line.startsWith("```")) {
      fenced = !fenced;
      return false;
    }
    return !fenced;
  });
}

/** Repository paths a page names (`lib/…`, `__tests__/…`, …), without a trailing `:lines` or sentence punctuation. */
export function namedPaths(markdown: string): string[] {
  const found = [...markdown.matchAll(PATH_PATTERN)].map((m) => m[0].replace(/[.]+$/, ""));
  return [...new Set(found)];
}

/** File names a page quotes in backticks on their own (`failover.ts`), not as part of a path. */
export function quotedFileNames(markdown: string): string[] {
  return [...new Set([...markdown.matchAll(FILE_NAME_PATTERN)].map((m) => m[1]))];
}

/** Links to other pages of the repository: `[text](target)` with no scheme. */
export function relativeLinks(markdown: string): Array<{ file: string; anchor?: string }> {
  const links = outsideCodeFences(markdown).flatMap((line) => [...line.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]));
  return links
    .filter((target) => !/^[a-z][a-z+.-]*:/i.test(target))
    .map((target) => {
      const [file, anchor] = target.split("#", 2);
      return anchor === undefined ? { file } : { file, anchor };
    });
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of outsideCodeFences(markdown)) {
    const heading = /^#{1,6} (.*)$/.exec(line);
    if (!heading) continue;
    const text = heading[1].replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count ? `${slug}-${count}` : slug);
  }
  return anchors;
}

/** Every file name in the repository as written by hand (what installs and builds make is left out). */
export function repositoryFileNames(repo: string): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!NOT_WRITTEN_BY_HAND.has(entry.name)) walk(path.join(dir, entry.name));
      } else names.add(entry.name);
    }
  };
  walk(repo);
  return names;
}

/** Whether a named path exists; one with `*` must match at least one file in its folder. */
function pathExists(repo: string, named: string): boolean {
  if (!named.includes("*")) return fs.existsSync(path.join(repo, named));
  const folder = path.join(repo, path.dirname(named));
  const pattern = new RegExp(`^${path.basename(named).replace(/[.]/g, "\\.").replace(/\*/g, ".*")}$`);
  return fs.existsSync(folder) && fs.readdirSync(folder).some((f) => pattern.test(f));
}

export interface DocContext {
  readonly repo: string;
  /** The page's path relative to the repository, such as `docs/failover.md`. */
  readonly page: string;
  readonly fileNames: Set<string>;
  /** Quoted file names that are not the repository's: what the tools write, another repository's files. */
  readonly foreignFileNames: ReadonlySet<string>;
  /** Paths another repository holds, named as that repository's. */
  readonly foreignPaths: ReadonlySet<string>;
}

/** Everything a page names that is not there, one line each; empty when the page is sound. */
export function brokenReferences(markdown: string, ctx: DocContext): string[] {
  const problems: string[] = [];
  for (const named of namedPaths(markdown)) {
    if (!ctx.foreignPaths.has(named) && !pathExists(ctx.repo, named))
      problems.push(`${ctx.page} names ${named}, which does not exist`);
  }
  for (const name of quotedFileNames(markdown)) {
    if (!ctx.foreignFileNames.has(name) && !ctx.fileNames.has(name))
      problems.push(`${ctx.page} quotes \`${name}\`, which is no file in the repository`);
  }
  for (const link of relativeLinks(markdown)) {
    const target = link.file
      ? path.join(path.dirname(path.join(ctx.repo, ctx.page)), link.file)
      : path.join(ctx.repo, ctx.page);
    const shown = `${link.file}${link.anchor === undefined ? "" : `#${link.anchor}`}`;
    if (!fs.existsSync(target)) {
      problems.push(`${ctx.page} links to ${shown}, which does not exist`);
    } else if (
      link.anchor !== undefined &&
      target.endsWith(".md") &&
      !headingAnchors(fs.readFileSync(target, "utf8")).has(link.anchor)
    ) {
      problems.push(`${ctx.page} links to ${shown}, a heading that page does not have`);
    }
  }
  return problems;
}
