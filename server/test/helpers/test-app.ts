import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { buildApp } from "../../src/app";
import { prepareDatabase } from "../../src/bootstrap";
import type { Role } from "../../src/contract";
import { createAdminToken } from "../../src/domain/admin-tokens";
import { type Clock, systemClock } from "../../src/domain/clock";
import type { SigningKeys } from "../../src/domain/oauth/keys";
import type { PasswordCheck } from "../../src/domain/passwords";
import type { LogLevel } from "../../src/logger";
import type { Database } from "../../src/storage/database";
import { PostgresDatabase } from "../../src/storage/postgres";
import { SqliteDatabase } from "../../src/storage/sqlite";
import { createTestDatabase } from "./postgres-database";

/** Every storage-dependent suite runs once per database, with the same cases. */
export const DATABASES = ["sqlite", "postgres"] as const;
export type DatabaseKind = (typeof DATABASES)[number];

export interface TestStore {
  db: Database;
  /** Where it lives: a SQLite file path or a postgres:// URL. */
  location: string;
  /** Closes and removes it. */
  dispose(): Promise<void>;
}

/** A fresh, migrated database: a SQLite file in a temp folder, or a new PostgreSQL database. */
export async function openTestStore(kind: DatabaseKind, clock: Clock = systemClock): Promise<TestStore> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "inbound-oauth-test-"));
    const location = join(dir, "registry.db");
    const db = new SqliteDatabase(location);
    await prepareDatabase(db, clock);
    return {
      db,
      location,
      async dispose() {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const pg = await createTestDatabase();
  const db = new PostgresDatabase(pg.url, { maxConnections: 20 });
  await prepareDatabase(db, clock);
  return {
    db,
    location: pg.url,
    async dispose() {
      await db.close();
      await pg.drop();
    },
  };
}

export interface TestApp {
  app: FastifyInstance;
  store: TestStore;
  /** A bearer token for each role, created fresh for this app. */
  tokens: Record<Role, string>;
  /** app.inject with the admin token unless `as` names another role (or null for none). */
  call(options: InjectOptions & { as?: Role | null }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function startTestApp(
  kind: DatabaseKind,
  options: {
    clock?: Clock;
    /** Builds the app's token-signing key store over the test database (default: buildApp's). */
    keys?: (db: Database, clock: Clock) => SigningKeys;
    /** A store opened (and prepared) by the test itself, e.g. on a PostgreSQL cluster of its own. */
    store?: TestStore;
    /** The login page's password check (default: scrypt); wrap it to count or pace evaluations. */
    verifyPassword?: PasswordCheck;
    /** The app's log, at this level into this stream (default: silent). */
    log?: { level: LogLevel; stream: NodeJS.WritableStream };
  } = {},
): Promise<TestApp> {
  const store = options.store ?? (await openTestStore(kind, options.clock));
  const keys = options.keys?.(store.db, options.clock ?? systemClock);
  const app = buildApp({
    db: store.db,
    clock: options.clock,
    logLevel: options.log?.level ?? "silent",
    logStream: options.log?.stream,
    keys,
    verifyPassword: options.verifyPassword,
  });
  await app.ready();
  const now = new Date().toISOString();
  const tokens = {} as Record<Role, string>;
  for (const role of ["admin", "oauth_admin", "mi_admin", "viewer"] as const) {
    tokens[role] = (await createAdminToken(store.db, `test-${role}`, role, now)).token;
  }
  return {
    app,
    store,
    tokens,
    call({ as = "admin", headers, ...rest }) {
      const auth: Record<string, string> = as === null ? {} : { authorization: `Bearer ${tokens[as]}` };
      return app.inject({ ...rest, headers: { ...auth, ...headers } });
    },
    async close() {
      await app.close();
      await store.dispose();
    },
  };
}

/** A valid integration body; override any field. */
export function integrationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "Web app",
    providerName: "Acme",
    redirectUrls: ["https://app.example.com/callback"],
    ...overrides,
  };
}
