import { describeInputs } from "../../lib/ci/dispatch";
import { commandArguments } from "../../lib/ci/operation-summary";

describe("a failover dispatched with accept-data-loss", () => {
  const dispatch = { operation: "failover" as const, stack: "pg-primary", acceptDataLoss: true, dryRun: false };

  it("is rebuilt with --accept-data-loss, and said so where the summary names the inputs to dispatch again", () => {
    expect(commandArguments(dispatch)).toBe("--stack pg-primary --accept-data-loss --yes --json");
    expect(describeInputs(dispatch)).toBe(
      "operation `failover`, stack `pg-primary`, accept-data-loss **on**, dry-run **off**",
    );
  });

  it("is not, when the input is off", () => {
    expect(commandArguments({ ...dispatch, acceptDataLoss: false })).toBe("--stack pg-primary --yes --json");
    expect(describeInputs({ ...dispatch, acceptDataLoss: false })).not.toContain("accept-data-loss");
  });
});
