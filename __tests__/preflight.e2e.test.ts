import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { AddressInfo } from "net";
import { useDrScenario } from "./support/dr-scenario";
import { DR_OPERATIONS, peers, runOperation } from "./support/dr-operations";
import { makeImmutable } from "./support/immutable";
import { runScript, STACK } from "./support/project-fixture";
import { StateLockHolder } from "./support/state-lock-holder";
import { CountingProxy } from "./support/counting-proxy";

/**
 * Everything that must happen after the role change is proven possible before
 * it: each of these refuses with exit 2, one sentence naming the fix, and no
 * request that changes anything.
 */
const TOKEN = "tok-preflight-8d2e6b41";
const scenario = useDrScenario(TOKEN);

const writes = () => scenario.sim.apiCalls().filter((r) => r.method !== "GET");

function expectRefusedBeforeAnything(run: { code: number | null; stderr: string }, message: RegExp) {
  expect(run.stderr).toMatch(message);
  expect(run.stderr.trim().split("\n")[0]).toMatch(/^✖ /);
  expect(run.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  expect(run.code).toBe(2);
  expect(writes()).toEqual([]);
}

function fakeTerraform(version: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-fake-tf-"));
  const file = path.join(dir, "terraform");
  fs.writeFileSync(
    file,
    `#!/bin/sh\nif [ "$1" = version ]; then echo '{"terraform_version":"${version}"}'; exit 0; fi\nexit 1\n`,
    { mode: 0o755 },
  );
  return file;
}

describe.each(DR_OPERATIONS)("$script refuses before any role change", (operation) => {
  beforeEach(() => operation.arrange(scenario));

  it("when the terraform binary is missing", async () => {
    const run = await runOperation(scenario, operation.script, [], {
      TERRAFORM_BINARY_NAME: "terraform-not-installed",
    });
    expectRefusedBeforeAnything(
      run,
      /The Terraform binary "terraform-not-installed" was not found on PATH; install Terraform ≥ 1\.10\.0 \(or OpenTofu\) or set TERRAFORM_BINARY_NAME/,
    );
  });

  it("when the terraform binary is older than the stack needs", async () => {
    const old = fakeTerraform("1.5.7");
    const run = await runOperation(scenario, operation.script, [], { TERRAFORM_BINARY_NAME: old });
    fs.rmSync(path.dirname(old), { recursive: true, force: true });
    const min = operation.minimumTerraform.replace(/\./g, "\\.");
    expectRefusedBeforeAnything(
      run,
      new RegExp(`terraform 1\\.5\\.7 is older than ${min}, which this stack needs; install Terraform ≥ ${min}`),
    );
  });

  it("when main.ts does not synthesize, with synth's reason", async () => {
    const config = path.join(scenario.project.dir, "cdktf.json");
    fs.writeFileSync(
      config,
      JSON.stringify({
        ...JSON.parse(fs.readFileSync(config, "utf8")),
        app: `node -e "console.error('main.ts(7,3): error TS2322: Type number is not assignable to type string.'); process.exit(2)"`,
      }),
    );
    fs.utimesSync(scenario.project.stack().file, new Date(0), new Date(0));
    const run = await runOperation(scenario, operation.script);
    expectRefusedBeforeAnything(
      run,
      /The project does not synthesize, and an operation must synthesize the new phase once Aiven has changed, so nothing was sent;.*\n?.*main\.ts\(7,3\): error TS2322/,
    );
  });

  it("when the phase folder holds a file of a stack main.ts does not declare", async () => {
    scenario.project.writePhases({ "pg-ghost": { phase: "normal" } });
    const run = await runOperation(scenario, operation.script);
    expectRefusedBeforeAnything(
      run,
      /The phase folder .*crdr-phases holds the phase of "pg-ghost", which main\.ts does not declare \(declared: "pg-primary"\); fix the stack name or remove the file/,
    );
  });

  it("when the phase file cannot be written", async () => {
    const lock = makeImmutable(scenario.project.phaseFile());
    try {
      const run = await runOperation(scenario, operation.script);
      expectRefusedBeforeAnything(
        run,
        /The phase file .*crdr-phases\/pg-primary\.json cannot be written \(EPERM\); make it writable, then rerun\. Nothing was sent to Aiven\./,
      );
    } finally {
      lock.undo();
    }
  });

  it("when the phase file's folder cannot be written (the file is replaced beside itself)", async () => {
    fs.mkdirSync(path.join(scenario.project.dir, ".crdr", "locks"), { recursive: true });
    const lock = makeImmutable(scenario.project.dir);
    try {
      const run = await runOperation(scenario, operation.script);
      // A failover's local state lives in the same folder: its lock check fails first.
      expectRefusedBeforeAnything(
        run,
        operation.script === "failover"
          ? /Terraform could not take the state lock of pg-primary \(could not write lock info .*operation not permitted\)/
          : /The phase file .*crdr-phases\/pg-primary\.json cannot be written \(EPERM\); make it writable, then rerun\. Nothing was sent to Aiven\./,
      );
    } finally {
      lock.undo();
    }
  });

  it("when the Terraform state cannot be read (a corrupt state file)", async () => {
    fs.writeFileSync(scenario.project.stateFile, '{"version": 4, "resources": [ cut short');
    const run = await runOperation(scenario, operation.script);
    expectRefusedBeforeAnything(run, /^✖ .*Failed to (load|refresh) state/);
  });

  it("when Aiven refuses the token", async () => {
    const run = await runOperation(scenario, operation.script, [], { AIVEN_TOKEN: "not-the-right-token-42" });
    expectRefusedBeforeAnything(
      run,
      /The Aiven API refused the token \(GET .* failed with HTTP 401: Invalid token\); set AIVEN_TOKEN/,
    );
    expect(run.stderr + run.stdout).not.toContain("not-the-right-token-42");
  });

  it("when AIVEN_WEB_URL answers HTML, naming AIVEN_WEB_URL (no crash)", async () => {
    const portal = http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<html>Sign in to the guest network</html>");
    });
    await new Promise<void>((r) => portal.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(portal.address() as AddressInfo).port}`;
    try {
      const run = await runOperation(scenario, operation.script, [], { AIVEN_WEB_URL: url });
      expectRefusedBeforeAnything(
        run,
        new RegExp(
          `The Aiven API at AIVEN_WEB_URL=${url} cannot be used \\(GET .* answered HTTP 200 with text/html, not Aiven's JSON\\); check AIVEN_WEB_URL`,
        ),
      );
    } finally {
      await new Promise<void>((r) => portal.close(() => r()));
    }
  });
});

