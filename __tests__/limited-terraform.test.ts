import Bottleneck from "bottleneck";
import { AFTER_ROLE_CHANGE, BEFORE_ROLE_CHANGE, LimitedTerraform } from "../lib/terraform/limited-terraform";
import { RecordingTerraform } from "./support/recording-terraform";

/** Terraform commands of a region run's pairs, sharing the machine's slots. */
describe("LimitedTerraform", () => {
  it("gives a free slot to the waiting command of higher priority (a pair before its role change), whatever waited longer", async () => {
    const slots = new Bottleneck({ maxConcurrent: 1 });
    let release!: () => void;
    const occupied = slots.schedule(() => new Promise<void>((resolve) => (release = resolve)));
    const finished: string[] = [];
    const afterItsChange = new LimitedTerraform(
      new RecordingTerraform("/after", ["a"]),
      slots,
      () => AFTER_ROLE_CHANGE,
    );
    const beforeItsChange = new LimitedTerraform(
      new RecordingTerraform("/before", ["b"]),
      slots,
      () => BEFORE_ROLE_CHANGE,
    );
    const commands = [
      afterItsChange.stateList().then(() => finished.push("after")),
      beforeItsChange.stateList().then(() => finished.push("before")),
    ];
    // Both wait for the one slot, the later one with the higher priority.
    await new Promise<void>((resolve) => {
      const check = () => (slots.counts().QUEUED === 2 ? resolve() : setImmediate(check));
      check();
    });
    release();
    await Promise.all([occupied, ...commands]);
    expect(finished).toEqual(["before", "after"]);
  });
});
