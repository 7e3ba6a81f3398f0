import Bottleneck from "bottleneck";
import {
  AFTER_ROLE_CHANGE,
  BEFORE_ROLE_CHANGE,
  LimitedTerraform,
  priorityBeforeRoleChange,
} from "../lib/terraform/limited-terraform";
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

  it("gives a free slot to a pair further into its checks before one beginning them, whatever waited longer", async () => {
    const slots = new Bottleneck({ maxConcurrent: 1 });
    let release!: () => void;
    const occupied = slots.schedule(() => new Promise<void>((resolve) => (release = resolve)));
    const finished: string[] = [];
    const beginning = new LimitedTerraform(new RecordingTerraform("/b", ["b"]), slots, () =>
      priorityBeforeRoleChange(0),
    );
    const underWay = new LimitedTerraform(new RecordingTerraform("/u", ["u"]), slots, () =>
      priorityBeforeRoleChange(1),
    );
    const commands = [
      beginning.stateList().then(() => finished.push("beginning")),
      underWay.stateRmDryRun(["u"]).then(() => finished.push("under way")),
    ];
    await new Promise<void>((resolve) => {
      const check = () => (slots.counts().QUEUED === 2 ? resolve() : setImmediate(check));
      check();
    });
    release();
    await Promise.all([occupied, ...commands]);
    expect(finished).toEqual(["under way", "beginning"]);
    // However far into its checks, a pair's commands before its role change go ahead of any after one.
    expect(priorityBeforeRoleChange(5)).toBeLessThan(AFTER_ROLE_CHANGE);
    expect(priorityBeforeRoleChange(5)).toBeGreaterThanOrEqual(0);
  });

  it("runs the version check, which every pair's checks wait for, ahead of any pair's state commands", async () => {
    const slots = new Bottleneck({ maxConcurrent: 1 });
    let release!: () => void;
    const occupied = slots.schedule(() => new Promise<void>((resolve) => (release = resolve)));
    const finished: string[] = [];
    const underWay = new LimitedTerraform(new RecordingTerraform("/u", ["u"]), slots, () =>
      priorityBeforeRoleChange(5),
    );
    const beginning = new LimitedTerraform(new RecordingTerraform("/b", ["b"]), slots, () =>
      priorityBeforeRoleChange(0),
    );
    const commands = [
      underWay.stateRmDryRun(["u"]).then(() => finished.push("state command")),
      beginning.checkVersion().then(() => finished.push("version")),
    ];
    await new Promise<void>((resolve) => {
      const check = () => (slots.counts().QUEUED === 2 ? resolve() : setImmediate(check));
      check();
    });
    release();
    await Promise.all([occupied, ...commands]);
    expect(finished).toEqual(["version", "state command"]);
  });
});
