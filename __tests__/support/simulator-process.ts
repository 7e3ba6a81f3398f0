import { ChildProcess } from "child_process";
import * as http from "http";
import { startChild } from "./child-processes";
import * as path from "path";
import { REPO } from "./project-fixture";

export interface SimulatorProcess {
  readonly url: string;
  /** The role changes it received, as "service role". */
  roleChanges(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * The simulator in a process of its own (`npm run sim`), seeded from the
 * project's synthesized stacks, for tests whose steps block this process
 * while they run.
 */
export function startSimulatorProcess(
  projectDir: string,
  options: {
    token: string;
    delayMs: number;
    roleLagMs: number;
    rateLimit?: string;
    rateLimitPer?: "token" | "project";
  },
): Promise<SimulatorProcess> {
  const child: ChildProcess = startChild(
    process.execPath,
    [
      path.join(REPO, "dist", "scripts", "sim.js"),
      ...[
        "--port",
        "0",
        "--token",
        options.token,
        "--delay",
        String(options.delayMs),
        "--role-lag",
        String(options.roleLagMs),
      ],
      ...(options.rateLimit ? ["--rate-limit", options.rateLimit] : []),
      ...(options.rateLimitPer ? ["--rate-limit-per", options.rateLimitPer] : []),
    ],
    { cwd: projectDir, stdio: ["ignore", "pipe", "pipe"] },
  );
  const stop = () =>
    new Promise<void>((resolve) => {
      // Already ended (or killed by the reaping after the file's tests).
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGINT");
    });
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`the simulator did not start: ${output}`)), 20_000);
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve({
        url,
        stop,
        roleChanges: async () => {
          const { requests } = JSON.parse(await getOnFreshConnection(`${url}/_sim/requests`)) as {
            requests: Array<{ method: string; path: string; body?: { disaster_recovery_role?: string } }>;
          };
          return requests
            .filter((c) => c.method === "PUT" && c.body?.disaster_recovery_role)
            .map((c) => `${c.path.split("/").pop()} ${c.body!.disaster_recovery_role}`);
        },
      });
    });
    child.stderr!.on("data", (chunk) => (output += chunk));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the simulator exited (${code}): ${output}`));
    });
  });
}

/**
 * A GET on a connection of its own. The tests run workflow steps with
 * spawnSync, which blocks this process for longer than the server keeps an
 * idle connection open: a kept-alive socket the server has closed meanwhile
 * would be reused, and the request fail with "other side closed".
 */
function getOnFreshConnection(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () =>
          res.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${url} answered ${res.statusCode}: ${body}`)),
        );
      })
      .on("error", reject);
  });
}
