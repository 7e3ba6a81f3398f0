import { CrdrPairProps } from "../../lib/pair/crdr-pair-props";

export function examplePairProps(overrides: Partial<CrdrPairProps> = {}): CrdrPairProps {
  return {
    project: "crdr-test",
    primary: { serviceName: "pg-primary", cloudName: "google-europe-west1", plan: "startup-4" },
    recovery: { cloudName: "google-europe-north1" },
    ...overrides,
  };
}
