import * as fs from "fs";
import { App } from "cdktf";
import { appSettings, declarePairs, PairDeclaration } from "../lib/crdr-app";
import { runSynthApp } from "../lib/synth/run-synth-app";
import { UserError } from "../lib/user-error";

/**
 * A synth app with CRDR_BENCH_PAIRS generated pairs, for the synth benchmark
 * and the fleet tests. CRDR_BENCH_PRIMARY_CLOUDS (comma-separated) spreads the
 * primaries over regions in turn; CRDR_BENCH_TIERS (comma-separated, an
 * empty entry for none) gives the pairs priority tiers in turn, and
 * CRDR_BENCH_PROJECTS (comma-separated) Aiven projects in turn.
 */
const count = Number(process.env.CRDR_BENCH_PAIRS ?? "1");
const clouds = (process.env.CRDR_BENCH_PRIMARY_CLOUDS ?? "google-europe-west1").split(",");
const projects = process.env.CRDR_BENCH_PROJECTS?.split(",");
const tiers = process.env.CRDR_BENCH_TIERS?.split(",").map((t) => (t === "" ? undefined : Number(t)));
const pairs: PairDeclaration[] = Array.from({ length: count }, (_, i) => ({
  primary: { serviceName: `bench-pg-${i}`, cloudName: clouds[i % clouds.length], plan: "startup-4" },
  recovery: { cloudName: "google-europe-north1" },
  pgVersion: "16",
  tags: { bench: "true" },
  ...(projects ? { project: projects[i % projects.length] } : {}),
  ...(tiers?.[i % tiers.length] !== undefined ? { tier: tiers[i % tiers.length] } : {}),
}));

runSynthApp(() => {
  // The fleet tests count synths: one line per run of this app.
  if (process.env.CRDR_BENCH_SYNTH_LOG) fs.appendFileSync(process.env.CRDR_BENCH_SYNTH_LOG, `${process.pid}\n`);
  // ...and break the app on demand, as a bad edit to main.ts would.
  if (process.env.CRDR_BENCH_BREAK_FILE && fs.existsSync(process.env.CRDR_BENCH_BREAK_FILE))
    throw new UserError("main.ts is broken (the fleet tests' stand-in for a bad edit)");
  const app = new App();
  declarePairs(app, appSettings(app, { project: "crdr-bench" }), pairs);
  app.synth();
});
