import { AivenApiError } from "./aiven-api-error";
import { AivenClient } from "./aiven-client";
import { PairManifest } from "../contract/pair-manifest";
import { PeerSource } from "./peer-source";
import { Peers } from "./peer-status";
import { UserError } from "../user-error";

/** The API refused the token: no amount of waiting reads the pair again. */
export class TokenRefusedError extends UserError {}

/**
 * A refused token, or an API that is not Aiven, is one sentence for the whole
 * run; any other unreadable peer stays an unreachable peer.
 */
function refuseUnusableApi(peers: Peers, client: AivenClient, project: string): Peers {
  for (const peer of [peers.recovery, peers.primary]) {
    if (peer.reachable) continue;
    if (peer.error.isAuthFailure)
      throw new TokenRefusedError(
        `The Aiven API refused the token (${peer.error.message}); set AIVEN_TOKEN to a valid token for project "${project}".`,
      );
    if (peer.error.isApiUnreachable) throw client.unusableApi(peer.error);
  }
  return peers;
}

/**
 * Reads one pair's two peers, in the three ways a run needs: before acting
 * (strict), while deciding (tolerant), and after a request has gone out
 * (quiet). Status reads each pair of a fleet with the same reader.
 */
export class PairReader {
  constructor(
    private readonly source: PeerSource,
    private readonly client: AivenClient,
    private readonly pair: PairManifest,
  ) {}

  /**
   * Both peers. A refused token, an API that cannot be used, or a recovery
   * service Aiven does not know is one clear sentence; a primary Aiven does
   * not return counts as unreachable (after a failover its region, and so
   * the service, may be gone).
   */
  async read(): Promise<Peers> {
    const peers = await this.readTolerantly();
    const recovery = peers.recovery;
    if (!recovery.reachable && recovery.error.isNotFound) {
      throw new UserError(
        `Aiven has no service "${this.pair.recovery.serviceName}" in project "${this.pair.project}" (${recovery.error.message}); check the project setting and the pair's names in main.ts.`,
      );
    }
    return peers;
  }

  /** Both peers; only a refused token or an unusable API throw. Any other failure (404 included) is an unreachable peer. */
  async readTolerantly(): Promise<Peers> {
    return refuseUnusableApi(await this.source.read(this.pair), this.client, this.pair.project);
  }

  /**
   * Both peers, or unreadable ones when no usable answer comes (a portal's
   * page, a refused token, a vanished service): after a request has gone
   * out, a bad answer is no verdict, so resolving and waiting read this way.
   * A wait passes `tokenRefusalEnds`: a revoked token would otherwise be
   * waited on for the whole --timeout.
   */
  async readQuietly(options: { tokenRefusalEnds?: boolean } = {}): Promise<Peers> {
    try {
      return await this.readTolerantly();
    } catch (err) {
      if (!(err instanceof UserError) || (options.tokenRefusalEnds && err instanceof TokenRefusedError)) throw err;
      const error = new AivenApiError("GET", "(both peers)", "network", { apiMessage: err.message });
      return { primary: { reachable: false, error }, recovery: { reachable: false, error } };
    }
  }
}
