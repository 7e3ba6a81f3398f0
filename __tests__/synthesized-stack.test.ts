import { PhaseRecord } from "../lib/phase/phase-record";
import { synthesize } from "../lib/synth/synthesize";
import { SynthesizedStack } from "../lib/synth/synthesized-stack";
import { ProjectFixture, STACK } from "./support/project-fixture";

/**
 * `verifyAgainst` is the tooling's judge of a stack it just synthesized (and
 * the region-run tests' too): it must reject a stack whose layout or imports
 * contradict the phase record, not only accept the ones that agree.
 */
const NORMAL: PhaseRecord = { phase: "normal" };
const FROZEN: PhaseRecord = { phase: "failed-over", primary: "frozen" };
const FORGOTTEN: PhaseRecord = { phase: "failed-over", primary: "forgotten" };
const IMPORTING: PhaseRecord = { phase: "normal", pendingImports: [{ address: "aiven_service_integration.disaster_recovery", id: "crdr-test/4f1d" }] };

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
    expect(() => normal.verifyAgainst(FROZEN)).toThrow(/does not match phase "failed-over": aiven_pg\.primary is not frozen; aiven_service_integration\.disaster_recovery is still declared; aiven_service_integration\.disaster_recovery has no removed block\.$/);
    expect(() => frozen.verifyAgainst(NORMAL)).toThrow(/does not match phase "normal": aiven_pg\.primary is not managed; aiven_service_integration\.disaster_recovery is not managed\.$/);
    expect(() => frozen.verifyAgainst(FORGOTTEN)).toThrow(/does not match phase "failed-over": aiven_pg\.primary is still declared; aiven_pg\.primary has no removed block\.$/);
    expect(() => forgotten.verifyAgainst(FROZEN)).toThrow(/does not match phase "failed-over": aiven_pg\.primary is not frozen\.$/);
  });

  it("rejects a stack whose import blocks are not exactly the record's pending imports", () => {
    const [[, normal], , , [, importing]] = synthesized;
    expect(() => normal.verifyAgainst(IMPORTING)).toThrow(/declares imports none instead of aiven_service_integration\.disaster_recovery=crdr-test\/4f1d\.$/);
    expect(() => importing.verifyAgainst(NORMAL)).toThrow(/declares imports aiven_service_integration\.disaster_recovery=crdr-test\/4f1d instead of none\.$/);
  });
});
