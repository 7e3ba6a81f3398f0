import { removeFromStateCheckingBack, StateWriteError } from "../lib/terraform/state-write-check";
import { UserError } from "../lib/user-error";
import { RecordingTerraform } from "./support/recording-terraform";

/**
 * After terraform reports a failed state write, the state is read back and
 * the message says what it holds: never "not updated" on terraform's word.
 */
const ALL = ["aiven_pg.primary", "aiven_pg.recovery", "aiven_service_integration.disaster_recovery"];
const LINK = "aiven_service_integration.disaster_recovery";
const FAILED_WRITE = new UserError("Terraform could not write the state of pg-primary in its backend (503).");

/** A state rm that the backend applies (or not), then reports as failed; the read back may fail too. */
class FailingWrite extends RecordingTerraform {
  constructor(
    private readonly applied: boolean,
    private readonly readBack: "works" | "fails" = "works",
  ) {
    super("/nowhere", ALL);
  }
  override async stateRm(addresses: string[]): Promise<void> {
    if (this.applied) await super.stateRm(addresses);
    throw FAILED_WRITE;
  }
  override async stateList(): Promise<string[]> {
    if (this.readBack === "fails")
      throw new UserError("Terraform could not read the state of pg-primary in its backend (503).");
    return super.stateList();
  }
}

describe("a state write terraform reports as failed", () => {
  it("goes on, saying so, when the state read back no longer holds what was removed", async () => {
    const warnings: string[] = [];
    await removeFromStateCheckingBack(new FailingWrite(true), [LINK], (w) => warnings.push(w));
    expect(warnings).toEqual([
      `terraform reported the write as failed (Terraform could not write the state of pg-primary in its backend (503)), but the state read back no longer holds ${LINK}: the backend took it, so the run goes on`,
    ]);
  });

  it("says the state was not updated only when the state read back still holds it", async () => {
    const failure = removeFromStateCheckingBack(new FailingWrite(false), [LINK], () => undefined);
    await expect(failure).rejects.toBeInstanceOf(StateWriteError);
    await expect(failure).rejects.toMatchObject({
      unfinished: "Terraform state was not updated",
      message: expect.stringMatching(/; the state read back still holds aiven_service_integration\.disaster_recovery$/),
    });
  });

  it("says the outcome is unknown when the state cannot be read back", async () => {
    await expect(
      removeFromStateCheckingBack(new FailingWrite(false, "fails"), [LINK], () => undefined),
    ).rejects.toMatchObject({
      unfinished: "whether Terraform state was updated is unknown",
      message: expect.stringMatching(
        /reading the state back failed too \(Terraform could not read .*\), so whether it still holds aiven_service_integration\.disaster_recovery is unknown$/,
      ),
    });
  });
});
