import { AivenApiError } from "./aiven-api-error";

/**
 * What a failed write tells us about whether Aiven applied it.
 *
 * - `refused`: Aiven answered that it did not take it (a 4xx), or the request
 *   never left this machine (connection refused, DNS, TLS). Nothing changed.
 * - `ambiguous`: a timeout, a connection broken after sending, a 5xx (a
 *   gateway may answer 502/503/504 for work the service did), or an answer
 *   that is not Aiven's. The change may or may not have happened; only
 *   reading the service can tell.
 *
 * A redirect is `refused` too: it is not followed, and what answered it is
 * not the API, so it applied nothing.
 */
export type WriteFailure = "refused" | "ambiguous";

export function classifyWriteFailure(err: AivenApiError): WriteFailure {
  switch (err.kind) {
    case "unreachable":
    case "redirected":
      return "refused";
    case "http":
    case "unexpected":
      return err.status !== undefined && err.status >= 400 && err.status < 500 ? "refused" : "ambiguous";
    case "timeout":
    case "network":
      return "ambiguous";
  }
}
