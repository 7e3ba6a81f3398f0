#!/usr/bin/env node
// One-off maintenance tool: rebuilds provider-schema/aiven.json from the
// tfplugindocs pages of aiven/terraform-provider-aiven. Those pages are
// generated from the provider's Go schema, so their "Schema" sections carry
// every attribute's name, type, mode (required/optional/read-only) and
// sensitivity. Descriptions are deliberately not carried over.
//
// Usage: node tools/provider-schema-from-docs.js <docs-dir>
//   <docs-dir> holds resources/pg.md, resources/service_integration.md,
//   data-sources/pg.md and data-sources/service_integration.md.
"use strict";
const fs = require("fs");
const path = require("path");

const TYPES = ["aiven_pg", "aiven_service_integration"];

function parseItem(line) {
  const m = /^- `([a-z0-9_]+)` \(([^)]*)\)(.*)$/.exec(line);
  if (!m) return undefined;
  const [, name, spec, rest] = m;
  const parts = spec.split(",").map((s) => s.trim());
  const anchor = /\(#(nested(?:block|att|objatt)--[a-z0-9_-]+)\)/.exec(rest);
  return {
    name,
    kind: parts[0],
    sensitive: parts.includes("Sensitive"),
    deprecated: parts.includes("Deprecated"),
    min: Number((parts.find((p) => p.startsWith("Min:")) || "").slice(4)) || undefined,
    max: Number((parts.find((p) => p.startsWith("Max:")) || "").slice(4)) || undefined,
    anchor: anchor ? anchor[1] : undefined,
  };
}

/** Splits a page into sections keyed by anchor ("root" for the top level). */
function sections(markdown) {
  const out = {};
  let key;
  let mode;
  for (const raw of markdown.split("\n")) {
    const line = raw.trimEnd();
    if (line === "## Schema") {
      key = "root";
      out[key] = [];
      continue;
    }
    const anchor = /^<a id="([^"]+)"><\/a>$/.exec(line);
    if (anchor) {
      key = anchor[1];
      out[key] = [];
      mode = undefined;
      continue;
    }
    if (line.startsWith("## ") && key) {
      key = undefined;
      continue;
    }
    if (!key) continue;
    const heading = /^(?:### )?(Required|Optional|Read-Only):?$/.exec(line);
    if (heading) {
      mode = heading[1];
      continue;
    }
    const item = parseItem(line);
    if (item && mode) out[key].push({ ...item, mode });
  }
  return out;
}

function scalar(kind) {
  const base = { String: "string", Number: "number", Boolean: "bool" };
  if (base[kind]) return base[kind];
  const coll = /^(List|Set|Map) of (String|Number|Boolean)$/.exec(kind);
  if (coll) return [coll[1].toLowerCase(), base[coll[2]]];
  return undefined;
}

function objectType(secs, anchor) {
  const attrs = {};
  for (const item of secs[anchor] || []) {
    attrs[item.name] = item.anchor ? collectionOfObject(secs, item) : scalar(item.kind);
  }
  return ["object", attrs];
}

function collectionOfObject(secs, item) {
  const coll = /^(List|Set) of Object$/.exec(item.kind);
  if (!coll) throw new Error(`cannot type ${item.name} (${item.kind})`);
  return [coll[1].toLowerCase(), objectType(secs, item.anchor)];
}

function attribute(secs, item) {
  const type = item.anchor ? collectionOfObject(secs, item) : scalar(item.kind);
  if (!type) throw new Error(`unknown type for ${item.name}: ${item.kind}`);
  const attr = { type, description_kind: "plain" };
  if (item.mode === "Required") attr.required = true;
  if (item.mode === "Optional") attr.optional = true;
  if (item.mode === "Read-Only") attr.computed = true;
  // The provider marks id optional+computed; tfplugindocs lists it read-only.
  if (item.name === "id" && item.mode === "Read-Only") {
    attr.optional = true;
  }
  if (item.sensitive) attr.sensitive = true;
  if (item.deprecated) attr.deprecated = true;
  return attr;
}

function block(secs, anchor) {
  const attributes = {};
  const blockTypes = {};
  for (const item of secs[anchor] || []) {
    if (item.kind.startsWith("Block")) {
      const nested = block(secs, item.anchor);
      const setOrList = /Block (List|Set)/.exec(item.kind);
      const bt = {
        nesting_mode: setOrList ? setOrList[1].toLowerCase() : "single",
        block: nested,
      };
      if (item.mode === "Required") bt.min_items = item.min || 1;
      else if (item.min) bt.min_items = item.min;
      if (item.max) bt.max_items = item.max;
      blockTypes[item.name] = bt;
    } else {
      attributes[item.name] = attribute(secs, item);
    }
  }
  const out = { attributes, description_kind: "plain" };
  if (Object.keys(blockTypes).length) out.block_types = blockTypes;
  return out;
}

function schemaOf(file) {
  const secs = sections(fs.readFileSync(file, "utf8"));
  if (!secs.root) throw new Error(`${file} has no "## Schema" section`);
  return { version: 0, block: block(secs, "root") };
}

function main() {
  // No provider_versions entry: the bindings then carry the version
  // constraint (~> 4.34) rather than pinning the docs' exact release.
  const [docsDir] = process.argv.slice(2);
  if (!docsDir) {
    console.error("usage: node tools/provider-schema-from-docs.js <docs-dir>");
    process.exit(2);
  }
  const resource_schemas = {};
  const data_source_schemas = {};
  for (const type of TYPES) {
    const page = `${type.replace(/^aiven_/, "")}.md`;
    resource_schemas[type] = schemaOf(path.join(docsDir, "resources", page));
    data_source_schemas[type] = schemaOf(path.join(docsDir, "data-sources", page));
  }
  const fqpn = "registry.terraform.io/aiven/aiven";
  const schema = {
    format_version: "1.0",
    provider_schemas: {
      [fqpn]: {
        provider: {
          version: 0,
          block: {
            attributes: {
              api_token: {
                type: "string",
                description: "Aiven authentication token. The provider also reads it from AIVEN_TOKEN.",
                description_kind: "plain",
                optional: true,
                sensitive: true,
              },
            },
            description_kind: "plain",
          },
        },
        resource_schemas,
        data_source_schemas,
      },
    },
  };
  process.stdout.write(JSON.stringify(schema, null, 2) + "\n");
}

main();
