import { ChildProcess } from "child_process";
import { startChild } from "./child-processes";
import * as path from "path";

/**
 * A colleague's terraform run holding the state lock of a local state file,
 * until `release()`.
 */
export class StateLockHolder {
  static async hold(stateFile: string): Promise<StateLockHolder> {
    const child = startChild("python3", [path.join(__dirname, "hold-state-lock.py"), stateFile, "120"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    await new Promise<void>((resolve, reject) => {
      let err = "";
      child.stderr!.on("data", (d) => (err += d));
      child.stdout!.once("data", () => resolve());
      child.once("exit", (code) => reject(new Error(`the lock holder exited (${code}): ${err}`)));
    });
    return new StateLockHolder(child);
  }

  private constructor(private readonly child: ChildProcess) {}

  release(): void {
    this.child.kill("SIGKILL");
  }
}
