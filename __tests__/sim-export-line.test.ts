import { spawnSync } from "child_process";
import * as path from "path";
import { startChild } from "./support/child-processes";
import { ProjectFixture, REPO } from "./support/project-fixture";
import { waitFor } from "./support/wait-for";

/** `npm run sim`'s announcement, until it prints its export line. */
async function announcement(project: ProjectFixture, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = startChild(process.execPath, [path.join(REPO, "dist", "scripts", "sim.js"), "--port", "0", ...args], {
    cwd: project.dir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  await waitFor(() => output.includes("Ctrl-C stops it."));
  return output;
}

const exportLine = (output: string) =>
  output
    .split("\n")
    .find((l) => l.trim().startsWith("export "))!
    .trim();

describe("npm run sim", () => {
  let project: ProjectFixture;
  beforeEach(() => (project = ProjectFixture.create()));
  afterEach(() => project.remove());

  it("prints an export line a shell takes as it is, with the token it accepts", async () => {
    const token = "sim tok'en";
    const { AIVEN_TOKEN: _unset, ...env } = process.env;
    const line = exportLine(await announcement(project, ["--token", token], env));
    const shell = spawnSync("bash", ["-c", `${line}\nprintf '%s\\n%s' "$AIVEN_WEB_URL" "$AIVEN_TOKEN"`], {
      encoding: "utf8",
    });
    expect(shell.stderr).toBe("");
    expect(shell.stdout).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+\\n${token}$`));
  });

  it("does not print a token it took from $AIVEN_TOKEN", async () => {
    const output = await announcement(project, [], { ...process.env, AIVEN_TOKEN: "tok-from-env-5b1e" });
    expect(output).not.toContain("tok-from-env-5b1e");
    const shell = spawnSync("bash", ["-c", `AIVEN_TOKEN=mine\n${exportLine(output)}\nprintf '%s' "$AIVEN_TOKEN"`], {
      encoding: "utf8",
    });
    expect(shell.stderr).toBe("");
    expect(shell.stdout).toBe("mine");
  });
});
