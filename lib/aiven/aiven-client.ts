import axios, { AxiosError, AxiosInstance } from "axios";
import axiosRetry, { exponentialDelay } from "axios-retry";
import { UserError } from "../user-error";
import { AivenApiError } from "./aiven-api-error";
import { AivenService, AivenServiceIntegration } from "./aiven-types";

export const DEFAULT_AIVEN_WEB_URL = "https://api.aiven.io";
/** Environment variables holding the token, in order of preference (the provider's first, then avn's). */
export const TOKEN_VARIABLES = ["AIVEN_TOKEN", "AIVEN_AUTH_TOKEN"] as const;

export interface AivenClientOptions {
  readonly baseUrl: string;
  readonly token: string;
  /** Per-request timeout. @default 15000 */
  readonly timeoutMs?: number;
  /** Retries of a failed idempotent request. @default 4 */
  readonly retries?: number;
  /** First backoff step; doubles per retry, and a longer Retry-After wins. @default 500 */
  readonly backoffMs?: number;
  /** Told about each retry, for progress output. */
  readonly onRetry?: (attempt: number, error: AivenApiError) => void;
}

const IDEMPOTENT = new Set(["get", "put", "delete", "head"]);

/**
 * Reads are retried on any fault. Writes are retried only when Aiven answered
 * that it did not take them (429, 5xx); after a timeout or a dropped
 * connection a write may have gone through, and the caller must look before
 * sending it again.
 */
function isRetryable(error: AxiosError): boolean {
  const method = (error.config?.method ?? "").toLowerCase();
  if (!error.response) return method === "get" || method === "head";
  if (!IDEMPOTENT.has(method)) return false;
  const status = error.response.status;
  return status === 429 || status >= 500;
}

/**
 * A small client for the Aiven REST API endpoints CRDR needs. Every request
 * has a timeout; idempotent requests are retried with exponential backoff on
 * 5xx, 429 (honouring Retry-After) and connection faults. Errors carry the
 * API's message and never the token.
 */
export class AivenClient {
  static fromEnv(env: NodeJS.ProcessEnv = process.env, options: Partial<AivenClientOptions> = {}): AivenClient {
    const name = TOKEN_VARIABLES.find((v) => env[v]);
    if (!name) {
      throw new UserError(`No Aiven token is set; export ${TOKEN_VARIABLES.join(" or ")} with a token that can manage the project.`);
    }
    const tuning = (variable: string): number | undefined => {
      const raw = env[variable];
      if (raw === undefined || raw === "") return undefined;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < 0) {
        throw new UserError(`${variable}=${JSON.stringify(raw)} is not a whole number of ${variable.endsWith("RETRIES") ? "retries" : "milliseconds"}; unset it or give a number such as 500.`);
      }
      return value;
    };
    return new AivenClient({
      baseUrl: env.AIVEN_WEB_URL || DEFAULT_AIVEN_WEB_URL,
      token: env[name]!,
      timeoutMs: tuning("CRDR_API_TIMEOUT_MS"),
      retries: tuning("CRDR_API_RETRIES"),
      backoffMs: tuning("CRDR_API_BACKOFF_MS"),
      ...options,
    });
  }

  private readonly http: AxiosInstance;
  readonly baseUrl: string;

  constructor(options: AivenClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.http = axios.create({
      baseURL: this.baseUrl,
      timeout: options.timeoutMs ?? 15000,
      headers: { Authorization: `aivenv1 ${options.token}`, "Content-Type": "application/json" },
      // Our own proxy handling would be surprising in an outage; honour none.
      proxy: false,
    });
    const backoff = options.backoffMs ?? 500;
    axiosRetry(this.http, {
      retries: options.retries ?? 4,
      retryCondition: isRetryable,
      retryDelay: (count, error) => exponentialDelay(count - 1, error, backoff),
      shouldResetTimeout: true,
      onRetry: (count, error) => options.onRetry?.(count, toApiError(error)),
    });
  }

  async getService(project: string, service: string): Promise<AivenService> {
    const body = await this.call<{ service: AivenService }>("get", servicePath(project, service));
    return body.service;
  }

  /** PUT a partial update; for CRDR, `{ disaster_recovery_role }`. */
  async updateService(project: string, service: string, update: Record<string, unknown>): Promise<AivenService> {
    const body = await this.call<{ service: AivenService }>("put", servicePath(project, service), update);
    return body.service;
  }

  async listServiceIntegrations(project: string, service: string): Promise<AivenServiceIntegration[]> {
    const body = await this.call<{ service_integrations: AivenServiceIntegration[] }>(
      "get",
      `${servicePath(project, service)}/integration`,
    );
    return body.service_integrations;
  }

  async getIntegration(project: string, id: string): Promise<AivenServiceIntegration> {
    const body = await this.call<{ service_integration: AivenServiceIntegration }>(
      "get",
      `/v1/project/${enc(project)}/integration/${enc(id)}`,
    );
    return body.service_integration;
  }

  async createIntegration(
    project: string,
    spec: { integration_type: string; source_service: string; dest_service: string },
  ): Promise<AivenServiceIntegration> {
    const body = await this.call<{ service_integration: AivenServiceIntegration }>(
      "post",
      `/v1/project/${enc(project)}/integration`,
      spec,
    );
    return body.service_integration;
  }

  async deleteIntegration(project: string, id: string): Promise<void> {
    await this.call("delete", `/v1/project/${enc(project)}/integration/${enc(id)}`);
  }

  private async call<T>(method: "get" | "put" | "post" | "delete", path: string, data?: unknown): Promise<T> {
    try {
      const response = await this.http.request<T>({ method, url: path, data });
      return response.data;
    } catch (err) {
      throw toApiError(err);
    }
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

function servicePath(project: string, service: string): string {
  return `/v1/project/${enc(project)}/service/${enc(service)}`;
}

function toApiError(err: unknown): AivenApiError {
  if (err instanceof AivenApiError) return err;
  const e = err as AxiosError<{ message?: unknown }>;
  const method = (e.config?.method ?? "?").toUpperCase();
  const path = e.config?.url ?? "?";
  if (e.response) {
    const message = typeof e.response.data?.message === "string" ? e.response.data.message : undefined;
    return new AivenApiError(method, path, "http", e.response.status, message);
  }
  if (e.code === "ECONNABORTED" || e.code === "ETIMEDOUT") return new AivenApiError(method, path, "timeout");
  return new AivenApiError(method, path, "network", undefined, e.code ?? e.message);
}
