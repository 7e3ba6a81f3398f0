import { describeInputs, describeRun } from "../../lib/ci/dispatch";
import { commandArguments } from "../../lib/ci/operation-summary";

describe("a region run dispatched for one Aiven project", () => {
  const dispatch = { operation: "failover" as const, region: "google-europe-west1", project: "proj-a", dryRun: false };

  it("is rebuilt with --project, and named with its project in the headline and in the inputs to dispatch again", () => {
    expect(commandArguments(dispatch)).toBe("--region google-europe-west1 --project proj-a --yes --json");
    expect(describeRun(dispatch)).toBe("failover of region `google-europe-west1`, project `proj-a`");
    expect(describeInputs(dispatch)).toBe(
      "operation `failover`, region `google-europe-west1`, project `proj-a`, dry-run **off**",
    );
  });

  it("is not, for a run of the whole region", () => {
    const whole = { ...dispatch, project: undefined };
    expect(commandArguments(whole)).toBe("--region google-europe-west1 --yes --json");
    expect(describeRun(whole)).toBe("failover of region `google-europe-west1`");
    expect(describeInputs(whole)).not.toContain("project");
  });
});
