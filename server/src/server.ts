import { resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app";
import {
  bootstrapAdminToken,
  checkAdminTokenFile,
  DEFAULT_ADMIN_TOKEN_FILE,
  prepareDatabase,
} from "./bootstrap";
import { DEFAULT_KEY_RETENTION_DAYS } from "./contract";
import { systemClock } from "./domain/clock";
import { seedDemoUser } from "./domain/kinds/demo-user";
import { SigningKeys, scheduleKeyRotation } from "./domain/oauth/keys";
import { DEFAULT_PRUNE_INTERVAL_SECONDS, schedulePrune } from "./domain/prune/schedule";
import { Registry } from "./domain/registry";
import { capConnections } from "./http/connection-caps";
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from "./http/limits";
import { closeAtRequestCap } from "./http/request-cap";
import { type KeyCustody, openKeyCustody } from "./key-encryption-key";
import type { LogLevel } from "./logger";
import { connectionBudget, openFilesLimit } from "./open-files";
import { DEFAULT_SQLITE_PATH, describeLocation, openDatabase } from "./storage/open";

export interface ServeOptions {
  port: number;
  host: string;
  database: string;
  adminTokenFile: string;
  /** The key-encryption key file; else from the environment, else beside the admin-token file. */
  keyEncryptionKeyFile?: string;
  logLevel: LogLevel;
  /** The issuer URL tokens and metadata name; defaults to the URL the server listens on. */
  issuer?: string;
  /** Rotate the signing key every N days (no scheduled rotation when unset). */
  keyRotationDays?: number;
  /** How long a rotated-out key stays published in the JWKS. */
  keyRetentionDays: number;
  /** Prune expired OAuth state every N seconds; 0 turns the schedule off. */
  pruneIntervalSeconds: number;
  /** Development mode: seeds the demo user. Never in production. */
  dev: boolean;
  /** Timeouts, keep-alive limits and connection caps; DEFAULT_HTTP_LIMITS when unset. */
  limits?: HttpLimits;
}

export const DEFAULT_SERVE_OPTIONS: ServeOptions = {
  port: 8080,
  host: "127.0.0.1",
  database: DEFAULT_SQLITE_PATH,
  adminTokenFile: DEFAULT_ADMIN_TOKEN_FILE,
  logLevel: "info",
  keyRetentionDays: DEFAULT_KEY_RETENTION_DAYS,
  pruneIntervalSeconds: DEFAULT_PRUNE_INTERVAL_SECONDS,
  dev: false,
  limits: DEFAULT_HTTP_LIMITS,
};

/** How long a graceful shutdown waits for requests in flight before it gives up. */
const SHUTDOWN_GRACE_MS = 10_000;

/** Starts the server process: database, first-start token, HTTP listener, signal handling. */
export async function serve(
  options: ServeOptions,
): Promise<{ app: FastifyInstance; url: string; stop(): Promise<void> }> {
  const adminTokenFile = resolve(options.adminTokenFile);
  checkAdminTokenFile(adminTokenFile);
  const db = openDatabase(options.database);
  let custody: KeyCustody;
  try {
    await prepareDatabase(db, systemClock);
    custody = await openKeyCustody(db, { file: options.keyEncryptionKeyFile, adminTokenFile });
  } catch (error) {
    await db.close();
    throw error;
  }
  let listening: string | undefined;
  const keys = new SigningKeys(db, systemClock, {
    retentionDays: options.keyRetentionDays,
    kek: custody.kek,
  });
  await keys.ensureActive();
  const limits = options.limits ?? DEFAULT_HTTP_LIMITS;
  const app = buildApp({
    db,
    keys,
    logLevel: options.logLevel,
    issuer: () => options.issuer ?? listening ?? `http://${options.host}:${options.port}`,
    timeouts: limits,
  });
  const openFiles = openFilesLimit();
  const budget = connectionBudget(openFiles, limits.maxConnections);
  if (budget.warning) app.log.warn({ openFiles, maxConnections: budget.maxConnections }, budget.warning);
  capConnections(app.server, { ...limits, maxConnections: budget.maxConnections }, app.log);
  closeAtRequestCap(app.server, limits.maxRequestsPerSocket);
  if (options.dev && (await seedDemoUser(new Registry(db, systemClock)))) {
    app.log.warn(
      "DEVELOPMENT MODE: seeded the demo user 'demo' with password 'demo-password'. Anyone can log in as it. Never run --dev in production.",
    );
  }
  const cancelRotation = options.keyRotationDays
    ? scheduleKeyRotation(keys, { rotationDays: options.keyRotationDays, log: app.log })
    : () => {};
  if (custody.created) {
    app.log.warn(
      { file: custody.created },
      "first start: created the key-encryption key that seals the signing keys (mode 0600); back it up apart from the database: without it the signing keys cannot be opened",
    );
  }
  if (custody.sealed > 0) {
    app.log.info({ count: custody.sealed }, "sealed clear private signing keys under the key-encryption key");
  }
  app.log.info({ keyEncryptionKey: custody.kek.id, source: custody.source }, "signing keys open");
  const cancelPrune =
    options.pruneIntervalSeconds > 0
      ? schedulePrune(db, systemClock, { intervalMs: options.pruneIntervalSeconds * 1000, log: app.log })
      : async () => {};
  const tokenFile = await bootstrapAdminToken(db, systemClock, adminTokenFile);
  if (tokenFile) {
    app.log.warn(
      { file: tokenFile },
      "first start: created an admin token and wrote it to this file (mode 0600); read it once, then keep it in a secret store",
    );
  }
  const url = await app.listen({ port: options.port, host: options.host });
  listening = url;
  app.log.info(
    {
      url,
      database: describeLocation(options.database),
      limits: { ...limits, maxConnections: budget.maxConnections, openFiles },
    },
    "inbound-oauth server ready",
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const timer = setTimeout(() => {
        app.log.error("graceful shutdown timed out; exiting");
        process.exit(1);
      }, SHUTDOWN_GRACE_MS);
      timer.unref();
      cancelRotation();
      await app.close();
      await cancelPrune();
      await db.close();
      clearTimeout(timer);
    })();
    return stopping;
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, "shutting down");
      stop().then(
        () => process.exit(0),
        (error) => {
          app.log.error({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
    });
  }
  return { app, url, stop };
}