describe("failover's Terraform preflight", () => {
  beforeEach(() => DR_OPERATIONS[0].arrange(scenario));

  it("refuses while a colleague holds the state lock, naming holder, operation, age and lock ID", async () => {
    const holder = await StateLockHolder.hold(scenario.project.stateFile);
    try {
      const run = await runOperation(scenario, "failover");
      expectRefusedBeforeAnything(
        run,
        /The Terraform state of pg-primary is locked, held by alice@laptop, \(apply\), since 2026-11-26 03:40:00 \+0000 UTC for \d+[smh], lock ID 5e1f0c2a-7b3d-4e21-9a40-d1c0ffee0042; wait for that run to finish, or if it died, run "terraform force-unlock 5e1f0c2a-7b3d-4e21-9a40-d1c0ffee0042"/,
      );
      expect(run.stderr).not.toMatch(/\x1b\[/); // no ANSI codes
    } finally {
      holder.release();
    }
    expect((await runOperation(scenario, "failover")).code).toBe(0);
  });

  it("refuses a state file that cannot be written", async () => {
    const lock = makeImmutable(scenario.project.stateFile);
    try {
      const run = await runOperation(scenario, "failover");
      expectRefusedBeforeAnything(
        run,
        /^✖ Terraform could not take the state lock of pg-primary \(open .*terraform\.pg-primary\.tfstate: operation not permitted\); make the state writable \(permissions, a read-only file, disk space\), then rerun\.\n$/,
      );
    } finally {
      lock.undo();
    }
  });

  it("says Aiven was failed over when the state turns unwritable after the trigger, and a rerun finishes", async () => {
    let lock: { undo: () => void } | undefined;
    const run = await runOperation(scenario, "failover", [], {}, (child) => {
      const timer = setInterval(() => {
        if (scenario.sim.apiCalls("PUT").length) {
          clearInterval(timer);
          lock = makeImmutable(scenario.project.stateFile);
        }
      }, 5);
      child.on("exit", () => clearInterval(timer));
    });
    lock?.undo();
    expect(run.code).toBe(6);
    expect(run.stderr).toMatch(
      /^✖ Aiven has failed pg-primary over to pg-primary-dr, but Terraform state was not updated: /,
    );
    expect(run.stderr).toContain(
      "Fix that and rerun `npm run failover -- --stack pg-primary`: it finishes the rest and will not send the role change again.",
    );
    const rerun = await runOperation(scenario, "failover");
    expect(rerun.code).toBe(0);
    expect(scenario.sim.apiCalls("PUT")).toHaveLength(1);
    expect(await scenario.project.stateAddresses()).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
  });

  it("names AIVEN_WEB_URL when nothing listens there, and does not suggest --force", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = http.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const run = await runOperation(scenario, "failover", [], { AIVEN_WEB_URL: `http://127.0.0.1:${port}` });
    expectRefusedBeforeAnything(
      run,
      new RegExp(
        `The Aiven API at AIVEN_WEB_URL=http://127.0.0.1:${port} cannot be used \\(GET .* could not connect: ECONNREFUSED\\)`,
      ),
    );
    expect(run.stderr).not.toContain("--force");
  });

  it("goes through HTTP_PROXY for every API call", async () => {
    const proxy = new CountingProxy();
    await proxy.start();
    try {
      const run = await runOperation(scenario, "failover", [], { HTTP_PROXY: proxy.url, NO_PROXY: "" });
      expect(run.code).toBe(0);
      expect(proxy.requests.length).toBe(scenario.sim.apiCalls().length);
      expect(proxy.requests).toContain(`PUT ${scenario.env.AIVEN_WEB_URL}/v1/project/crdr-test/service/pg-primary`);
      expect(peers(scenario)).toEqual(["POWEROFF/failed", "RUNNING/active"]);
    } finally {
      await proxy.stop();
    }
  });
});

