#!/usr/bin/env node
import { parseArgs } from "node:util";
import { DEFAULT_ADMIN_TOKEN_FILE, prepareDatabase } from "./bootstrap";
import { AdminTokenNameSchema, ROLES, type Role } from "./contract";
import { createAdminToken, listAdminTokens, revokeAdminToken } from "./domain/admin-tokens";
import { systemClock } from "./domain/clock";
import type { LogLevel } from "./logger";
import { DEFAULT_SERVE_OPTIONS, serve } from "./server";
import { DEFAULT_SQLITE_PATH, openDatabase } from "./storage/open";

const USAGE = `inbound-oauth — the reference authorization server

Usage:
  inbound-oauth serve [--port 8080] [--host 127.0.0.1] [--database PATH|postgres://...]
                      [--admin-token-file ${DEFAULT_ADMIN_TOKEN_FILE}] [--log-level info]
  inbound-oauth admin-token create --name NAME --role ${ROLES.join("|")} [--database ...]
  inbound-oauth admin-token list [--database ...]
  inbound-oauth admin-token revoke --name NAME [--database ...]
  inbound-oauth migrate [--database ...]

--database defaults to ${DEFAULT_SQLITE_PATH} (SQLite); DATABASE_URL is used when set and --database is not.
`;

class UsageError extends Error {}

function database(values: { database?: string }): string {
  return values.database ?? process.env.DATABASE_URL ?? DEFAULT_SQLITE_PATH;
}

async function withDatabase<T>(
  location: string,
  fn: (db: ReturnType<typeof openDatabase>) => Promise<T>,
): Promise<T> {
  const db = openDatabase(location);
  try {
    await prepareDatabase(db, systemClock);
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function adminToken(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { name: { type: "string" }, role: { type: "string" }, database: { type: "string" } },
  });
  const location = database(values);
  if (action === "create") {
    const name = AdminTokenNameSchema.safeParse(values.name);
    if (!name.success) throw new UsageError("--name is required: letters, digits and . _ @ - (at most 100)");
    if (!ROLES.includes(values.role as Role))
      throw new UsageError(`--role must be one of ${ROLES.join(", ")}`);
    const { token } = await withDatabase(location, (db) =>
      db.transaction((tx) =>
        createAdminToken(tx, name.data, values.role as Role, systemClock.now().toISOString()),
      ),
    ).catch((error) => {
      if (error?.code === "STORAGE_UNIQUE_VIOLATION")
        throw new UsageError(`a token named "${name.data}" already exists`);
      throw error;
    });
    process.stderr.write(`Created admin token "${name.data}" (${values.role}). It is shown only now:\n`);
    process.stdout.write(`${token}\n`);
    return;
  }
  if (action === "list") {
    const tokens = await withDatabase(location, (db) => listAdminTokens(db));
    for (const t of tokens) process.stdout.write(`${t.name}\t${t.role}\t${t.created_at}\n`);
    return;
  }
  if (action === "revoke") {
    if (!values.name) throw new UsageError("--name is required");
    const revoked = await withDatabase(location, (db) => revokeAdminToken(db, values.name!));
    if (!revoked) throw new UsageError(`no token is named "${values.name}"`);
    process.stderr.write(`Revoked admin token "${values.name}".\n`);
    return;
  }
  throw new UsageError("admin-token needs create, list or revoke");
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === "serve") {
    const { values } = parseArgs({
      args: rest,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        database: { type: "string" },
        "admin-token-file": { type: "string" },
        "log-level": { type: "string" },
      },
    });
    const port = Number(values.port ?? process.env.PORT ?? DEFAULT_SERVE_OPTIONS.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError("--port must be 0..65535");
    await serve({
      port,
      host: values.host ?? DEFAULT_SERVE_OPTIONS.host,
      database: database(values),
      adminTokenFile: values["admin-token-file"] ?? DEFAULT_SERVE_OPTIONS.adminTokenFile,
      logLevel: (values["log-level"] ?? DEFAULT_SERVE_OPTIONS.logLevel) as LogLevel,
    });
    return;
  }
  if (command === "admin-token") return adminToken(rest);
  if (command === "migrate") {
    const { values } = parseArgs({ args: rest, options: { database: { type: "string" } } });
    await withDatabase(database(values), async () => {});
    process.stderr.write("Database is at the current schema.\n");
    return;
  }
  process.stdout.write(USAGE);
  if (command !== undefined && command !== "help" && command !== "--help")
    throw new UsageError(`unknown command "${command}"`);
}

main(process.argv.slice(2)).catch((error) => {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    process.stderr.write(`inbound-oauth: ${(error as Error).message}\n`);
    process.exit(2);
  }
  process.stderr.write(`inbound-oauth: ${(error as Error).message}\n`);
  process.exit(1);
});
