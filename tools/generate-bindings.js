#!/usr/bin/env node
// Generates the Aiven provider bindings in .gen/providers/aiven from the
// committed provider schema, with the same generator `cdktf get` uses, so class
// names and module paths match what `cdktf get` produces from the real provider.
// On CDK Terrain (tools/use-cdk-terrain.js) that is `cdktn get`'s generator.
//
// Runs on `npm install`/`npm ci` (postinstall) and skips itself when neither the
// schema nor the generator has changed since the last run, or when cdktf.json's
// terraformProviders lists aiven/aiven (then `cdktf get` owns .gen and must not
// be overwritten).
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const SCHEMA_FILE = path.join(ROOT, "provider-schema", "aiven.json");
const OUT_DIR = path.join(ROOT, ".gen");
const MARKER = path.join(OUT_DIR, "providers", "aiven", ".schema-sha256");
/** The constraint the bindings are generated for; keep in step with docs/provider-bindings.md. */
const PROVIDER_CONSTRAINT = "aiven/aiven@~> 4.34";

/**
 * The generator of the CDK the app imports as "cdktf": cdktf's own, or CDK
 * Terrain's when "cdktf" is an alias of cdktn. Bindings made by the other would
 * import a second CDK.
 */
function generatorPackages() {
  const cdk = require("cdktf/package.json");
  const scope = cdk.name === "cdktn" ? "@cdktn" : "@cdktf";
  const generator = `${scope}/provider-generator`;
  const commons = `${scope}/commons`;
  const version = require(`${generator}/package.json`).version;
  return { generator, commons, id: `${generator}@${version}` };
}

function cdktfGetOwnsBindings() {
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8"));
  return (config.terraformProviders || []).some((p) =>
    (typeof p === "string" ? p : p.source || p.name || "").toLowerCase().startsWith("aiven/aiven"),
  );
}

async function main() {
  const force = process.argv.includes("--force");
  if (cdktfGetOwnsBindings()) {
    console.log(
      "cdktf.json lists aiven/aiven in terraformProviders: bindings come from `cdktf get`; offline generation skipped.",
    );
    return;
  }
  const schemaText = fs.readFileSync(SCHEMA_FILE, "utf8");
  const packages = generatorPackages();
  const digest = crypto.createHash("sha256").update(packages.id).update("\0").update(schemaText).digest("hex");
  if (!force && fs.existsSync(MARKER) && fs.readFileSync(MARKER, "utf8").trim() === digest) {
    return;
  }
  process.env.CHECKPOINT_DISABLE ??= "1";
  // @cdktf/commons asks terraform for its version on load; a CLI config path
  // that points at a missing file only makes it print a warning.
  const cliConfig = process.env.TF_CLI_CONFIG_FILE;
  if (cliConfig && !fs.existsSync(cliConfig)) process.env.TF_CLI_CONFIG_FILE = "/dev/null";
  // Loaded lazily: they are dev dependencies, only needed when regenerating.
  const { TerraformProviderGenerator, CodeMaker } = require(packages.generator);
  const { ConstructsMakerProviderTarget, TerraformProviderConstraint, LANGUAGES } = require(packages.commons);

  const code = new CodeMaker();
  const generator = new TerraformProviderGenerator(code, JSON.parse(schemaText));
  generator.generate(
    new ConstructsMakerProviderTarget(new TerraformProviderConstraint(PROVIDER_CONSTRAINT), LANGUAGES[0]),
  );
  fs.rmSync(path.join(OUT_DIR, "providers", "aiven"), { recursive: true, force: true });
  await code.save(OUT_DIR);
  fs.writeFileSync(MARKER, digest + "\n");
  console.log(
    `Generated Aiven provider bindings (${PROVIDER_CONSTRAINT}) in .gen/providers/aiven from provider-schema/aiven.json with ${packages.id}.`,
  );
}

main().catch((err) => {
  console.error(`Could not generate the Aiven provider bindings: ${err.message}`);
  process.exit(1);
});