describe("usage errors", () => {
  it.each([
    [["--stack", STACK, "--bogus"], "unknown option '--bogus'"],
    [["--stack"], "option '--stack <pair>' argument missing"],
    [["--stack", STACK, "--timeout"], "option '--timeout <duration>' argument missing"],
    // The `--` forgotten: npm kept --stack, the value came alone.
    [
      ["pg-primary"],
      'unexpected argument "pg-primary": every flag goes with its value, as in crdr failover --stack <pair>',
    ],
  ])("failover %j: one line and exit 2", async (args, message) => {
    const result = await runScript(scenario.project, "failover", args, scenario.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`✖ ${message}; see crdr failover --help.\n`);
    expect(result.stdout).toBe("");
  });

  it("failover --timeout 0s: says what range is accepted, exit 2", async () => {
    const result = await runScript(scenario.project, "failover", ["--stack", STACK, "--timeout", "0s"], scenario.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      '✖ --timeout "0s" is too short: a duration must be longer than zero, such as "30m", "90s" or "2h".\n',
    );
    expect(scenario.sim.apiCalls()).toEqual([]);
  });

  it("revert without --stack: one line and exit 2; --help exits 0", async () => {
    const missing = await runScript(scenario.project, "revert", [], scenario.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      "✖ Pass exactly one of --stack <pair> or --region <cloud>; --stack runs revert on one pair, --region on every pair whose primary is there.\n",
    );
    const help = await runScript(scenario.project, "revert", ["--help"], scenario.env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: crdr revert \[options\]/);
  });

  it("on Ctrl-C says how to resume, exits 130, and the rerun sends nothing more", async () => {
    await DR_OPERATIONS[0].arrange(scenario);
    scenario.sim.model.delays = { failoverMs: 3000, rebuildMs: 0, rebalanceMs: 0, switchoverMs: 0, roleLagMs: 0 };
    const run = await runOperation(scenario, "failover", ["--json"], {}, (child) => {
      const timer = setInterval(() => {
        if (scenario.sim.apiCalls("PUT").length) {
          clearInterval(timer);
          child.kill("SIGINT");
        }
      }, 10);
      child.on("exit", () => clearInterval(timer));
    });
    expect(run.code).toBe(130);
    expect(run.stderr).toBe(
      "\n✖ Interrupted; rerun the same command to resume: it reads what already happened at Aiven before sending anything.\n",
    );
    const events = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(events.every((e) => e.version === 1 && typeof e.ts === "string" && typeof e.type === "string")).toBe(true);
    expect(events[events.length - 1]).toMatchObject({ type: "error", exitCode: 130 });
    const rerun = await runOperation(scenario, "failover");
    expect(rerun.code).toBe(0);
    expect(scenario.sim.apiCalls("PUT")).toHaveLength(1);
  });
});
