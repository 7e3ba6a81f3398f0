import { execFileSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

describe("the type check", () => {
  // Jest transpiles each file on its own; this is where types are checked.
  it("passes for the whole project, tests included, in strict mode", () => {
    const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
    let output = "";
    try {
      execFileSync(process.execPath, [tsc, "-p", path.join(ROOT, "tsconfig.test.json")], {
        cwd: ROOT,
        encoding: "utf8",
        stdio: "pipe",
      });
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(output).toBe("");
  });
});
