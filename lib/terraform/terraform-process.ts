import { spawn } from "child_process";
import { UserError } from "../user-error";

/** How long a terraform command may take unless `CRDR_TERRAFORM_TIMEOUT_MS` says otherwise; a state lock wait is added to it. */
export const DEFAULT_TERRAFORM_TIMEOUT_MS = 5 * 60_000;

export interface ProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Process groups still running, killed if this process exits first (they run in their own group, so Ctrl-C does not reach them). */
const running = new Set<number>();
let cleanupInstalled = false;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/**
 * Runs `command` in its own process group with a deadline: on expiry the
 * whole group (terraform and any provider or helper it started) is killed
 * and reaped, and the call fails naming `shown`. Spawn failures (no shell,
 * say) reject with the system error.
 */
export function runWithDeadline(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; deadlineMs: number; shown: string },
): Promise<ProcessResult> {
  if (!cleanupInstalled) {
    cleanupInstalled = true;
    process.on("exit", () => running.forEach(killGroup));
  }
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let expired = false;
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    if (child.pid !== undefined) running.add(child.pid);
    const timer = setTimeout(() => {
      expired = true;
      if (child.pid !== undefined) killGroup(child.pid);
    }, options.deadlineMs);
    const settle = (code: number | null) => {
      clearTimeout(timer);
      if (child.pid !== undefined) running.delete(child.pid);
      if (expired) {
        child.stdout.destroy();
        child.stderr.destroy();
        reject(
          new UserError(
            `"${options.shown}" did not finish within ${Math.round(options.deadlineMs / 1000)}s (CRDR_TERRAFORM_TIMEOUT_MS, plus any -lock-timeout), so it was stopped; check what it waits for (the backend, the network, a provider), or raise CRDR_TERRAFORM_TIMEOUT_MS, then rerun.`,
          ),
        );
        return;
      }
      resolve({ code: code ?? 1, stdout, stderr });
    };
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    // A killed group may leave a grandchild holding the pipes: do not wait for them to close then.
    child.once("exit", (code) => {
      if (!expired) clearTimeout(timer);
      else settle(code);
    });
    child.once("close", (code) => (expired ? undefined : settle(code)));
  });
}

/** The deadline `CRDR_TERRAFORM_TIMEOUT_MS` sets, refusing a value that is not a positive whole number. */
export function terraformTimeoutMs(env: NodeJS.ProcessEnv): number {
  const raw = env.CRDR_TERRAFORM_TIMEOUT_MS;
  if (raw === undefined || raw === "") return DEFAULT_TERRAFORM_TIMEOUT_MS;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value <= 0 || value > 2_147_483_647) {
    throw new UserError(
      `CRDR_TERRAFORM_TIMEOUT_MS=${JSON.stringify(raw)} is not a whole number of milliseconds; unset it for ${DEFAULT_TERRAFORM_TIMEOUT_MS / 60_000} minutes, or give one such as 600000.`,
    );
  }
  return value;
}
