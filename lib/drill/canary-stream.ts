import { Client } from "pg";
import { PgEndpoint } from "./local-postgres-pair";

/** The canaries a promoted standby lacks: how many, and the stretch of time they were written in. */
export interface CanaryLoss {
  readonly acknowledged: number;
  readonly lost: number;
  /** From sending the oldest lost canary to the acknowledgement of the newest. */
  readonly spanMs: number;
}

/**
 * Writes numbered canary rows to a primary, one committed transaction after
 * another, until the primary dies under it; remembers when each was sent and
 * acknowledged, to count later which ones a promoted standby lacks.
 */
export class CanaryStream {
  private readonly sentAt = new Map<number, number>();
  private readonly ackedAt = new Map<number, number>();
  private writing?: Promise<void>;

  static async start(primary: PgEndpoint): Promise<CanaryStream> {
    const client = new Client({ ...primary });
    client.on("error", () => undefined); // the primary is killed under it on purpose
    await client.connect();
    await client.query("create table if not exists crdr_canary (id int primary key)");
    return new CanaryStream(client);
  }

  private constructor(private readonly client: Client) {}

  /** Starts writing; resolves once `count` canaries are acknowledged (the moment to kill the primary). */
  run(count: number): Promise<void> {
    return new Promise((reached, failed) => {
      this.writing = (async () => {
        for (let id = 1; ; id++) {
          this.sentAt.set(id, Date.now());
          try {
            await this.client.query("insert into crdr_canary values ($1)", [id]);
          } catch (err) {
            if (id <= count) failed(err);
            return;
          }
          this.ackedAt.set(id, Date.now());
          if (id === count) reached();
        }
      })();
    });
  }

  /** Waits for the writer to stop (the primary is gone) and closes its connection. */
  async finish(): Promise<void> {
    await this.writing;
    await this.client.end().catch(() => undefined);
  }

  /** What the node now at `survivor` lacks of what the primary acknowledged. */
  async lossOn(survivor: PgEndpoint): Promise<CanaryLoss> {
    const client = new Client({ ...survivor, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      const present = new Set((await client.query<{ id: number }>("select id from crdr_canary")).rows.map((r) => r.id));
      const lost = [...this.ackedAt.keys()].filter((id) => !present.has(id));
      const spanMs = lost.length
        ? Math.max(...lost.map((id) => this.ackedAt.get(id)!)) - Math.min(...lost.map((id) => this.sentAt.get(id)!))
        : 0;
      return { acknowledged: this.ackedAt.size, lost: lost.length, spanMs };
    } finally {
      await client.end();
    }
  }
}
