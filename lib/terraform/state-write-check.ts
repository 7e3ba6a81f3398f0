import { UserError } from "../user-error";
import { TerraformRunner } from "./terraform-runner";

/**
 * A state write terraform reported as failed, with what the state read back
 * afterwards holds: a backend may commit a write and still answer an error
 * (or the answer may be lost), so "not updated" is said only when the state
 * read back shows it. `unfinished` is what did not happen, in words that
 * follow "Aiven has …, but".
 */
export class StateWriteError extends UserError {
  constructor(
    message: string,
    readonly unfinished: string,
  ) {
    super(message);
    this.name = "StateWriteError";
  }
}

/**
 * `terraform state rm` of `addresses`, and when terraform reports a failure,
 * the state read back: if it no longer holds them the backend took the write
 * after all and this returns (`said` tells why it goes on); otherwise it
 * throws, saying what the state holds, or that it could not be read.
 */
export async function removeFromStateCheckingBack(
  terraform: TerraformRunner,
  addresses: string[],
  said: (warning: string) => void,
): Promise<void> {
  try {
    await terraform.stateRm(addresses);
    return;
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    const reason = err.message.split("\n")[0].replace(/\.$/, "");
    let inState: string[];
    try {
      inState = await terraform.stateList();
    } catch (readErr) {
      throw new StateWriteError(
        `${reason}; reading the state back failed too (${(readErr as Error).message.split("\n")[0].replace(/\.$/, "")}), so whether it still holds ${addresses.join(" and ")} is unknown`,
        "whether Terraform state was updated is unknown",
      );
    }
    const left = addresses.filter((a) => inState.includes(a));
    if (!left.length) {
      said(
        `terraform reported the write as failed (${reason}), but the state read back no longer holds ${addresses.join(" and ")}: the backend took it, so the run goes on`,
      );
      return;
    }
    const gone = addresses.filter((a) => !left.includes(a));
    throw new StateWriteError(
      `${reason}; the state read back still holds ${left.join(" and ")}${gone.length ? ` (but no longer ${gone.join(" and ")})` : ""}`,
      gone.length ? "Terraform state was updated only in part" : "Terraform state was not updated",
    );
  }
}
