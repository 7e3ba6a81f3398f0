import * as net from "net";
import { readReplication } from "../../lib/rpo/replication-reading";

describe("reading a standby's replication", () => {
  const address = (port: number) => ({
    host: "127.0.0.1",
    port,
    user: "avnadmin",
    password: "never-shown-9f3a",
    database: "defaultdb",
    sslmode: "require",
    from: "test",
  });

  it("gives up within its time box on a standby that accepts the connection and never answers, without the password in the reason", async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => void sockets.add(socket));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      const { port } = silent.address() as net.AddressInfo;
      const reading = await readReplication(address(port), 300);
      expect(reading).toEqual({
        measured: false,
        reached: false,
        reason: expect.stringMatching(new RegExp(`^127\\.0\\.0\\.1:${port} could not be read \\(.+\\)$`)),
      });
      expect(JSON.stringify(reading)).not.toContain("never-shown-9f3a");
      expect(sockets.size).toBe(1);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it("reports a refused connection as a reason, not an error", async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((r) => server.close(r));
    expect(await readReplication(address(port), 2000)).toEqual({
      measured: false,
      reached: false,
      reason: expect.stringContaining("ECONNREFUSED"),
    });
  });
});
