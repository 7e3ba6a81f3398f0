import { readWriteChanges } from "../lib/drill/application-outputs-check";
import { APPLICATION_OUTPUTS } from "../lib/pair/application-outputs";
import { SynthesizedStack } from "../lib/synth/synthesized-stack";
import { pairManifest } from "./support/plan-builder";

const stack = { pair: { ...pairManifest(), applicationOutputs: APPLICATION_OUTPUTS } } as unknown as SynthesizedStack;
const BEFORE = {
  app_host: { value: "shared.example", sensitive: false },
  app_port: { value: 21000, sensitive: false },
  app_uri: { value: "postgres://avnadmin:pw-1@shared.example:21000/defaultdb", sensitive: true },
};

describe("the drill's check that applications keep their endpoint", () => {
  it("passes when the read-write outputs are all there, unchanged (read-only ones may change)", () => {
    expect(
      readWriteChanges(stack, BEFORE, { ...BEFORE, app_standby_primary_host: { value: "", sensitive: false } }),
    ).toEqual([]);
  });

  it("names a missing output and a changed one, without showing a sensitive value", () => {
    const { app_port: _port, ...withoutPort } = BEFORE;
    const after = {
      ...withoutPort,
      app_host: { value: "other.example", sensitive: false },
      app_uri: { value: "postgres://avnadmin:pw-2@other.example:1/defaultdb", sensitive: true },
    };
    const changes = readWriteChanges(stack, BEFORE, after);
    expect(changes).toEqual([
      'the application output app_host changed from "shared.example" to "other.example"',
      "the application output app_port is missing from state",
      "the application output app_uri changed",
    ]);
    expect(changes.join(" ")).not.toMatch(/pw-/);
  });

  it("fails a stack synthesized without application outputs", () => {
    expect(readWriteChanges({ pair: pairManifest() } as unknown as SynthesizedStack, BEFORE, BEFORE)).toEqual([
      "the stack declares no application outputs",
    ]);
  });
});
