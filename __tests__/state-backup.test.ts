import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { httpLockHolder } from "../lib/terraform/http-lock-holder";
import { backUpState, summarizeState } from "../lib/terraform/state-backup";
import { parseStateLockInfo } from "../lib/terraform/state-lock-info";
import { TerraformRunner } from "../lib/terraform/terraform-runner";
import { HttpStateBackend } from "./support/http-state-backend";

const STATE = JSON.stringify({
  version: 4,
  terraform_version: "1.11.4",
  serial: 7,
  lineage: "5b0e7c8a-lineage",
  outputs: {},
  resources: [
    { mode: "managed", type: "aiven_pg", name: "primary", instances: [] },
    { mode: "data", type: "aiven_project", name: "this", instances: [] },
    { module: "module.extra", mode: "managed", type: "aiven_pg", name: "other", instances: [] },
  ],
});

/** A runner whose `state pull` answers `pull`; nothing else is asked of it here. */
function pulling(pull: () => Promise<string>): TerraformRunner {
  return { statePull: pull } as unknown as TerraformRunner;
}

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-backup-"))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("backUpState", () => {
  it("writes the pulled state byte for byte, private, named by stack and time, and reports what it holds", async () => {
    const backup = await backUpState(
      pulling(async () => STATE),
      path.join(dir, "backups"),
      "pg-primary",
      new Date("2026-11-29T23:58:01.042Z"),
    );
    expect(backup).toEqual({
      file: path.join(dir, "backups", "pg-primary-20261129T235801-042Z.tfstate"),
      lineage: "5b0e7c8a-lineage",
      serial: 7,
      sha256: createHash("sha256").update(STATE).digest("hex"),
      resources: ["aiven_pg.primary", "data.aiven_project.this", "module.extra.aiven_pg.other"],
    });
    expect(fs.readFileSync(backup.file, "utf8")).toBe(STATE);
    expect((fs.statSync(backup.file).mode & 0o777).toString(8)).toBe("600");
    expect((fs.statSync(path.dirname(backup.file)).mode & 0o777).toString(8)).toBe("700");
  });

  it("refuses when the backend holds no state, or terraform cannot pull it, and leaves no file", async () => {
    await expect(
      backUpState(
        pulling(async () => "\n"),
        dir,
        "pg-primary",
      ),
    ).rejects.toThrow(
      /Could not back up the Terraform state of pg-primary to .* \(the backend holds no state\), so the state was left as it is/,
    );
    await expect(
      backUpState(
        pulling(async () => "<html>proxy</html>"),
        dir,
        "pg-primary",
      ),
    ).rejects.toThrow(/\(terraform state pull did not return a state\)/);
    await expect(
      backUpState(
        pulling(() => Promise.reject(new Error("Failed to load state: 503\nmore"))),
        dir,
        "pg-primary",
      ),
    ).rejects.toThrow(/\(terraform state pull failed: Failed to load state: 503\)/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("refuses when the backup folder cannot be written, naming the cause", async () => {
    const blocked = path.join(dir, "backups");
    fs.writeFileSync(blocked, "a file where the folder should be");
    await expect(
      backUpState(
        pulling(async () => STATE),
        blocked,
        "pg-primary",
      ),
    ).rejects.toThrow(/\((ENOTDIR|EEXIST)\), so the state was left as it is; make .*backups writable/);
  });
});

describe("summarizeState", () => {
  it("reads lineage, serial and addresses, and nothing that is not a state", () => {
    expect(summarizeState(STATE)).toMatchObject({ lineage: "5b0e7c8a-lineage", serial: 7 });
    expect(summarizeState("")).toBeUndefined();
    expect(summarizeState(JSON.stringify({ serial: 1, resources: [] }))).toBeUndefined();
  });
});

describe("the holder of an http backend's lock", () => {
  const OWN_ATTEMPT = [
    "Error: Error acquiring the state lock",
    "",
    "Error message: HTTP remote state already locked: ID=holder-42",
    "Lock Info:",
    "  ID:        e7276a89-own-attempt",
    "  Operation: state-rm",
    "  Who:       root@this-machine",
  ].join("\n");

  it("is not taken from terraform's Lock Info, which is terraform's own attempt: only the holder's ID is", () => {
    expect(parseStateLockInfo(OWN_ATTEMPT)).toEqual({ id: "holder-42" });
  });

  it("is found when terraform wraps a UUID lock ID onto the next line, as it does at 78 columns", () => {
    const wrapped = OWN_ATTEMPT.replace(
      "already locked: ID=holder-42",
      "already locked:\nID=11111111-2222-3333-4444-555555555555",
    );
    expect(parseStateLockInfo(wrapped)).toEqual({ id: "11111111-2222-3333-4444-555555555555" });
  });

  let backend: HttpStateBackend;
  let workdir: string;
  beforeEach(async () => {
    backend = new HttpStateBackend();
    const url = `${await backend.start()}/pg-primary`;
    workdir = path.join(dir, "stack");
    fs.mkdirSync(path.join(workdir, ".terraform"), { recursive: true });
    const config = {
      address: url,
      lock_address: url,
      unlock_address: url,
      lock_method: null,
      unlock_method: null,
      username: null,
      password: null,
    };
    fs.writeFileSync(
      path.join(workdir, ".terraform", "terraform.tfstate"),
      JSON.stringify({ version: 3, backend: { type: "http", config } }),
    );
  });
  afterEach(() => backend.stop());

  it("is read from the backend's 423 answer, leaving the holder's lock in place", async () => {
    backend.holdLock("pg-primary", {
      ID: "holder-42",
      Who: "alice@laptop",
      Operation: "OperationTypeApply",
      Created: "2026-11-29T21:00:00Z",
    });
    expect(await httpLockHolder(workdir, {})).toEqual({
      id: "holder-42",
      who: "alice@laptop",
      operation: "OperationTypeApply",
      created: "2026-11-29T21:00:00Z",
      path: undefined,
    });
    expect(backend.lockOf("pg-primary")?.ID).toBe("holder-42");
    expect(backend.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["LOCK 423"]);
  });

  it("is nobody once the lock is free: the lock the probe took is released at once", async () => {
    expect(await httpLockHolder(workdir, {})).toBeUndefined();
    expect(backend.lockOf("pg-primary")).toBeUndefined();
    expect(backend.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["LOCK 200", "UNLOCK 200"]);
  });

  it("is not asked for when the stack's backend is not http", async () => {
    fs.writeFileSync(
      path.join(workdir, ".terraform", "terraform.tfstate"),
      JSON.stringify({ version: 3, backend: { type: "local", config: { path: "x" } } }),
    );
    expect(await httpLockHolder(workdir, {})).toBeUndefined();
    expect(backend.requests).toEqual([]);
  });
});
