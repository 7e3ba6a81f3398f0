import * as fs from "fs";
import * as path from "path";
import { parsePlan, TerraformPlan } from "../../../lib/plan-review/terraform-plan";

const FIXTURES = path.join(__dirname, "..", "..", "fixtures", "plans");

/** The JSON of a plan the real terraform made (fixtures/plans/from-terraform/build.js), to read or alter. */
export function terraformMadePlanJson(name: string): any {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8"));
}

/** A plan the real terraform made, parsed as the review parses it. */
export function terraformMadePlan(name: string): TerraformPlan {
  return parsePlan(fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8"), name);
}
