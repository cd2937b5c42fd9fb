import type { FastifyServerOptions } from "fastify";

/** Query parameters that may carry a credential; their values never reach a log line. */
const SENSITIVE_QUERY =
  /([?&](?:code|token|access_token|refresh_token|client_secret|password|id_token_hint)=)[^&]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SENSITIVE_QUERY, "$1[redacted]");
}

/** Paths pino blanks out wherever they appear in a log object. */
export const REDACT_PATHS = [
  "req.headers.authorization",
  'req.headers["idempotency-key"]',
  "req.headers.cookie",
  'res.headers["set-cookie"]',
];

/** Keys whose values are credentials, redacted at the top level and up to two levels deep. */
const SECRET_KEYS = [
  "authorization",
  "clientSecret",
  "client_secret",
  "password",
  "token",
  "accessToken",
  "refreshToken",
  "access_token",
  "refresh_token",
  "adminToken",
  "code_verifier",
];
REDACT_PATHS.push(...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]));

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/** Structured JSON logs (pino) with secrets redacted and credential-bearing query values masked. */
export function loggerOptions(
  level: LogLevel,
  stream?: NodeJS.WritableStream,
): FastifyServerOptions["logger"] {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    serializers: {
      req(request) {
        return {
          method: request.method,
          url: typeof request.url === "string" ? redactUrl(request.url) : undefined,
          remoteAddress: request.ip,
        };
      },
    },
    ...(stream ? { stream } : {}),
  } as FastifyServerOptions["logger"];
}
