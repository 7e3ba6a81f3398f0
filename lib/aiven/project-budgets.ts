import type Bottleneck from "bottleneck/light";
import { RateLimit, requestBudget } from "./request-budget";

/**
 * What Aiven counts its rate limit over. Its 429 says "The user has sent too
 * many requests", which reads as one count per token (`token`, the default:
 * one budget for every request of the run). If each Aiven project has a
 * limit of its own (`project`), a run over several projects keeps one budget
 * per project and goes that many times faster. Neither is documented;
 * `CRDR_API_RATE_LIMIT_PER` chooses.
 */
export const RATE_LIMIT_SCOPES = ["token", "project"] as const;
export type RateLimitScope = (typeof RATE_LIMIT_SCOPES)[number];

/** The project a request path is about (`/v1/project/{p}/…`); requests about no project share one budget. */
export function projectOfPath(path: string): string {
  const segment = /^\/v1\/project\/([^/?]+)/.exec(path)?.[1];
  return segment === undefined ? "" : decodeURIComponent(segment);
}

/**
 * The run's request budgets: one for the token, or one per Aiven project,
 * each the whole `rate` (see `requestBudget`).
 */
export class RequestBudgets {
  private readonly budgets = new Map<string, Bottleneck>();

  constructor(
    readonly rate: RateLimit,
    readonly scope: RateLimitScope = "token",
  ) {}

  /** The budget a request to `path` draws from. */
  forPath(path: string): Bottleneck {
    const key = this.scope === "project" ? projectOfPath(path) : "";
    let budget = this.budgets.get(key);
    if (!budget) this.budgets.set(key, (budget = requestBudget(this.rate)));
    return budget;
  }
}
