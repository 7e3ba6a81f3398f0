/**
 * Why an Aiven API call failed, without any request headers (and so without the token).
 *
 * - `http`: Aiven (or a gateway in front of it) answered with an error status.
 * - `timeout`: no answer within the request timeout; the request may have been applied.
 * - `network`: the connection broke after the request may have been sent (reset, hang-up).
 * - `unreachable`: no connection could be made (refused, DNS, TLS, bad URL); nothing was sent.
 * - `unexpected`: an answer that is not Aiven's JSON (a captive portal, a wrong AIVEN_WEB_URL).
 * - `redirected`: a redirect, never followed (following a write would send it again elsewhere); the API does not redirect, so AIVEN_WEB_URL is wrong.
 */
export type AivenFailureKind = "http" | "timeout" | "network" | "unreachable" | "unexpected" | "redirected";

/** Connection errors that happen before a request leaves this machine. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ERR_INVALID_URL",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
]);

export function isNotSentCode(code: string | undefined): boolean {
  return !!code && NOT_SENT_CODES.has(code);
}

export interface AivenApiErrorDetails {
  /** The HTTP status, for `http` and `unexpected` failures. */
  readonly status?: number;
  /** The API's own `message`, when it sent one; for network failures, the error code. */
  readonly apiMessage?: string;
  /** For `unexpected` answers: what came back instead of JSON. */
  readonly contentType?: string;
  /** Seconds the API asked us to wait (429 Retry-After, or "try again in Ns"). */
  readonly retryAfterSeconds?: number;
}

export class AivenApiError extends Error {
  readonly status?: number;
  readonly apiMessage?: string;
  readonly contentType?: string;
  readonly retryAfterSeconds?: number;

  constructor(
    readonly method: string,
    readonly path: string,
    readonly kind: AivenFailureKind,
    details: AivenApiErrorDetails = {},
  ) {
    super(`${method} ${path} ${describe(kind, details)}`);
    this.name = "AivenApiError";
    this.status = details.status;
    this.apiMessage = details.apiMessage;
    this.contentType = details.contentType;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }

  /** Failures an outage produces: the peer may answer later. */
  get isUnavailable(): boolean {
    return (
      this.kind === "timeout" ||
      this.kind === "network" ||
      (this.kind === "http" && this.status !== undefined && (this.status >= 500 || this.status === 429))
    );
  }

  /** The API itself cannot be reached or is not Aiven: no service can be read at all. */
  get isApiUnreachable(): boolean {
    return this.kind === "unreachable" || this.kind === "unexpected" || this.kind === "redirected";
  }

  get isNotFound(): boolean {
    return this.kind === "http" && this.status === 404;
  }

  get isAuthFailure(): boolean {
    return this.kind === "http" && (this.status === 401 || this.status === 403);
  }
}

function describe(kind: AivenFailureKind, d: AivenApiErrorDetails): string {
  switch (kind) {
    case "http":
      return `failed with HTTP ${d.status}${d.apiMessage ? `: ${d.apiMessage}` : ""}`;
    case "timeout":
      return "timed out";
    case "network":
      return `failed: ${d.apiMessage ?? "connection error"}`;
    case "unreachable":
      return `could not connect: ${d.apiMessage ?? "connection error"}`;
    case "unexpected":
      return `answered HTTP ${d.status} with ${d.contentType || "no content type"}, not Aiven's JSON`;
    case "redirected":
      return `was redirected (HTTP ${d.status}${d.apiMessage ? ` to ${d.apiMessage}` : ""}), which is not followed: the Aiven API does not redirect, so check AIVEN_WEB_URL`;
  }
}
