import * as fs from "fs";
import * as path from "path";
import { PhaseRecord } from "../lib/phase/phase-record";
import { synthesize } from "../lib/synth/synthesize";
import { SynthesizedStack } from "../lib/synth/synthesized-stack";
import { UserError } from "../lib/user-error";
import { ProjectFixture, STACK } from "./support/project-fixture";

/**
 * `verifyAgainst` is the tooling's judge of a stack it just synthesized (and
 * the region-run tests' too): it must reject a stack whose layout or imports
 * contradict the phase record, not only accept the ones that agree.
 */
const NORMAL: PhaseRecord = { phase: "normal" };
const FROZEN: PhaseRecord = { phase: "failed-over", primary: "frozen" };
const FORGOTTEN: PhaseRecord = { phase: "failed-over", primary: "forgotten" };
const IMPORTING: PhaseRecord = {
  phase: "normal",
  pendingImports: [{ address: "aiven_service_integration.disaster_recovery", id: "crdr-test/4f1d" }],
};

let project: ProjectFixture;
const synthesized: Array<[PhaseRecord, SynthesizedStack]> = [];

beforeAll(() => {
  project = ProjectFixture.create();
  for (const record of [NORMAL, FROZEN, FORGOTTEN, IMPORTING]) {
    project.writePhases({ [STACK]: record });
    synthesize(project.dir);
    synthesized.push([record, project.stack()]);
  }
});
afterAll(() => project.remove());

describe("SynthesizedStack.verifyAgainst", () => {
  it("accepts each stack checked against the record it was synthesized from", () => {
    for (const [record, stack] of synthesized) expect(() => stack.verifyAgainst(record)).not.toThrow();
  });

  it("rejects a stack whose layout contradicts the record, naming each resource", () => {
    const [[, normal], [, frozen], [, forgotten]] = synthesized;
    expect(() => normal.verifyAgainst(FROZEN)).toThrow(
      /does not match phase "failed-over": aiven_pg\.primary is not frozen; aiven_service_integration\.disaster_recovery is still declared; aiven_service_integration\.disaster_recovery has no removed block\.$/,
    );
    expect(() => frozen.verifyAgainst(NORMAL)).toThrow(
      /does not match phase "normal": aiven_pg\.primary is not managed; aiven_service_integration\.disaster_recovery is not managed\.$/,
    );
    expect(() => frozen.verifyAgainst(FORGOTTEN)).toThrow(
      /does not match phase "failed-over": aiven_pg\.primary is still declared; aiven_pg\.primary has no removed block\.$/,
    );
    expect(() => forgotten.verifyAgainst(FROZEN)).toThrow(
      /does not match phase "failed-over": aiven_pg\.primary is not frozen\.$/,
    );
  });

  it("rejects a stack whose import blocks are not exactly the record's pending imports", () => {
    const [[, normal], , , [, importing]] = synthesized;
    expect(() => normal.verifyAgainst(IMPORTING)).toThrow(
      /declares imports none instead of aiven_service_integration\.disaster_recovery=crdr-test\/4f1d\.$/,
    );
    expect(() => importing.verifyAgainst(NORMAL)).toThrow(
      /declares imports aiven_service_integration\.disaster_recovery=crdr-test\/4f1d instead of none\.$/,
    );
  });
});

/**
 * How the tooling finds a stack in cdktf.out: hand-written outdirs built
 * from the fixture's normal stack, so each case holds exactly what it tests.
 */
