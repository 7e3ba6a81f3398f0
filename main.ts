import { App } from "cdktf";
import { appSettings, declarePairs, PairDeclaration } from "./lib/crdr-app";
import { runSynthApp } from "./lib/synth/run-synth-app";

/**
 * The CRDR pairs this project manages. Each pair becomes its own stack, named
 * after the primary service unless `stackName` says otherwise. Stack names and
 * service names are permanent: renaming one would plan to replace a database.
 */
export const PAIRS: PairDeclaration[] = [
  {
    primary: { serviceName: "pg-primary", cloudName: "google-europe-west1", plan: "startup-4" },
    recovery: { cloudName: "google-europe-north1" },
  },
];

runSynthApp(() => {
  const app = new App();
  declarePairs(app, appSettings(app, { project: "crdr-test" }), PAIRS);
  app.synth();
});
