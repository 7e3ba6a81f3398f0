import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { APPLICATION_OUTPUTS } from "../../lib/pair/application-outputs";
import { applicationOutputList } from "../../lib/contract/pair-manifest";
import { reviewPlan } from "../../lib/plan-review/review";
import { applicationOutputRemoved } from "../../lib/plan-review/rules/application-output-removed";
import { parsePlan } from "../../lib/plan-review/terraform-plan";
import { TerraformCli } from "../../lib/terraform/terraform-cli";
import { context, pairManifest } from "../support/plan-builder";
import { requireTerraform } from "../support/terraform";

/**
 * The rule on plans the real terraform made (init, apply, plan, show): apart
 * from the rule's own tests (rules/), which mutation runs of the rules use
 * and which need no terraform.
 */
const PAIR = { ...pairManifest(), applicationOutputs: APPLICATION_OUTPUTS };
const APPLICATION_OUTPUT_NAMES = applicationOutputList(APPLICATION_OUTPUTS);

describe("rule application-output-removed on plans made by the real terraform", () => {
  let dir: string;
  beforeAll(() => requireTerraform());
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-output-plan-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Applies a config declaring `before`, then plans `after` against that state: the plan's JSON. */
  async function planFrom(before: readonly string[], after: readonly string[]): Promise<string> {
    const terraform = new TerraformCli({ cwd: dir, env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null" } });
    const config = (names: readonly string[]) =>
      fs.writeFileSync(
        path.join(dir, "main.tf.json"),
        JSON.stringify({
          output: Object.fromEntries(names.map((n) => [n, { value: `value of ${n}`, sensitive: n === "app_uri" }])),
        }),
      );
    const step = async (args: string[]) => {
      const result = await terraform.run(args);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: "" });
      return result.stdout;
    };
    config(before);
    await step(["init", "-input=false", "-no-color"]);
    await step(["apply", "-auto-approve", "-input=false", "-no-color"]);
    config(after);
    await step(["plan", "-input=false", "-no-color", "-out=tfplan"]);
    return step(["show", "-json", "tfplan"]);
  }

  it("flags the removal in the project's plan review, and passes a plan that keeps every application output", async () => {
    const withoutUri = await planFrom(
      APPLICATION_OUTPUT_NAMES,
      APPLICATION_OUTPUT_NAMES.filter((n) => n !== "app_uri"),
    );
    const result = reviewPlan(
      parsePlan(withoutUri, "terraform plan"),
      context({ phase: "normal" }, "pg-primary", [PAIR]),
    );
    expect(result.findings.filter((f) => f.rule === "application-output-removed")).toEqual([
      expect.objectContaining({ address: "output.app_uri", severity: "danger" }),
    ]);
    expect(result.verdict).toBe("danger");
    expect(JSON.stringify(result)).not.toContain("value of app_uri"); // the plan carries the sensitive value; the review never does

    const unchanged = await planFrom(APPLICATION_OUTPUT_NAMES, APPLICATION_OUTPUT_NAMES);
    expect(
      applicationOutputRemoved.evaluate(
        parsePlan(unchanged, "terraform plan"),
        context({ phase: "normal" }, "pg-primary", [PAIR]),
      ),
    ).toEqual([]);
  });
});
