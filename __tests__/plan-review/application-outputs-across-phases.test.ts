import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { StateObject, writeOutputsConfig } from "../../lib/drill/output-evaluation";
import { PG_SENSITIVE_ATTRIBUTES, pgConnectionAttributes } from "../../lib/drill/provider-read";
import { PAIR_MANIFEST_KEY } from "../../lib/contract/pair-manifest";
import { reviewPlan } from "../../lib/plan-review/review";
import { parsePlan } from "../../lib/plan-review/terraform-plan";
import { PhaseFolder } from "../../lib/phase/phase-folder";
import { ReviewContext } from "../../lib/plan-review/review-context";
import { SimModel } from "../../lib/simulator/sim-model";
import { TerraformCli } from "../../lib/terraform/terraform-cli";
import { PHASES, synthPairStack } from "../support/pair-stack-synth";
import { requireTerraform } from "../support/terraform";

/** Each move between phases the DR operations make (and the apply after a revert). */
const TRANSITIONS: Array<[string, string]> = [
  ["normal", "failed-over, primary frozen"],
  ["failed-over, primary frozen", "after a revert with pending imports"],
  ["normal", "failed-over, primary forgotten"],
  ["failed-over, primary forgotten", "after a revert with pending imports"],
  ["after a revert with pending imports", "normal"],
  ["normal", "switched-over"],
  ["switched-over", "normal"],
];

const stacks = Object.fromEntries(Object.entries(PHASES).map(([name, phase]) => [name, synthPairStack(phase)]));
const sim = new SimModel();
sim.addPair({
  project: "crdr-test",
  primary: "pg-primary",
  recovery: "pg-primary-dr",
  plan: "startup-4",
  primaryCloud: "google-europe-west1",
  recoveryCloud: "google-europe-north1",
});

/** The services a phase's stack declares, with the attributes the provider reads from Aiven. */
function objectsOf(json: any): StateObject[] {
  return (["primary", "recovery"] as const)
    .filter((side) => json.resource.aiven_pg[side])
    .map((side) => {
      const name = json.resource.aiven_pg[side].service_name;
      return {
        address: `aiven_pg.${side}`,
        attributes: { service_name: name, ...pgConnectionAttributes(sim.getService("crdr-test", name)) },
        sensitive: PG_SENSITIVE_ATTRIBUTES,
      };
    });
}

describe("plans between phases, made by the real terraform from the synthesized outputs", () => {
  let dir: string;
  beforeAll(() => requireTerraform());
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-phase-plan-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(TRANSITIONS)("never remove an application output: from %s to %s", async (from, to) => {
    const terraform = new TerraformCli({ cwd: dir, env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null" } });
    const step = async (args: string[]) => {
      const result = await terraform.run(args);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: "" });
      return result.stdout;
    };
    writeOutputsConfig(dir, stacks[from].output, objectsOf(stacks[from]));
    await step(["init", "-input=false", "-no-color"]);
    await step(["apply", "-auto-approve", "-input=false", "-no-color"]);
    writeOutputsConfig(dir, stacks[to].output, objectsOf(stacks[to]));
    await step(["plan", "-input=false", "-no-color", "-out=tfplan"]);
    const plan = parsePlan(await step(["show", "-json", "tfplan"]), "terraform plan");

    const removed = plan.outputChanges.filter((o) => o.kind === "delete").map((o) => o.name);
    expect(removed.filter((name) => name.startsWith("app_"))).toEqual([]);
    // The plan has teeth: forgetting the primary does remove its per-service outputs.
    expect(removed).toEqual(
      to === "failed-over, primary forgotten"
        ? ["primary_host", "primary_password", "primary_port", "primary_service_name", "primary_uri"]
        : [],
    );

    const pair = stacks[to]["//"][PAIR_MANIFEST_KEY];
    const review = reviewPlan(
      plan,
      new ReviewContext([pair], PhaseFolder.inMemory({ [pair.stack]: PHASES[to] }), pair.stack),
    );
    expect(review.findings.filter((f) => f.rule === "application-output-removed")).toEqual([]);
    expect(plan.outputChanges.filter((o) => o.name.startsWith("app_")).length).toBe(7);
  });
});
