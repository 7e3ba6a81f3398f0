import type { Agent } from "http";
import type { AxiosError, AxiosInstance, AxiosResponse } from "axios";
import type { HttpProxyAgent } from "http-proxy-agent";
import type { HttpsProxyAgent } from "https-proxy-agent";
import { getProxyForUrl } from "proxy-from-env";
import { UserError } from "../user-error";
import { TOKEN_VARIABLES } from "./token-variables";
import { AivenApiError, isNotSentCode } from "./aiven-api-error";
import { AivenService, AivenServiceIntegration } from "./aiven-types";
import { RATE_LIMIT_SCOPES, RateLimitScope, RequestBudgets } from "./project-budgets";
import {
  DEFAULT_RATE_LIMIT,
  LIST_PRIORITY,
  parseRateLimit,
  RateLimit,
  READ_PRIORITY,
  WRITE_PRIORITY,
} from "./request-budget";

export const DEFAULT_AIVEN_WEB_URL = "https://api.aiven.io";

/** Defaults of the client's tuning; docs/failover.md ("API settings") lists them with their variables. */
export const CLIENT_DEFAULTS = {
  timeoutMs: 15_000,
  retries: 4,
  backoffMs: 500,
  /** No single wait between retries is longer than this, whatever Retry-After says. */
  maxDelayMs: 60_000,
} as const;

export interface AivenClientOptions {
  readonly baseUrl: string;
  readonly token: string;
  /** Per-request timeout. @default 15000 */
  readonly timeoutMs?: number;
  /** Retries of a failed read (GET). Writes are never retried here. @default 4 */
  readonly retries?: number;
  /** First backoff step; doubles per retry, and a longer Retry-After wins. @default 500 */
  readonly backoffMs?: number;
  /** The longest single wait between retries. @default 60000 */
  readonly maxDelayMs?: number;
  /** The proxy to reach the API through. @default - from HTTPS_PROXY / HTTP_PROXY / NO_PROXY */
  readonly proxyUrl?: string;
  /** The request budget every request (retries included) draws from. @default 120 per minute */
  readonly rateLimit?: RateLimit;
  /** Whether `rateLimit` is the token's (one budget) or each Aiven project's (a budget per project). @default "token" */
  readonly rateLimitPer?: RateLimitScope;
  /** Told about each retry, for progress output. */
  readonly onRetry?: (attempt: number, error: AivenApiError) => void;
}

/**
 * How long a read waits before its next retry: the backoff step, or longer
 * when Aiven says when to come back (Retry-After), but never longer than
 * `maxDelayMs`, whatever Aiven asks.
 */
export function readRetryWaitMs(backoffMs: number, retryAfterSeconds: number | undefined, maxDelayMs: number): number {
  return Math.min(maxDelayMs, Math.max(backoffMs, 1000 * (retryAfterSeconds ?? 0)));
}

/**
 * A small client for the Aiven REST API endpoints CRDR needs.
 *
 * Reads are retried with exponential backoff on 5xx, 429 (honouring
 * Retry-After, or the "try again in Ns" of Aiven's message) and connection
 * faults, a bounded number of times. Writes are sent exactly once: whether a
 * lost answer means the change happened is for the caller to find out by
 * reading (see `role-request.ts`), never by sending again. Errors carry the
 * API's message and never the token.
 */
