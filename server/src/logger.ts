import type { FastifyBaseLogger, FastifyServerOptions } from "fastify";
import type { Bindings, ChildLoggerOptions, Level, LevelWithSilentOrString, Logger } from "pino";

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

type Method = (...args: unknown[]) => void;

/**
 * A request's logger, made only when the request logs a line at an enabled level. A pino child
 * serializes its bindings (the request id) when it is made, and with the top-level wildcard paths
 * above it runs redaction on them too: about as long as the rest of a small request's own work,
 * for a line that at the default level is seldom written. What is written is the same line the
 * child would have written: the child is made from the same logger, bindings and options.
 */
class RequestLogger {
  private made: Logger | undefined;
  // The log methods, on the prototype (below): each writes at its level.
  declare fatal: Method;
  declare error: Method;
  declare warn: Method;
  declare info: Method;
  declare debug: Method;
  declare trace: Method;

  constructor(
    private readonly parent: Logger,
    private readonly bindingsOfChild: Bindings,
  ) {}

  private real(): Logger {
    this.made ??= this.parent.child(this.bindingsOfChild);
    return this.made;
  }

  write(level: Level, args: unknown[]): void {
    if (!(this.made ?? this.parent).isLevelEnabled(level)) return;
    const real = this.real();
    (real[level] as Method).apply(real, args);
  }

  get level(): LevelWithSilentOrString {
    return (this.made ?? this.parent).level;
  }
  set level(level: LevelWithSilentOrString) {
    this.real().level = level;
  }
  isLevelEnabled(level: LevelWithSilentOrString): boolean {
    return (this.made ?? this.parent).isLevelEnabled(level);
  }
  bindings(): Bindings {
    return this.made ? this.made.bindings() : { ...this.parent.bindings(), ...this.bindingsOfChild };
  }
  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.real().child(bindings, options);
  }
  silent(): void {}
}

for (const level of ["fatal", "error", "warn", "info", "debug", "trace"] as const) {
  RequestLogger.prototype[level] = function (this: RequestLogger, ...args: unknown[]) {
    this.write(level, args);
  };
}

/**
 * Fastify's childLoggerFactory: each request's logger is a RequestLogger; with options of a
 * route's own (a log level, serializers) a pino child at once, as Fastify's default does.
 */
export function requestLoggerFactory(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  if (Object.keys(options).length > 0) return logger.child(bindings, options);
  // Fastify made its logger from loggerOptions above: a pino logger.
  return new RequestLogger(logger as unknown as Logger, bindings) as unknown as FastifyBaseLogger;
}
