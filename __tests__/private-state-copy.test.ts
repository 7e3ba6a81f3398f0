import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { withPrivateStateCopy } from "../lib/terraform/private-state-copy";

/**
 * A state copy (it holds the services' passwords) lives only while it is
 * used: a copy a killed process left behind is removed by the next use on
 * this machine, and a live process's copy is never touched.
 */
const COMPILED = path.join(__dirname, "..", "dist", "lib", "terraform", "private-state-copy.js");
// The temp folder of this test run (its own, removed by the global teardown): where the copies go.
const tmp = os.tmpdir();
const copies = () => fs.readdirSync(tmp).filter((n) => n.startsWith("crdr-restore-"));
const made: string[] = [];
afterEach(() => made.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A process that makes a copy and is killed (SIGKILL) while using it: the pid and the folder it left. */
function killedWhileUsingACopy(): Promise<{ pid: number; left: string }> {
  const script = `
    const { withPrivateStateCopy } = require(${JSON.stringify(COMPILED)});
    withPrivateStateCopy('{"serial": 7}', async () => process.kill(process.pid, "SIGKILL"));
  `;
  const child = spawn(process.execPath, ["-e", script], { stdio: "inherit" });
  return new Promise((resolve, reject) =>
    child.on("exit", (_code, signal) => {
      const left = copies();
      if (signal !== "SIGKILL" || left.length !== 1) reject(new Error(`exited ${signal}, left ${left.join(", ")}`));
      else resolve({ pid: child.pid!, left: path.join(tmp, left[0]) });
    }),
  );
}

it("is private while it is used, and gone afterwards", async () => {
  const seen = await withPrivateStateCopy('{"serial": 3}', async (file) => {
    expect(fs.readFileSync(file, "utf8")).toBe('{"serial": 3}');
    return { file: fs.statSync(file).mode & 0o777, dir: fs.statSync(path.dirname(file)).mode & 0o777 };
  });
  expect(seen).toEqual({ file: 0o600, dir: 0o700 });
  expect(copies()).toEqual([]);
});

it("left behind by a killed process is removed by the next use; a live process's copy is kept", async () => {
  const { pid, left } = await killedWhileUsingACopy();
  expect(path.basename(left)).toMatch(new RegExp(`^crdr-restore-${pid}-`));
  expect(fs.readFileSync(path.join(left, "restore.tfstate"), "utf8")).toBe('{"serial": 7}');
  // A copy of a process still running (this one's parent, say): not ours to judge.
  const living = fs.mkdtempSync(path.join(tmp, `crdr-restore-${process.ppid}-`));
  made.push(living, left);

  await withPrivateStateCopy("{}", async () => undefined);
  expect(fs.existsSync(left)).toBe(false);
  expect(copies()).toEqual([path.basename(living)]);
});