export class AivenClient {
  static fromEnv(env: NodeJS.ProcessEnv = process.env, options: Partial<AivenClientOptions> = {}): AivenClient {
    const name = TOKEN_VARIABLES.find((v) => env[v]);
    if (!name) {
      throw new UserError(
        `No Aiven token is set; export ${TOKEN_VARIABLES.join(" or ")} with a token that can manage the project.`,
      );
    }
    const tuning = (variable: string): number | undefined => {
      const raw = env[variable];
      if (raw === undefined || raw === "") return undefined;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < 0) {
        throw new UserError(
          `${variable}=${JSON.stringify(raw)} is not a whole number of ${variable.endsWith("RETRIES") ? "retries" : "milliseconds"}; unset it or give a number such as 500.`,
        );
      }
      return value;
    };
    const baseUrl = env.AIVEN_WEB_URL || DEFAULT_AIVEN_WEB_URL;
    if (/\/v1\/*$/.test(safeUrlPath(baseUrl))) {
      throw new UserError(
        `AIVEN_WEB_URL=${JSON.stringify(withoutCredentials(baseUrl))} ends in /v1, which every request path already starts with; give the API's base URL without it, such as ${DEFAULT_AIVEN_WEB_URL}.`,
      );
    }
    const rateLimit = env.CRDR_API_RATE_LIMIT ? parseRateLimit(env.CRDR_API_RATE_LIMIT) : undefined;
    if (env.CRDR_API_RATE_LIMIT && !rateLimit) {
      throw new UserError(
        `CRDR_API_RATE_LIMIT=${JSON.stringify(env.CRDR_API_RATE_LIMIT)} is not a rate; give requests per window such as 120/60s, or unset it for Aiven's 120 per minute.`,
      );
    }
    const per = env.CRDR_API_RATE_LIMIT_PER || undefined;
    if (per !== undefined && !(RATE_LIMIT_SCOPES as readonly string[]).includes(per)) {
      throw new UserError(
        `CRDR_API_RATE_LIMIT_PER=${JSON.stringify(per)} is neither token nor project; give project if each Aiven project has a limit of its own, or unset it for one limit per token.`,
      );
    }
    return new AivenClient({
      baseUrl: checkedUrl(
        baseUrl,
        "AIVEN_WEB_URL",
        `unset it to use ${DEFAULT_AIVEN_WEB_URL}, or give the API's base URL such as ${DEFAULT_AIVEN_WEB_URL}`,
      ),
      token: env[name]!,
      timeoutMs: tuning("CRDR_API_TIMEOUT_MS"),
      retries: tuning("CRDR_API_RETRIES"),
      backoffMs: tuning("CRDR_API_BACKOFF_MS"),
      rateLimit,
      rateLimitPer: per as RateLimitScope | undefined,
      ...options,
    });
  }

  /** The HTTP client, made for the first request (see `firstRequestMakes`); the token lives only in it. */
  private readonly http: () => Promise<AxiosInstance>;
  /** The API's base URL as messages show it: without any credentials AIVEN_WEB_URL carries. */
  readonly baseUrl: string;
  /** The proxy requests go through, if any (without credentials). */
  readonly proxy?: string;
  readonly rateLimit: RateLimit;
  readonly rateLimitPer: RateLimitScope;

  constructor(options: AivenClientOptions) {
    const requestUrl = options.baseUrl.replace(/\/+$/, "");
    this.baseUrl = withoutCredentials(requestUrl);
    const proxyUrl = options.proxyUrl ?? getProxyForUrl(requestUrl);
    const agent = proxyUrl ? proxyAgent(requestUrl, proxyUrl) : undefined;
    this.proxy = proxyUrl ? withoutCredentials(proxyUrl) : undefined;
    this.rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
    this.rateLimitPer = options.rateLimitPer ?? "token";
    const budgets = new RequestBudgets(this.rateLimit, this.rateLimitPer);
    this.http = firstRequestMakes(() => httpClient(requestUrl, agent, budgets, options));
  }

  /** Every service of a project in one request, as `GET /v1/project/{p}/service` lists them. */
  async listServices(project: string): Promise<AivenService[]> {
    const body = await this.call<{ services: AivenService[] }>(
      "get",
      `/v1/project/${enc(project)}/service`,
      undefined,
      "services",
    );
    return body.services;
  }

  async getService(project: string, service: string): Promise<AivenService> {
    const body = await this.call<{ service: AivenService }>("get", servicePath(project, service), undefined, "service");
    return body.service;
  }

  /**
   * PUT a partial update; for CRDR, `{ disaster_recovery_role }`. Sent once:
   * a timeout, a broken connection or a 5xx leaves it unknown whether Aiven
   * applied it.
   */
  async updateService(
    project: string,
    service: string,
    update: Record<string, unknown>,
  ): Promise<AivenService | undefined> {
    const body = await this.call<{ service?: AivenService }>("put", servicePath(project, service), update);
    return body.service;
  }

  async listServiceIntegrations(project: string, service: string): Promise<AivenServiceIntegration[]> {
    const body = await this.call<{ service_integrations: AivenServiceIntegration[] }>(
      "get",
      `${servicePath(project, service)}/integration`,
      undefined,
      "service_integrations",
    );
    return body.service_integrations;
  }

  /**
   * The one sentence for an API that cannot be used at all (nothing listens,
   * DNS fails, or what answers is not Aiven): it names AIVEN_WEB_URL.
   */
  unusableApi(err: AivenApiError): UserError {
    const via = this.proxy ? ` through the proxy ${this.proxy}` : "";
    return new UserError(
      `The Aiven API at AIVEN_WEB_URL=${this.baseUrl}${via} cannot be used (${err.message}); check AIVEN_WEB_URL (unset means ${DEFAULT_AIVEN_WEB_URL}), the network, and HTTPS_PROXY/NO_PROXY.`,
    );
  }

  /** One request, its body checked to be Aiven's JSON (with `field`, when given). Protected: test support adds the calls production never makes. */
  protected async call<T>(
    method: "get" | "put" | "post" | "delete",
    path: string,
    data?: unknown,
    field?: string,
  ): Promise<T> {
    const http = await this.http();
    let response: AxiosResponse<unknown>;
    try {
      response = await http.request<unknown>({ method, url: path, data });
    } catch (err) {
      throw toApiError(err);
    }
    const body = response.data;
    const isObject = typeof body === "object" && body !== null && !Array.isArray(body);
    if (!isObject || (field !== undefined && !(field in body))) {
      throw new AivenApiError(method.toUpperCase(), path, "unexpected", {
        status: response.status,
        contentType: String(response.headers["content-type"] ?? ""),
      });
    }
    return body as T;
  }
}

/** Where a request queues in the budget (see `LIST_PRIORITY`): a project's service list, then writes, then other reads. */
export function requestPriority(method: string | undefined, path: string | undefined): number {
  if ((method ?? "get").toLowerCase() !== "get") return WRITE_PRIORITY;
  return /^\/v1\/project\/[^/]+\/service$/.test(path ?? "") ? LIST_PRIORITY : READ_PRIORITY;
}

/**
 * The HTTP client, made once the first request is due rather than at
 * start-up: axios, its retries and the node HTTP stack it loads are about a
 * tenth of a second of a command's start-up. It is made once the event loop
 * has turned, so the Terraform checks a preflight starts beside its first
 * reads are already running, and loading fills time spent waiting for them.
 */
function firstRequestMakes(make: () => Promise<AxiosInstance>): () => Promise<AxiosInstance> {
  let made: Promise<AxiosInstance> | undefined;
  return () => (made ??= new Promise((turned) => setImmediate(turned)).then(make));
}

async function httpClient(
  requestUrl: string,
  agent: Agent | undefined,
  budgets: RequestBudgets,
  options: AivenClientOptions,
): Promise<AxiosInstance> {
  const { default: axios } = await import("axios");
  const { default: axiosRetry, exponentialDelay } = await import("axios-retry");
  const http = axios.create({
    baseURL: requestUrl,
    // Never followed: following a write sends it a second time, elsewhere. A
    // redirect means AIVEN_WEB_URL points at something other than the API.
    maxRedirects: 0,
    timeout: options.timeoutMs ?? CLIENT_DEFAULTS.timeoutMs,
    headers: { Authorization: `aivenv1 ${options.token}`, "Content-Type": "application/json" },
    // Proxies are chosen from the environment (see the constructor) and
    // tunnel HTTPS properly; axios's own proxy support does not.
    proxy: false,
    ...(agent ? { httpAgent: agent, httpsAgent: agent } : {}),
    // A body that is not JSON (a truncated answer, an HTML page) is an
    // error, not a string: reads retry it, writes classify it.
    responseType: "json",
    transitional: { silentJSONParsing: false, forcedJSONParsing: true, clarifyTimeoutError: false },
  });
  // Every request, retries included, waits for its turn in the run's budget (its project's, when each has one).
  http.interceptors.request.use((config) =>
    budgets
      .forPath(config.url ?? "")
      .schedule({ priority: requestPriority(config.method, config.url) }, () => Promise.resolve(config)),
  );
  const backoff = options.backoffMs ?? CLIENT_DEFAULTS.backoffMs;
  const maxDelay = options.maxDelayMs ?? CLIENT_DEFAULTS.maxDelayMs;
  axiosRetry(http, {
    retries: options.retries ?? CLIENT_DEFAULTS.retries,
    retryCondition: isRetryableRead,
    retryDelay: (count, error) =>
      readRetryWaitMs(exponentialDelay(count - 1, error, backoff), toApiError(error).retryAfterSeconds, maxDelay),
    shouldResetTimeout: true,
    onRetry: (count, error) => options.onRetry?.(count, toApiError(error)),
  });
  return http;
}

/** Reads only: a write is never resent by the HTTP layer. */
function isRetryableRead(error: AxiosError): boolean {
  const method = (error.config?.method ?? "").toLowerCase();
  if (method !== "get" && method !== "head") return false;
  const failure = toApiError(error);
  // A garbled 2xx (cut short, say) is retried too; a persistent one ends as
  // "not Aiven's JSON", naming AIVEN_WEB_URL.
  return failure.isUnavailable || (failure.kind === "unexpected" && (failure.status ?? 0) < 300);
}

function proxyAgent(target: string, proxyUrl: string): Agent {
  const proxy = checkedUrl(proxyUrl, "HTTPS_PROXY (or HTTP_PROXY)", "give it as http://host:port");
  // Loaded only when a proxy is set: otherwise they only add to every DR command's start-up.
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (target.startsWith("https:")) {
    const { HttpsProxyAgent: Https } = require("https-proxy-agent") as { HttpsProxyAgent: typeof HttpsProxyAgent };
    return new Https(proxy);
  }
  const { HttpProxyAgent: Http } = require("http-proxy-agent") as { HttpProxyAgent: typeof HttpProxyAgent };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return new Http(proxy);
}

function checkedUrl(value: string, variable: string, fix: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // An unparsable value may still hold a password: shown only without an "@".
    throw new UserError(`${variable}${value.includes("@") ? "" : `=${JSON.stringify(value)}`} is not a URL; ${fix}.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UserError(`${variable}=${JSON.stringify(withoutCredentials(value))} is not an http(s) URL; ${fix}.`);
  }
  return value;
}

/** A URL as messages may show it: any user name and password it carries are dropped. */
export function withoutCredentials(value: string): string {
  try {
    const url = new URL(value);
    url.username = "";
    url.password = "";
    return url.toString().replace(/\/$/, "");
  } catch {
    return "(invalid URL)";
  }
}

/** The credentials a URL carries, for the output's redaction. */
export function urlCredentials(value: string | undefined): string[] {
  try {
    const url = new URL(value ?? "");
    return [url.username, url.password].map((part) => decodeURIComponent(part)).filter(Boolean);
  } catch {
    return [];
  }
}

function safeUrlPath(value: string): string {
  try {
    return new URL(value).pathname;
  } catch {
    return "";
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

function servicePath(project: string, service: string): string {
  return `/v1/project/${enc(project)}/service/${enc(service)}`;
}

/** "Rate limit 120 exceeded – try again in 28s" → 28. */
function retryAfterFrom(header: unknown, message: string | undefined): number | undefined {
  const fromHeader = Number(header);
  if (Number.isFinite(fromHeader) && fromHeader > 0) return fromHeader;
  const fromMessage = message ? /try again in (\d+)\s*s/i.exec(message)?.[1] : undefined;
  return fromMessage ? Number(fromMessage) : undefined;
}

export function toApiError(err: unknown): AivenApiError {
  if (err instanceof AivenApiError) return err;
  const e = err as AxiosError<unknown>;
  const method = (e.config?.method ?? "?").toUpperCase();
  const path = e.config?.url ?? "?";
  if (e.response && e.response.status >= 300 && e.response.status < 400) {
    const location = String(e.response.headers?.location ?? "");
    return new AivenApiError(method, path, "redirected", {
      status: e.response.status,
      apiMessage: location ? withoutCredentials(location) : undefined,
    });
  }
  if (e.response && (typeof e.response.data !== "object" || e.response.data === null)) {
    // The body was not JSON. A gateway's 5xx page, or a 429, keeps its
    // status's meaning; anything else (a web server's 404 page, a portal's
    // 200) means AIVEN_WEB_URL points somewhere other than Aiven.
    const status = e.response.status;
    const contentType = String(e.response.headers?.["content-type"] ?? "");
    if (status >= 500 || status === 429)
      return new AivenApiError(method, path, "http", {
        status,
        retryAfterSeconds: status === 429 ? retryAfterFrom(e.response.headers?.["retry-after"], undefined) : undefined,
      });
    return new AivenApiError(method, path, "unexpected", { status, contentType });
  }
  if (e.response) {
    const data = e.response.data as { message?: unknown } | undefined;
    const message = data && typeof data.message === "string" ? data.message : undefined;
    const status = e.response.status;
    return new AivenApiError(method, path, "http", {
      status,
      apiMessage: message,
      retryAfterSeconds: status === 429 ? retryAfterFrom(e.response.headers?.["retry-after"], message) : undefined,
    });
  }
  if (e.code === "ECONNABORTED" || e.code === "ETIMEDOUT") return new AivenApiError(method, path, "timeout");
  // axios types `cause` as a plain Error; the one it carries is Node's, with a code.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  const code = e.code ?? (e.cause as NodeJS.ErrnoException | undefined)?.code;
  if (isNotSentCode(code) || e.code === "ERR_INVALID_URL")
    return new AivenApiError(method, path, "unreachable", { apiMessage: code });
  return new AivenApiError(method, path, "network", { apiMessage: code ?? e.message });
}
