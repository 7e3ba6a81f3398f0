import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { backendSettingsSchema } from "../lib/settings/backend-settings";
import { PHASES, PRIMARY_DISPOSITIONS } from "../lib/phase/phase-record";

type PackageJson = Record<string, any>;

const { toCdkTerrain, nodeRunsCdkTerrain } = require("../tools/use-cdk-terrain") as {
  toCdkTerrain(pkg: PackageJson): PackageJson;
  nodeRunsCdkTerrain(version: string): boolean;
};
const { outdirDifferences, SYNTH_CASES } = require("../tools/compare-synth") as {
  outdirDifferences(before: string, after: string): string[];
  SYNTH_CASES: {
    name: string;
    phase?: { phase: string; primary?: string; pendingImports?: unknown[] };
    backend?: { type: string };
  }[];
};

const ROOT = path.resolve(__dirname, "..");
const shipped: PackageJson = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

describe("moving onto CDK Terrain (tools/use-cdk-terrain.js)", () => {
  const moved = toCdkTerrain(shipped);

  it('aliases "cdktf" to cdktn 0.24.0, so every import from "cdktf" and the jest adapter path load CDK Terrain', () => {
    expect(moved.dependencies.cdktf).toBe("npm:cdktn@0.24.0");
  });

  it("depends on cdktn under its own name too: the bindings its generator writes import it so", () => {
    expect(moved.dependencies.cdktn).toBe("0.24.0");
  });

  it("swaps cdktf's CLI and binding generator for CDK Terrain's, at the same version", () => {
    for (const name of ["cdktf-cli", "@cdktf/provider-generator", "@cdktf/commons"])
      expect(moved.devDependencies).not.toHaveProperty([name]);
    expect(moved.devDependencies).toMatchObject({
      "cdktn-cli": "0.24.0",
      "@cdktn/provider-generator": "0.24.0",
      "@cdktn/commons": "0.24.0",
    });
  });

  it("keeps constructs inside cdktn's peer range and states the Node versions cdktn-cli runs on", () => {
    expect(moved.dependencies.constructs).toBe(">=10.6.0 <10.8.0");
    expect(moved.engines.node).toBe("^22.19.0 || 24");
  });

  it("runs cdktn where an npm script ran the cdktf CLI, and leaves cdktf.json and cdktf.out as they are named", () => {
    expect(moved.scripts.deploy).toBe(shipped.scripts.deploy.replace(/\bcdktf deploy\b/, "cdktn deploy"));
    expect(moved.scripts.deploy).toMatch(/(^|\s)cdktn deploy/);
    const scripts = {
      fresh: "rm -rf cdktf.out && CHECKPOINT_DISABLE=1 cdktf synth --output cdktf.out",
      get: "cdktf get",
      json: "node -e 'require(\"./cdktf.json\")'",
    };
    expect(toCdkTerrain({ ...shipped, scripts }).scripts).toEqual({
      fresh: "rm -rf cdktf.out && CHECKPOINT_DISABLE=1 cdktn synth --output cdktf.out",
      get: "cdktn get",
      json: scripts.json,
    });
  });

  it("leaves every other dependency and script as it was", () => {
    const touched = [
      "cdktf",
      "cdktn",
      "constructs",
      "cdktf-cli",
      "@cdktf/provider-generator",
      "@cdktf/commons",
      "cdktn-cli",
      "@cdktn/provider-generator",
      "@cdktn/commons",
    ];
    for (const section of ["dependencies", "devDependencies"]) {
      const others = (deps: Record<string, string>) =>
        Object.fromEntries(Object.entries(deps).filter(([name]) => !touched.includes(name)));
      expect(others(moved[section])).toEqual(others(shipped[section]));
    }
    const { deploy: _movedDeploy, ...movedScripts } = moved.scripts;
    const { deploy: _shippedDeploy, ...shippedScripts } = shipped.scripts;
    expect(movedScripts).toEqual(shippedScripts);
  });

  it("changes nothing more when run again", () => {
    expect(toCdkTerrain(moved)).toEqual(moved);
  });

  it("refuses a package.json that depends on no cdktf, saying where to run it", () => {
    expect(() => toCdkTerrain({ name: "other", dependencies: { constructs: "^10.4.2" } })).toThrow(
      /no "cdktf" dependency to move; run this in the project root/,
    );
  });

  it("runs only on Node 22.19 or newer, where cdktn-cli starts", () => {
    expect(["20.20.2", "22.18.0"].map(nodeRunsCdkTerrain)).toEqual([false, false]);
    expect(["22.19.0", "22.23.3", "24.0.0", "26.1.0"].map(nodeRunsCdkTerrain)).toEqual([true, true, true, true]);
  });
});

