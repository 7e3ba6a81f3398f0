import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TerraformCommandRunner, TerraformFactory } from "../terraform/terraform-factory";

/** A root output as Terraform records it in state. */
export interface StateOutput {
  readonly value: unknown;
  readonly type: unknown;
  readonly sensitive?: boolean;
}

/** One object in state: its address, attributes, and which top-level attributes the provider marks sensitive. */
export interface StateObject {
  readonly address: string;
  readonly attributes: Record<string, unknown>;
  readonly sensitive: readonly string[];
}

/** How outputs are evaluated: the Terraform runner to make in a throw-away folder, and its environment. */
export interface OutputEvaluation {
  readonly terraform: TerraformFactory<TerraformCommandRunner>;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Evaluates a synthesized stack's `output` block with the real Terraform, as
 * an apply would, against objects standing in for its resources: each
 * reference to a resource address reads a local holding that object's
 * attributes (sensitive ones marked so, so an output that reveals one without
 * `sensitive = true` fails as it would for real). Needs no provider and no
 * network. Outputs whose value is null are left out, as Terraform leaves them
 * out of state.
 */
export async function evaluateOutputs(
  outputs: Record<string, unknown>,
  objects: readonly StateObject[],
  evaluation: OutputEvaluation,
): Promise<Record<string, StateOutput>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-outputs-"));
  try {
    writeOutputsConfig(dir, outputs, objects);
    const terraform = evaluation.terraform({
      cwd: dir,
      env: { ...evaluation.env, TF_DATA_DIR: path.join(dir, ".terraform") },
    });
    for (const args of [
      ["init", "-input=false", "-no-color"],
      ["apply", "-auto-approve", "-input=false", "-no-color"],
    ]) {
      const result = await terraform.run(args);
      if (result.code !== 0)
        throw new Error(
          `Evaluating the stack's outputs failed at "${terraform.describe(args)}": ${(result.stderr || result.stdout).trim()}`,
        );
    }
    const state = JSON.parse(fs.readFileSync(path.join(dir, "terraform.tfstate"), "utf8")) as {
      outputs: Record<string, StateOutput>;
    };
    return state.outputs;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Writes into `dir` a provider-free Terraform config declaring `outputs`,
 * with each reference to an object's address rewritten to a local holding its
 * attributes (read from a JSON file beside it). Rewriting it again, over the
 * same folder, replaces the config: a plan then shows the output changes.
 */
export function writeOutputsConfig(
  dir: string,
  outputs: Record<string, unknown>,
  objects: readonly StateObject[],
): void {
  const locals: Record<string, string> = {};
  let text = JSON.stringify(outputs);
  for (const object of objects) {
    const local = object.address.replace(/\W/g, "_");
    const file = `${local}.json`;
    fs.writeFileSync(path.join(dir, file), JSON.stringify(object.attributes), { mode: 0o600 });
    const read = `jsondecode(file(${JSON.stringify(file)}))`;
    const marked = object.sensitive.filter((a) => a in object.attributes).map((a) => `${a} = sensitive(${read}.${a})`);
    locals[local] = `\${merge(${read}, {${marked.join(", ")}})}`;
    const reference = new RegExp(`(?<![\\w.])${object.address.replace(/\./g, "\\.")}(?=\\.)`, "g");
    text = text.replace(reference, `local.${local}`);
  }
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ locals, output: JSON.parse(text) }), {
    mode: 0o600,
  });
}
