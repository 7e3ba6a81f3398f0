import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { APPLICATION_OUTPUTS } from "../../../lib/pair/application-outputs";
import { applicationOutputList, PairManifest } from "../../../lib/contract/pair-manifest";
import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { reviewPlan } from "../../../lib/plan-review/review";
import { applicationOutputRemoved } from "../../../lib/plan-review/rules/application-output-removed";
import { parsePlan } from "../../../lib/plan-review/terraform-plan";
import { TerraformCli } from "../../../lib/terraform/terraform-cli";
import { context, pairManifest, plan } from "../../support/plan-builder";
import { requireTerraform } from "../../support/terraform";

const PAIR = { ...pairManifest(), applicationOutputs: APPLICATION_OUTPUTS };
const APPLICATION_OUTPUT_NAMES = applicationOutputList(APPLICATION_OUTPUTS);
const reviewed = (outputChanges: Record<string, { actions: string[] }>, planStack?: string) =>
  applicationOutputRemoved.evaluate(
    plan([], { output_changes: outputChanges }),
    context({ phase: "failed-over", primary: "forgotten" }, planStack, [PAIR]),
  );

describe("rule application-output-removed", () => {
  it("flags a plan that removes an application output", () => {
    expect(reviewed({ app_uri: { actions: ["delete"] }, app_host: { actions: ["no-op"] } }, "pg-primary")).toEqual([
      expect.objectContaining({
        rule: "application-output-removed",
        severity: "danger",
        address: "output.app_uri",
        stack: "pg-primary",
        message: "the application output app_uri is removed",
      }),
    ]);
  });

  it("is compliant when application outputs stay or change value, and when only per-service outputs go (the forgotten primary's)", () => {
    expect(
      reviewed({
        app_host: { actions: ["update"] },
        app_port: { actions: ["no-op"] },
        app_standby_primary_host: { actions: ["update"] },
        primary_host: { actions: ["delete"] },
      }),
    ).toEqual([]);
  });

  it("is not applicable to a plan that touches no application output, or to stacks synthesized without them", () => {
    expect(reviewed({ primary_host: { actions: ["delete"] } })).toBe(NOT_APPLICABLE);
    expect(
      applicationOutputRemoved.evaluate(plan([], { output_changes: { app_uri: { actions: ["delete"] } } }), context()),
    ).toBe(NOT_APPLICABLE);
  });

  describe("on plans made by the real terraform", () => {
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
});

describe("rule application-output-removed, whose output it is", () => {
  const ORDERS = { ...pairManifest("orders", "orders"), applicationOutputs: APPLICATION_OUTPUTS };
  const removed = (planStack: string | undefined, pairs: PairManifest[] = [PAIR, ORDERS]) =>
    applicationOutputRemoved.evaluate(
      plan([], { output_changes: { app_uri: { actions: ["delete"] } } }),
      context({ phase: "normal" }, planStack, pairs),
    );
  const WHY =
    "Applications read the pair's endpoint from this output; every phase declares it, so a plan that removes it comes from a config that lost it, and whatever reads it breaks at the apply.";

  it("names the stack when the plan's stack says whose output it is, and no stack when two pairs declare it", () => {
    expect(removed("orders")).toEqual([
      {
        rule: "application-output-removed",
        severity: "danger",
        address: "output.app_uri",
        stack: "orders",
        message: "the application output app_uri is removed",
        why: WHY,
      },
    ]);
    expect(removed(undefined)).toEqual([
      {
        rule: "application-output-removed",
        severity: "danger",
        address: "output.app_uri",
        message: "the application output app_uri is removed",
        why: WHY,
      },
    ]);
    expect(removed(undefined, [PAIR])).toEqual([expect.objectContaining({ stack: "pg-primary" })]);
  });

  it("is not applicable to a plan of a stack whose pair declares no application outputs", () => {
    expect(removed("orders", [PAIR, pairManifest("orders", "orders")])).toBe(NOT_APPLICABLE);
  });
});