describe("comparing synth outputs across CDKs (tools/compare-synth.js)", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "compare-synth-spec-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function stackJson(cdkVersion: string, resourceVersion = "16"): object {
    return {
      "//": { metadata: { backend: "local", stackName: "pg-primary", version: cdkVersion } },
      resource: { aiven_pg: { primary: { service_name: "pg-primary", pg_version: resourceVersion } } },
    };
  }

  function outdir(name: string, files: Record<string, unknown>): string {
    const root = path.join(dir, name);
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), typeof content === "string" ? content : JSON.stringify(content, null, 2));
    }
    return root;
  }

  it("finds none where only the CDK's version differs, in the manifest and in each stack's metadata", () => {
    const cdktf = outdir("cdktf", {
      "manifest.json": { version: "0.21.0", stacks: {} },
      "stacks/pg-primary/cdk.tf.json": stackJson("0.21.0"),
    });
    const cdktn = outdir("cdktn", {
      "manifest.json": JSON.stringify({ stacks: {}, version: "0.24.0" }),
      "stacks/pg-primary/cdk.tf.json": stackJson("0.24.0"),
    });
    expect(outdirDifferences(cdktf, cdktn)).toEqual([]);
  });

  it("reports a difference anywhere else with its file and path, also one that looks like a version", () => {
    const cdktf = outdir("cdktf", {
      "manifest.json": { version: "0.21.0" },
      "stacks/pg-primary/cdk.tf.json": stackJson("0.21.0", "0.21.0"),
    });
    const cdktn = outdir("cdktn", {
      "manifest.json": { version: "0.24.0" },
      "stacks/pg-primary/cdk.tf.json": stackJson("0.24.0", "0.24.0"),
    });
    expect(outdirDifferences(cdktf, cdktn)).toEqual([
      'stacks/pg-primary/cdk.tf.json: $.resource.aiven_pg.primary.pg_version: "0.21.0" ≠ "0.24.0"',
    ]);
  });

  it("ignores what terraform init leaves in a stack's folder", () => {
    const a = outdir("a", {
      "manifest.json": { version: "0.21.0" },
      "stacks/pg-primary/cdk.tf.json": stackJson("0.21.0"),
    });
    const b = outdir("b", {
      "manifest.json": { version: "0.24.0" },
      "stacks/pg-primary/cdk.tf.json": stackJson("0.24.0"),
      "stacks/pg-primary/.terraform/terraform.tfstate": "{}",
      "stacks/pg-primary/.terraform/providers/registry.terraform.io/aiven/aiven/4.34.0/linux_amd64/terraform-provider-aiven":
        "binary",
      "stacks/pg-primary/.terraform.lock.hcl": "# lock",
    });
    expect(outdirDifferences(a, b)).toEqual([]);
  });

  it("reports a file that only one side has, and a changed file that is not JSON", () => {
    const a = outdir("a", {
      "manifest.json": { version: "0.21.0" },
      "stacks/pg-primary/cdk.tf.json": stackJson("0.21.0"),
      "stacks/pg-primary/notes.txt": "a",
    });
    const b = outdir("b", {
      "manifest.json": { version: "0.24.0" },
      "stacks/pg-primary/notes.txt": "b",
      "stacks/pg-other/cdk.tf.json": stackJson("0.24.0"),
    });
    expect(outdirDifferences(a, b)).toEqual([
      `stacks/pg-primary/cdk.tf.json: only in ${a}`,
      `stacks/pg-other/cdk.tf.json: only in ${b}`,
      "stacks/pg-primary/notes.txt: the contents differ",
    ]);
  });

  it("synthesizes the projects in every phase layout and with every backend", () => {
    const layouts = SYNTH_CASES.map((c) =>
      [c.phase?.phase ?? "normal", c.phase?.primary, (c.phase?.pendingImports ?? []).length > 0].join("/"),
    );
    for (const phase of PHASES) expect(layouts.some((l) => l.startsWith(`${phase}/`))).toBe(true);
    for (const primary of PRIMARY_DISPOSITIONS) expect(layouts).toContain(`failed-over/${primary}/false`);
    expect(layouts).toEqual(expect.arrayContaining(["normal//true", "normal//false"]));
    const backends = SYNTH_CASES.map((c) => c.backend?.type ?? "local").sort();
    expect(backends).toEqual(backendSettingsSchema.options.map((o) => o.shape.type.value).sort());
  });
});
