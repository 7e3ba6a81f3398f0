import * as fs from "fs";
import * as path from "path";
import { markdownReport } from "../../lib/plan-review/markdown-report";
import { reviewPlan } from "../../lib/plan-review/review";
import { parsePlan } from "../../lib/plan-review/terraform-plan";
import { UserError } from "../../lib/user-error";
import { context } from "../support/plan-builder";

const FIXTURES = path.join(__dirname, "..", "fixtures", "plans");

/** A small deterministic generator, so a failure reproduces. */
function rng(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

const ODD_VALUES = [null, 0, -1, "", "x", true, [], {}, [null], { actions: "delete" }, ["delete", "create"], Infinity];

/** Replaces one randomly chosen value somewhere in the document with an odd one. */
function mutate(doc: any, random: () => number): any {
  const copy = JSON.parse(JSON.stringify(doc));
  const paths: Array<[any, string | number]> = [];
  const walk = (node: any) => {
    if (node && typeof node === "object") {
      for (const key of Object.keys(node)) {
        paths.push([node, Array.isArray(node) ? Number(key) : key]);
        walk(node[key]);
      }
    }
  };
  walk(copy);
  if (!paths.length) return copy;
  const [parent, key] = paths[Math.floor(random() * paths.length)];
  const choice = random();
  if (choice < 0.2 && !Array.isArray(parent)) delete parent[key];
  else parent[key] = ODD_VALUES[Math.floor(random() * ODD_VALUES.length)];
  return copy;
}

describe("plan review robustness", () => {
  const docs = fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(fs.readFileSync(path.join(FIXTURES, f), "utf8")));

  it("never crashes on mutated plans: it reviews them or refuses them with a user error", () => {
    const random = rng(20261125);
    let reviewed = 0;
    for (let i = 0; i < 600; i++) {
      const doc = mutate(docs[i % docs.length], random);
      try {
        const result = reviewPlan(
          parsePlan(JSON.stringify(doc), `mutant ${i}`),
          context(
            { phase: i % 2 ? "normal" : "failed-over", primary: "frozen" } as never,
            i % 3 ? "pg-primary" : undefined,
          ),
        );
        markdownReport(result);
        reviewed += 1;
      } catch (err) {
        if (!(err instanceof UserError))
          throw new Error(
            `mutant ${i} crashed the review: ${(err as Error).stack}\n${JSON.stringify(doc).slice(0, 2000)}`,
            { cause: err },
          );
      }
    }
    expect(reviewed).toBeGreaterThan(300);
  });
});
