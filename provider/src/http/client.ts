import type { Agent } from "node:http";
import { setTimeout as wait } from "node:timers/promises";
import { errorFromResponse, isManagementError, networkError, secretsIn } from "./errors";
import { type Answer, connectionPool, exchange, type Send } from "./exchange";
import {
  DEFAULT_RETRY_POLICY,
  delayBeforeRetry,
  isRetryableError,
  isRetryableRequest,
  RETRY_STATUSES,
  type RetryPolicy,
  retryAfterMs,
} from "./retry";

export interface ManagementConfig {
  /** The server's base URL, e.g. https://auth.example.com (no trailing slash needed). */
  endpoint: string;
  adminToken: string;
}

export interface ClientOptions extends Partial<RetryPolicy> {
  /** The most a request may take until its whole answer has come, in milliseconds (default 30 s). */
  timeoutMs?: number;
  /** Waits between attempts (tests pass one that records instead of waiting). */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** The time, for Retry-After dates. */
  now?: () => number;
}

export interface ManagementResponse<T = unknown> {
  status: number;
  /** The record's ETag ("3"), when the server sent one. */
  etag: string | undefined;
  body: T;
  /** True when the server replayed the first answer to this Idempotency-Key. */
  replayed: boolean;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The management API over Node's HTTP client: bearer token, JSON, timeouts, retries of requests that are safe
 * to send again (see retry.ts), problem+json answers turned into ManagementError. Every non-2xx
 * answer throws; callers match on `err.code` (NOT_FOUND, NAME_TAKEN, ...).
 */
export class ManagementClient {
  readonly endpoint: string;
  private readonly token: string;
  private readonly agent: Agent;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(config: ManagementConfig, options: ClientOptions = {}) {
    this.endpoint = config.endpoint.replace(/\/+$/, "");
    this.token = config.adminToken;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const d = DEFAULT_RETRY_POLICY;
    this.policy = {
      retries: options.retries ?? d.retries,
      minBackoffMs: options.minBackoffMs ?? d.minBackoffMs,
      maxBackoffMs: options.maxBackoffMs ?? d.maxBackoffMs,
      maxRetryAfterMs: options.maxRetryAfterMs ?? d.maxRetryAfterMs,
    };
    // Keep-alive connections, as many as the engine runs operations at once by default (8).
    this.agent = connectionPool(this.endpoint, 8);
    this.sleep = options.sleep ?? ((ms) => wait(ms).then(() => undefined));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  get<T = unknown>(path: string) {
    return this.send<T>({ method: "GET", path });
  }

  post<T = unknown>(path: string, body: unknown, options: { idempotencyKey?: string } = {}) {
    return this.send<T>({ method: "POST", path, body, idempotencyKey: options.idempotencyKey });
  }

  put<T = unknown>(path: string, body: unknown, options: { ifMatch: string }) {
    return this.send<T>({ method: "PUT", path, body, ifMatch: options.ifMatch });
  }

  delete(path: string, options: { ifMatch?: string } = {}) {
    return this.send<undefined>({ method: "DELETE", path, ifMatch: options.ifMatch });
  }

  /** Closes the connections this client opened. */
  async close(): Promise<void> {
    this.agent.destroy();
  }

  private async send<T>(req: Send): Promise<ManagementResponse<T>> {
    const sensitive = [this.token, ...secretsIn(req.body)];
    const retryable = isRetryableRequest(req.method, req.idempotencyKey);
    const attempts = retryable ? this.policy.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      let answer: Answer;
      try {
        answer = await exchange(this.agent, this.endpoint, this.token, this.timeoutMs, req);
      } catch (error) {
        if (attempt < attempts && isRetryableError(error)) {
          await this.sleep(delayBeforeRetry(attempt, this.policy, this.random));
          continue;
        }
        if (isManagementError(error)) throw error;
        throw networkError(new URL(this.endpoint).origin, error, sensitive, attempt);
      }
      const { status, headers, body } = answer;
      if (status >= 200 && status < 300) {
        const etag = headers.etag;
        const replayed = headers["idempotent-replayed"] === "true";
        return { status, etag: Array.isArray(etag) ? etag[0] : etag, body: body as T, replayed };
      }
      if (attempt < attempts && RETRY_STATUSES.includes(status)) {
        const after = retryAfterMs(headers["retry-after"], this.now());
        await this.sleep(delayBeforeRetry(attempt, this.policy, this.random, after));
        continue;
      }
      throw errorFromResponse(status, body, sensitive, attempt);
    }
  }
}