describe("SynthesizedStack.load and its neighbours", () => {
  let outdir: string;
  /** Writes an outdir whose manifest lists `stacks`, each a copy of the normal stack changed by `edit`. */
  const writeOutdir = (stacks: Record<string, (json: Record<string, any>) => void>) => {
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.mkdirSync(outdir);
    const manifest: Record<string, { workingDirectory: string; synthesizedStackPath: string }> = {};
    for (const [name, edit] of Object.entries(stacks)) {
      const json = JSON.parse(JSON.stringify(synthesized[0][1].json));
      edit(json);
      fs.mkdirSync(path.join(outdir, "stacks", name), { recursive: true });
      fs.writeFileSync(path.join(outdir, "stacks", name, "cdk.tf.json"), JSON.stringify(json));
      manifest[name] = { workingDirectory: `stacks/${name}`, synthesizedStackPath: `stacks/${name}/cdk.tf.json` };
    }
    fs.writeFileSync(path.join(outdir, "manifest.json"), JSON.stringify({ stacks: manifest }));
  };
  const asIs = () => undefined;

  beforeEach(() => {
    outdir = path.join(project.dir, "hand-written.out");
  });
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it("lists the stacks sorted by name, and knows which exist (own names only)", () => {
    writeOutdir({ "pg-b": asIs, "pg-a": asIs });
    expect(SynthesizedStack.listStacks(outdir)).toEqual(["pg-a", "pg-b"]);
    expect(SynthesizedStack.exists(outdir, "pg-a")).toBe(true);
    expect(SynthesizedStack.exists(outdir, "pg-c")).toBe(false);
    expect(SynthesizedStack.exists(outdir, "constructor")).toBe(false);
    expect(SynthesizedStack.exists(path.join(outdir, "nowhere"), "pg-a")).toBe(false);
  });

  it("loads a stack with its file, working directory and pair", () => {
    writeOutdir({ "pg-a": asIs });
    const stack = SynthesizedStack.load(outdir, "pg-a");
    expect(stack.name).toBe("pg-a");
    expect(stack.file).toBe(path.join(outdir, "stacks", "pg-a", "cdk.tf.json"));
    expect(stack.workingDirectory).toBe(path.join(outdir, "stacks", "pg-a"));
    expect(stack.pair).toEqual(synthesized[0][1].pair);
  });

  it("refuses, with the fix, a stack that is not synthesized, a name of Object's, a missing cdktf.out and a stack without a pair", () => {
    writeOutdir({ "pg-b": asIs, "pg-a": asIs, "no-pair": (json) => delete json["//"].crdr });
    expect(() => SynthesizedStack.load(outdir, "pg-c")).toThrow(
      new UserError(
        'Stack "pg-c" is not among the synthesized stacks ("pg-b", "pg-a", "no-pair"); pass one of those to --stack.',
      ),
    );
    expect(() => SynthesizedStack.load(outdir, "constructor")).toThrow(
      /^Stack "constructor" is not among the synthesized stacks/,
    );
    expect(() => SynthesizedStack.load(outdir, "no-pair")).toThrow(
      new UserError(
        `Stack "no-pair" in ${path.join(outdir, "stacks", "no-pair", "cdk.tf.json")} holds no CRDR pair; pass the stack of a pair declared in main.ts.`,
      ),
    );
    const empty = path.join(outdir, "nowhere");
    expect(() => SynthesizedStack.load(empty, "pg-a")).toThrow(
      new UserError(`Nothing is synthesized in ${empty}; run "npm run synth" first.`),
    );
    expect(() => SynthesizedStack.listStacks(empty)).toThrow(UserError);
  });

  it("finds no stack in an outdir without a manifest, and nothing in a stack that declares no resources", () => {
    writeOutdir({ bare: (json) => delete json.resource });
    expect(SynthesizedStack.load(outdir, "bare").resource("aiven_pg.primary")).toBeUndefined();
    fs.rmSync(path.join(outdir, "manifest.json"));
    expect(SynthesizedStack.exists(outdir, "bare")).toBe(false);
  });

  it("names every import on either side of a mismatch", () => {
    const two = [
      { to: "aiven_pg.primary", id: "crdr-test/pg-primary" },
      { to: "aiven_service_integration.disaster_recovery", id: "crdr-test/4f1d" },
    ];
    writeOutdir({ importing: (json) => (json.import = two) });
    const both = "aiven_pg.primary=crdr-test/pg-primary, aiven_service_integration.disaster_recovery=crdr-test/4f1d";
    expect(() => SynthesizedStack.load(outdir, "importing").verifyAgainst(NORMAL)).toThrow(
      new RegExp(`declares imports ${both.replace(/\./g, "\\.")} instead of none\\.$`),
    );
    const record: PhaseRecord = { phase: "normal", pendingImports: two.map((i) => ({ address: i.to, id: i.id })) };
    expect(() => synthesized[0][1].verifyAgainst(record)).toThrow(
      new RegExp(`declares imports none instead of ${both.replace(/\./g, "\\.")}\\.$`),
    );
  });

  it("names no stack when the manifest lists none", () => {
    writeOutdir({});
    expect(() => SynthesizedStack.load(outdir, "pg-a")).toThrow(
      'Stack "pg-a" is not among the synthesized stacks (none); pass one of those to --stack.',
    );
  });

  it("finds a resource by its address, and nothing at an address it does not declare", () => {
    const normal = synthesized[0][1];
    expect(normal.resource("aiven_pg.primary")).toMatchObject({ service_name: "pg-primary" });
    expect(normal.resource("aiven_pg.elsewhere")).toBeUndefined();
    expect(normal.resource("aiven_kafka.primary")).toBeUndefined();
    expect(normal.resource("aiven_pg.constructor")).toBeUndefined();
    expect(normal.resource("toString.primary")).toBeUndefined();
    expect(normal.removedAddresses()).toEqual([]);
    expect(synthesized[2][1].removedAddresses()).toEqual([
      "aiven_pg.primary",
      "aiven_service_integration.disaster_recovery",
    ]);
  });

  it("takes a primary as frozen only when it both ignores all changes and cannot be destroyed", () => {
    /** The frozen stack, its primary's lifecycle changed by `lifecycle`. */
    const frozenWith = (lifecycle: Record<string, unknown>) => (json: Record<string, any>) => {
      const frozen = JSON.parse(JSON.stringify(synthesized[1][1].json));
      Object.assign(frozen.resource.aiven_pg.primary.lifecycle, lifecycle);
      for (const key of Object.keys(json)) delete json[key];
      Object.assign(json, frozen);
    };
    writeOutdir({
      "ignores-only": frozenWith({ prevent_destroy: false }),
      "protected-only": frozenWith({ ignore_changes: ["user_config"] }),
      frozen: frozenWith({}),
    });
    expect(() => SynthesizedStack.load(outdir, "frozen").verifyAgainst(FROZEN)).not.toThrow();
    for (const name of ["ignores-only", "protected-only"]) {
      expect(() => SynthesizedStack.load(outdir, name).verifyAgainst(FROZEN)).toThrow(
        /does not match phase "failed-over": aiven_pg\.primary is not frozen\.$/,
      );
    }
  });
});
