import { Client } from "pg";

/** A real PostgreSQL node that backs a simulated service: where it listens and how to log in. */
export interface SimDatabaseEndpoint {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly dbname: string;
  /** What the service record says; local test clusters speak plain TCP, so "disable". */
  readonly sslmode: string;
}

/** A backed service: its node, and how to stop it (a failed primary is powered off). */
export interface SimDatabase {
  readonly endpoint: SimDatabaseEndpoint;
  readonly stop: () => Promise<void>;
}

/**
 * Real clusters behind a pair's simulated services (a primary and its
 * streaming standby). A failover's role change does to them what Aiven does:
 * the recovery's standby is promoted (`pg_promote()`) and the failed
 * primary's node stops.
 */
export class SimPostgres {
  private readonly databases = new Map<string, SimDatabase & { attached: boolean }>();

  attach(project: string, service: string, database: SimDatabase): void {
    this.databases.set(`${project}/${service}`, { ...database, attached: true });
  }

  /**
   * Back to simulated nodes (the clusters stay as they are): records name a
   * made-up standby host again and failovers leave the clusters alone, while
   * the login, database and sslmode stay, so the Service URI does not change.
   */
  detachAll(): void {
    for (const database of this.databases.values()) database.attached = false;
  }

  /** The login, database and sslmode a backed service's URI carries (also once detached). */
  endpointOf(project: string, service: string): SimDatabaseEndpoint | undefined {
    return this.databases.get(`${project}/${service}`)?.endpoint;
  }

  /** The real node behind a service, while attached. */
  nodeOf(project: string, service: string): SimDatabaseEndpoint | undefined {
    const database = this.databases.get(`${project}/${service}`);
    return database?.attached ? database.endpoint : undefined;
  }

  /** Promotes the recovery's node and stops the primary's, when both are backed. */
  async failOver(project: string, primary: string, recovery: string): Promise<void> {
    const standby = this.databases.get(`${project}/${recovery}`);
    const failed = this.databases.get(`${project}/${primary}`);
    if (!standby?.attached || !failed?.attached) return;
    const { host, port, user, password, dbname } = standby.endpoint;
    const client = new Client({ host, port, user, password, database: dbname, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      await client.query("select pg_promote(true, 60)");
    } finally {
      await client.end();
    }
    await failed.stop();
  }
}
