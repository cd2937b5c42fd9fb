/**
 * When to send a request again, and after how long. A request is retried only when sending it twice
 * cannot do twice what it asks: GET, PUT (a full replace with If-Match) and DELETE always; a POST only
 * with an Idempotency-Key, which makes the server replay the first answer. Retried on 429, 502, 503,
 * 504 and when no answer came (connection refused or reset, timeouts); never on other statuses.
 */
export interface RetryPolicy {
  /** Requests after the first; 3 means at most 4 in all. */
  retries: number;
  /** The first backoff; each further one doubles, with jitter. */
  minBackoffMs: number;
  /** No backoff is longer. */
  maxBackoffMs: number;
  /** A Retry-After longer than this is cut to it. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 3,
  minBackoffMs: 200,
  maxBackoffMs: 5_000,
  maxRetryAfterMs: 60_000,
};

export const RETRY_STATUSES: readonly number[] = [429, 502, 503, 504];

/** The system's codes for a request that got no answer (ETIMEDOUT also when no whole answer came in time). */
export const RETRY_ERROR_CODES: readonly string[] = [
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "EAI_AGAIN",
];

export function isRetryableRequest(method: string, idempotencyKey: string | undefined): boolean {
  if (method === "POST") return idempotencyKey !== undefined;
  return method === "GET" || method === "PUT" || method === "DELETE";
}

export function isRetryableError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && RETRY_ERROR_CODES.includes(code);
}

/**
 * The wait a Retry-After header asks for, in milliseconds: delay-seconds or an HTTP date
 * (RFC 9110 §10.2.3). Undefined when absent or unreadable; 0 for a date in the past.
 */
export function retryAfterMs(header: string | string[] | undefined, now: number): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * The wait before retry number `retry` (1 for the first): Retry-After when the server sent one
 * (capped), else exponential backoff with jitter — between half and all of min·2^(retry-1), capped.
 */
export function delayBeforeRetry(
  retry: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfter?: number,
): number {
  if (retryAfter !== undefined) return Math.min(retryAfter, policy.maxRetryAfterMs);
  const ceiling = Math.min(policy.maxBackoffMs, policy.minBackoffMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
