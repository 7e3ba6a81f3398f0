import { execFile, execFileSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { Client } from "pg";
import { UserError } from "../user-error";

export const PG_BIN = "/usr/lib/postgresql/15/bin";

/** The first of PostgreSQL 15's tools that is missing, if any. */
export function missingPostgresTool(): string | undefined {
  return ["initdb", "pg_ctl", "pg_basebackup"]
    .map((tool) => path.join(PG_BIN, tool))
    .find((file) => !fs.existsSync(file));
}

/** How the clusters' processes run: PostgreSQL refuses root, so as an unprivileged user when this process is root. */
interface RunAs {
  readonly user?: string;
  readonly uid: number;
  readonly gid: number;
}

const TEST_USER = "crdrpg";

function runAs(): RunAs {
  if (process.getuid?.() !== 0) return { uid: process.getuid!(), gid: process.getgid!() };
  const ids = (user: string) => {
    try {
      return {
        user,
        uid: Number(execFileSync("id", ["-u", user], { encoding: "utf8" })),
        gid: Number(execFileSync("id", ["-g", user], { encoding: "utf8" })),
      };
    } catch {
      return undefined;
    }
  };
  const existing = ids("postgres") ?? ids(TEST_USER);
  if (existing) return existing;
  execFileSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", TEST_USER]);
  return ids(TEST_USER)!;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Where a cluster listens, and how a client logs in. */
export interface PgEndpoint {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

export type PgNode = "primary" | "standby";

/**
 * A real PostgreSQL 15 primary and a streaming hot standby made with
 * `pg_basebackup -R`, on 127.0.0.1 ports, in one temp folder, for the drill
 * and the tests. `stop()` stops both (whatever state they are in) and
 * removes the folder; call it in a finally.
 *
 * The replication timeouts are short so "last heard from the primary" stays
 * fresh on an idle link (the standby reports every second, and pings the
 * primary after 2s of silence).
 */
export class PostgresPair {
  /**
   * @param firstPorts ports to try first (tests hold one to show a taken
   * port is replaced); by default free ones, found just before use.
   */
  static async start(firstPorts: Partial<Record<PgNode, number>> = {}): Promise<PostgresPair> {
    const missing = missingPostgresTool();
    if (missing)
      throw new UserError(
        `PostgreSQL 15 is needed here, but ${missing} is missing; install Debian's postgresql package.`,
      );
    const who = runAs();
    const base = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-pg-"));
    const pair = new PostgresPair(base, who, randomBytes(12).toString("hex"));
    try {
      await pair.init(firstPorts);
      return pair;
    } catch (err) {
      await pair.stop();
      throw err;
    }
  }

  readonly user = "crdr";
  readonly database = "postgres";
  private ports: Record<PgNode, number> = { primary: 0, standby: 0 };

  private constructor(
    readonly base: string,
    private readonly who: RunAs,
    readonly password: string,
  ) {}

  dataDir(node: PgNode): string {
    return path.join(this.base, node);
  }

  endpoint(node: PgNode): PgEndpoint {
    return {
      host: "127.0.0.1",
      port: this.ports[node],
      user: this.user,
      password: this.password,
      database: this.database,
    };
  }

  /** Runs one statement on a node over plain TCP and returns its rows. */
  async sql<R extends Record<string, unknown> = Record<string, unknown>>(
    node: PgNode,
    text: string,
    values: unknown[] = [],
  ): Promise<R[]> {
    const client = new Client({ ...this.endpoint(node), connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  /** Polls `check` until it holds (a condition, not a guess at timing). */
  async waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        if (await check()) return;
      } catch {
        // not ready yet
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits until the standby streams from the primary and has replayed everything the primary has written. */
  async waitUntilCaughtUp(): Promise<void> {
    const [{ lsn }] = await this.sql<{ lsn: string }>("primary", "select pg_current_wal_lsn()::text as lsn");
    await this.waitFor("the standby to stream and replay the primary's WAL", async () => {
      const [row] = await this.sql<{ streaming: boolean; replayed: boolean }>(
        "standby",
        "select exists(select 1 from pg_stat_wal_receiver where status = 'streaming') as streaming, pg_last_wal_replay_lsn() >= $1::pg_lsn as replayed",
        [lsn],
      );
      return row.streaming && row.replayed;
    });
  }

  /** Stops a node the way an outage does (immediate shutdown). */
  async kill(node: PgNode): Promise<void> {
    if (!fs.existsSync(path.join(this.dataDir(node), "postmaster.pid"))) return;
    await this.pgCtl(["stop", "-D", this.dataDir(node), "-m", "immediate", "-w", "-t", "60"]);
  }

  /** Stops both nodes, whatever state they are in, and removes the folder. */
  async stop(): Promise<void> {
    for (const node of ["standby", "primary"] as const) {
      if (!fs.existsSync(path.join(this.dataDir(node), "postmaster.pid"))) continue;
      try {
        await this.pgCtl(["stop", "-D", this.dataDir(node), "-m", "immediate", "-w", "-t", "60"]);
      } catch {
        const pid = Number(fs.readFileSync(path.join(this.dataDir(node), "postmaster.pid"), "utf8").split("\n")[0]);
        if (pid > 0) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
      }
    }
    fs.rmSync(this.base, { recursive: true, force: true });
  }

  private async init(firstPorts: Partial<Record<PgNode, number>>): Promise<void> {
    this.makeReachable();
    this.ports = {
      primary: firstPorts.primary ?? (await freePort()),
      standby: firstPorts.standby ?? (await freePort()),
    };
    const pwfile = path.join(this.base, "pw");
    fs.writeFileSync(pwfile, this.password, { mode: 0o600 });
    fs.chownSync(pwfile, this.who.uid, this.who.gid);
    await this.asUser(path.join(PG_BIN, "initdb"), [
      "-D",
      this.dataDir("primary"),
      "-U",
      this.user,
      `--pwfile=${pwfile}`,
      "--auth=scram-sha-256",
      "-E",
      "UTF8",
      "--no-sync",
    ]);
    fs.rmSync(pwfile);
    this.appendConf("primary", {
      listen_addresses: "'127.0.0.1'",
      port: String(this.ports.primary),
      unix_socket_directories: `'${this.base}'`,
      fsync: "off",
      wal_receiver_status_interval: "1s",
      wal_receiver_timeout: "4s",
      wal_sender_timeout: "4s",
      max_wal_senders: "4",
    });
    await this.startNode("primary");
    const conninfo = `host=127.0.0.1 port=${this.ports.primary} user=${this.user} password=${this.password} dbname=${this.database}`;
    await this.asUser(path.join(PG_BIN, "pg_basebackup"), [
      "-D",
      this.dataDir("standby"),
      "-d",
      conninfo,
      "-R",
      "-X",
      "stream",
      "--no-sync",
    ]);
    this.appendConf("standby", { port: String(this.ports.standby) });
    await this.startNode("standby");
    await this.waitUntilCaughtUp();
  }

  /**
   * The clusters' user must reach the folder: the folders above it made by
   * this run (private temp folders) get search permission for others, never
   * read permission.
   */
  private makeReachable(): void {
    fs.chownSync(this.base, this.who.uid, this.who.gid);
    for (let dir = path.dirname(this.base); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const mode = fs.statSync(dir).mode;
      if ((mode & 0o001) === 0) fs.chmodSync(dir, (mode & 0o7777) | 0o001);
    }
  }

  private appendConf(node: PgNode, settings: Record<string, string>): void {
    const lines = Object.entries(settings).map(([k, v]) => `${k} = ${v}`);
    fs.appendFileSync(path.join(this.dataDir(node), "postgresql.conf"), `\n${lines.join("\n")}\n`);
  }

  /**
   * Starts a node. A free port is only free until someone binds it: when
   * another process took it first, the node moves to another free port
   * (twice at most). Any other failure says what PostgreSQL logged.
   */
  private async startNode(node: PgNode): Promise<void> {
    const log = path.join(this.base, `${node}.log`);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.pgCtl(["start", "-D", this.dataDir(node), "-l", log, "-w", "-t", "120"]);
        return;
      } catch (err) {
        const logged = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
        if (attempt < 3 && /could not bind|Address already in use/i.test(logged)) {
          this.ports[node] = await freePort();
          this.appendConf(node, { port: String(this.ports[node]) });
          fs.rmSync(log, { force: true });
          continue;
        }
        const tail = logged.trim().split("\n").slice(-10).join("\n").split(this.password).join("[password]");
        throw new Error(
          `${(err as Error).message.trim()}\nPostgreSQL's log (${log}), last lines:\n${tail || "(empty)"}`,
          { cause: err },
        );
      }
    }
  }

  private pgCtl(args: string[]): Promise<string> {
    return this.asUser(path.join(PG_BIN, "pg_ctl"), args);
  }

  private asUser(binary: string, args: string[]): Promise<string> {
    const [file, argv] = this.who.user ? ["runuser", ["-u", this.who.user, "--", binary, ...args]] : [binary, args];
    return new Promise((resolve, reject) => {
      execFile(file, argv, { cwd: this.base, timeout: 180_000, encoding: "utf8" }, (err, stdout, stderr) => {
        // The password may be on a command line: keep it out of the error.
        if (err)
          reject(
            new Error(
              `${path.basename(binary)} ${args[0]} failed: ${`${stderr}`.split(this.password).join("[password]")}`,
            ),
          );
        else resolve(stdout);
      });
    });
  }
}
