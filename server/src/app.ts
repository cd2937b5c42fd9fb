import Fastify, { type FastifyInstance } from "fastify";
import { DEFAULT_KEY_RETENTION_DAYS } from "./contract";
import { type Clock, systemClock } from "./domain/clock";
import { KeyEncryptionKey, SigningKeys } from "./domain/oauth/keys";
import { RegistryCache } from "./domain/oauth/registry-cache";
import type { PasswordCheck } from "./domain/passwords";
import { Registry } from "./domain/registry";
import { bearerAuth } from "./http/auth";
import { clientErrorHandler } from "./http/client-errors";
import { DEFAULT_HTTP_LIMITS, type HttpTimeouts, timeoutOptions } from "./http/limits";
import { oauthProblemShape, oauthRawShape } from "./http/oauth/framework-errors";
import { frameworkErrorHandler, installErrorHandling } from "./http/problem";
import { type LogLevel, loggerOptions, requestLoggerFactory } from "./logger";
import { buildOpenApiDocument } from "./openapi/document";
import { healthRoutes } from "./routes/health";
import { auditRoutes } from "./routes/management/audit";
import { keyRoutes } from "./routes/management/keys";
import { resourceRoutes } from "./routes/management/resources";
import { whoamiRoutes } from "./routes/management/whoami";
import { type OAuthContext, oauthRoutes } from "./routes/oauth";
import { jwksRoutes } from "./routes/oauth/jwks";
import type { Database } from "./storage/database";
import { VERSION } from "./version";

export interface AppOptions {
  db: Database;
  clock?: Clock;
  logLevel?: LogLevel;
  logStream?: NodeJS.WritableStream;
  /** Largest accepted request body, in bytes. */
  bodyLimit?: number;
  /** The issuer URL (iss of tokens, metadata); a function when known only after listen. */
  issuer?: string | (() => string);
  /**
   * Token-signing keys; by default a store over `db` with the default retention, sealing under a
   * key-encryption key that lives only in this process (tests; server.ts passes the operator's).
   */
  keys?: SigningKeys;
  /** Header, request and keep-alive deadlines of the HTTP server (DEFAULT_HTTP_LIMITS). */
  timeouts?: HttpTimeouts;
  /** The login page's password check; tests wrap the default (scrypt) to count or pace evaluations. */
  verifyPassword?: PasswordCheck;
}

export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** The HTTP application: routes and plugins, no ports or signals (see server.ts). Tests inject(). */
export function buildApp(options: AppOptions): FastifyInstance {
  const clock = options.clock ?? systemClock;
  const app = Fastify({
    logger: loggerOptions(options.logLevel ?? "info", options.logStream),
    childLoggerFactory: requestLoggerFactory,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    return503OnClosing: true,
    forceCloseConnections: "idle",
    ...timeoutOptions(options.timeouts ?? DEFAULT_HTTP_LIMITS),
    // Errors before any route (bad URL, over-long path parameter, a request Node cannot parse) get
    // this API's answers too: problem+json, or the OAuth endpoints' own shapes.
    frameworkErrors: frameworkErrorHandler(oauthProblemShape),
    clientErrorHandler: clientErrorHandler(oauthRawShape),
  });
  let closing = false;
  app.addHook("onClose", async () => {
    closing = true;
  });
  // JSON only: Fastify's default text/plain parser would let a non-JSON body reach the handlers.
  app.removeContentTypeParser("text/plain");
  installErrorHandling(app, oauthProblemShape);
  healthRoutes(app, options.db, () => closing);

  const registry = new Registry(options.db, clock);
  const keys =
    options.keys ??
    new SigningKeys(options.db, clock, {
      retentionDays: DEFAULT_KEY_RETENTION_DAYS,
      kek: KeyEncryptionKey.ephemeral(),
    });
  const issuer =
    typeof options.issuer === "function"
      ? options.issuer
      : () => (options.issuer as string | undefined) ?? "http://localhost";
  const oauth: OAuthContext = {
    db: options.db,
    clock,
    registry,
    registryCache: new RegistryCache(options.db),
    keys,
    issuer,
    verifyPassword: options.verifyPassword,
  };
  oauthRoutes(app, oauth);
  jwksRoutes(app, keys);
  const openapi = buildOpenApiDocument(VERSION);
  app.register(
    async (api) => {
      api.get("/openapi.json", async () => openapi);
      api.register(async (secured) => {
        secured.addHook("onRequest", bearerAuth(options.db));
        resourceRoutes(secured, registry);
        auditRoutes(secured, options.db);
        keyRoutes(secured, keys);
        whoamiRoutes(secured);
      });
    },
    { prefix: "/api/v1" },
  );
  return app;
}
