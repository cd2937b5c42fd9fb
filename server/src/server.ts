import { resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app";
import { bootstrapAdminToken, DEFAULT_ADMIN_TOKEN_FILE, prepareDatabase } from "./bootstrap";
import { DEFAULT_KEY_RETENTION_DAYS } from "./contract";
import { systemClock } from "./domain/clock";
import { seedDemoUser } from "./domain/kinds/users";
import { scheduleKeyRotation } from "./domain/oauth/key-schedule";
import { SigningKeys } from "./domain/oauth/keys";
import { DEFAULT_PRUNE_INTERVAL_SECONDS, schedulePrune } from "./domain/prune/schedule";
import { Registry } from "./domain/registry";
import type { LogLevel } from "./logger";
import { DEFAULT_SQLITE_PATH, describeLocation, openDatabase } from "./storage/open";

export interface ServeOptions {
  port: number;
  host: string;
  database: string;
  adminTokenFile: string;
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
};

/** How long a graceful shutdown waits for requests in flight before it gives up. */
const SHUTDOWN_GRACE_MS = 10_000;

/** Starts the server process: database, first-start token, HTTP listener, signal handling. */
export async function serve(
  options: ServeOptions,
): Promise<{ app: FastifyInstance; url: string; stop(): Promise<void> }> {
  const db = openDatabase(options.database);
  await prepareDatabase(db, systemClock);
  let listening: string | undefined;
  const keys = new SigningKeys(db, systemClock, { retentionDays: options.keyRetentionDays });
  await keys.ensureActive();
  const app = buildApp({
    db,
    keys,
    logLevel: options.logLevel,
    issuer: () => options.issuer ?? listening ?? `http://${options.host}:${options.port}`,
  });
  if (options.dev && (await seedDemoUser(new Registry(db, systemClock)))) {
    app.log.warn(
      "DEVELOPMENT MODE: seeded the demo user 'demo' with password 'demo-password'. Anyone can log in as it. Never run --dev in production.",
    );
  }
  const cancelRotation = options.keyRotationDays
    ? scheduleKeyRotation(keys, { rotationDays: options.keyRotationDays, log: app.log })
    : () => {};
  const cancelPrune =
    options.pruneIntervalSeconds > 0
      ? schedulePrune(db, systemClock, { intervalMs: options.pruneIntervalSeconds * 1000, log: app.log })
      : async () => {};
  const tokenFile = await bootstrapAdminToken(db, systemClock, resolve(options.adminTokenFile));
  if (tokenFile) {
    app.log.warn(
      { file: tokenFile },
      "first start: created an admin token and wrote it to this file (mode 0600); read it once, then keep it in a secret store",
    );
  }
  const url = await app.listen({ port: options.port, host: options.host });
  listening = url;
  app.log.info({ url, database: describeLocation(options.database) }, "inbound-oauth server ready");

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
