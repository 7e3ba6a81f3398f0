/** Why an Aiven API call failed, without any request headers (and so without the token). */
export type AivenFailureKind = "http" | "timeout" | "network";

export class AivenApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly kind: AivenFailureKind,
    /** The HTTP status, for `http` failures. */
    readonly status?: number,
    /** The API's own `message`, when it sent one. */
    readonly apiMessage?: string,
  ) {
    super(
      `${method} ${path} ` +
        (kind === "http"
          ? `failed with HTTP ${status}${apiMessage ? `: ${apiMessage}` : ""}`
          : kind === "timeout"
            ? "timed out"
            : `failed: ${apiMessage ?? "connection error"}`),
    );
    this.name = "AivenApiError";
  }

  /** Failures an outage produces: the peer may answer later. */
  get isUnavailable(): boolean {
    return this.kind !== "http" || (this.status !== undefined && (this.status >= 500 || this.status === 429));
  }

  get isNotFound(): boolean {
    return this.kind === "http" && this.status === 404;
  }

  get isAuthFailure(): boolean {
    return this.kind === "http" && (this.status === 401 || this.status === 403);
  }
}
