import { DEFAULT_HTTP_LIMITS, type HttpLimits } from "../http/limits";
import { stringFlags, UsageError } from "./common";

/** The `serve` flags for timeouts (in seconds, fractions allowed), keep-alive limits and caps. */
export const LIMIT_FLAGS = stringFlags(
  "headers-timeout",
  "request-timeout",
  "keep-alive-timeout",
  "idle-timeout",
  "max-requests-per-socket",
  "max-connections",
  "max-connections-per-address",
);

type LimitValues = Partial<Record<keyof typeof LIMIT_FLAGS, string>>;

const seconds = (ms: number) => ms / 1000;

export const LIMIT_USAGE =
  `[--headers-timeout ${seconds(DEFAULT_HTTP_LIMITS.headersTimeoutMs)}] ` +
  `[--request-timeout ${seconds(DEFAULT_HTTP_LIMITS.requestTimeoutMs)}] ` +
  `[--keep-alive-timeout ${seconds(DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs)}] ` +
  `[--idle-timeout ${seconds(DEFAULT_HTTP_LIMITS.idleTimeoutMs)}]\n` +
  `                      [--max-requests-per-socket ${DEFAULT_HTTP_LIMITS.maxRequestsPerSocket}] ` +
  `[--max-connections ${DEFAULT_HTTP_LIMITS.maxConnections}] ` +
  `[--max-connections-per-address ${DEFAULT_HTTP_LIMITS.maxConnectionsPerAddress}]`;

/** Seconds → milliseconds: positive, at most a day. */
function milliseconds(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n <= 0 || n > 86_400) {
    throw new UsageError(`--${flag} must be a number of seconds above 0 and at most 86400, e.g. 10 or 0.5`);
  }
  return Math.max(1, Math.round(n * 1000));
}

/** A count: 0 or a positive integer (0 means no limit where `zero` says so). */
function count(value: string | undefined, flag: string, fallback: number, zero: boolean): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || (n === 0 && !zero)) {
    throw new UsageError(`--${flag} must be ${zero ? "0 (no limit) or " : ""}a positive whole number`);
  }
  return n;
}

export function parseLimits(values: LimitValues): HttpLimits {
  const d = DEFAULT_HTTP_LIMITS;
  const limits: HttpLimits = {
    headersTimeoutMs: milliseconds(values["headers-timeout"], "headers-timeout", d.headersTimeoutMs),
    requestTimeoutMs: milliseconds(values["request-timeout"], "request-timeout", d.requestTimeoutMs),
    keepAliveTimeoutMs: milliseconds(
      values["keep-alive-timeout"],
      "keep-alive-timeout",
      d.keepAliveTimeoutMs,
    ),
    idleTimeoutMs: milliseconds(values["idle-timeout"], "idle-timeout", d.idleTimeoutMs),
    maxRequestsPerSocket: count(
      values["max-requests-per-socket"],
      "max-requests-per-socket",
      d.maxRequestsPerSocket,
      true,
    ),
    maxConnections: count(values["max-connections"], "max-connections", d.maxConnections, false),
    maxConnectionsPerAddress: count(
      values["max-connections-per-address"],
      "max-connections-per-address",
      d.maxConnectionsPerAddress,
      true,
    ),
  };
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new UsageError(
      `--headers-timeout (${seconds(limits.headersTimeoutMs)} s) must not exceed --request-timeout ` +
        `(${seconds(limits.requestTimeoutMs)} s): the headers are part of the request`,
    );
  }
  return limits;
}
