#!/usr/bin/env node
import { parseArgs } from "node:util";
import { DEFAULT_ADMIN_TOKEN_FILE } from "./bootstrap";
import { adminTokenCommand } from "./cli/admin-token";
import { databaseLocation, stringFlags, UsageError, withDatabase } from "./cli/common";
import { keysCommand } from "./cli/keys";
import { pruneCommand } from "./cli/prune";
import { LIMIT_FLAGS, LIMIT_USAGE, parseLimits } from "./cli/serve-limits";
import { usersCommand } from "./cli/users";
import { ROLES } from "./contract";
import { DEFAULT_PRUNE_INTERVAL_SECONDS } from "./domain/prune/schedule";
import { KEK_ENV, KEK_FILE_ENV, KEK_FILE_NAME } from "./key-encryption-key";
import type { LogLevel } from "./logger";
import { DEFAULT_SERVE_OPTIONS, serve } from "./server";
import { DEFAULT_SQLITE_PATH } from "./storage/open";

const USAGE = `inbound-oauth — the reference authorization server

Usage:
  inbound-oauth serve [--port 8080] [--host 127.0.0.1] [--database PATH|postgres://...]
                      [--issuer URL] [--admin-token-file ${DEFAULT_ADMIN_TOKEN_FILE}] [--log-level info]
                      [--key-encryption-key-file FILE] [--key-rotation-days N] [--key-retention-days 105]
                      [--prune-interval-seconds ${DEFAULT_PRUNE_INTERVAL_SECONDS}] [--dev]
                      ${LIMIT_USAGE}
  inbound-oauth admin-token create --name NAME --role ${ROLES.join("|")}
  inbound-oauth admin-token list | revoke --name NAME
  inbound-oauth users add NAME [--roles a,b] --password-stdin
  inbound-oauth users list | remove NAME
  inbound-oauth keys rotate | list [--key-encryption-key-file FILE]
  inbound-oauth keys rotate-encryption-key --new-key-file FILE [--key-encryption-key-file FILE]
  inbound-oauth prune
  inbound-oauth migrate

Every command takes --database; it defaults to DATABASE_URL, then ${DEFAULT_SQLITE_PATH} (SQLite).
The key-encryption key that seals the signing keys comes from --key-encryption-key-file, else
${KEK_FILE_ENV} (a path), else ${KEK_ENV} (the key), else the file ${KEK_FILE_NAME} beside the
admin-token file (created on first start).
--dev seeds a demo user (demo / demo-password) and says so loudly; never use it in production.
Timeouts are in seconds; 0 turns off --max-requests-per-socket and --max-connections-per-address.
--max-connections is lowered to fit the open-files limit (ulimit -n), with a warning.
serve prunes expired codes, tokens, sessions and idempotency records every
--prune-interval-seconds (0 turns that off; then run \`inbound-oauth prune\` from a scheduler).
`;

function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number`);
  return n;
}

/** Seconds between scheduled prunes: 0 (off) to a day. */
function pruneInterval(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PRUNE_INTERVAL_SECONDS;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 86_400)
    throw new UsageError("--prune-interval-seconds must be a whole number from 0 (off) to 86400 (a day)");
  return n;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === "serve") {
    const { values } = parseArgs({
      args: rest,
      options: {
        ...stringFlags(
          "port",
          "host",
          "database",
          "issuer",
          "admin-token-file",
          "key-encryption-key-file",
          "log-level",
          "key-rotation-days",
          "key-retention-days",
          "prune-interval-seconds",
        ),
        dev: { type: "boolean" },
        ...LIMIT_FLAGS,
      },
    });
    const port = Number(values.port ?? process.env.PORT ?? DEFAULT_SERVE_OPTIONS.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError("--port must be 0..65535");
    if (values.issuer !== undefined && !/^https?:\/\/[^/?#]+(\/[^?#]*)?$/.test(values.issuer)) {
      throw new UsageError(
        "--issuer must be an http(s) URL without query or fragment, e.g. https://auth.example.com",
      );
    }
    await serve({
      port,
      host: values.host ?? DEFAULT_SERVE_OPTIONS.host,
      database: databaseLocation(values),
      issuer: values.issuer,
      adminTokenFile: values["admin-token-file"] ?? DEFAULT_SERVE_OPTIONS.adminTokenFile,
      keyEncryptionKeyFile: values["key-encryption-key-file"],
      logLevel: (values["log-level"] ?? DEFAULT_SERVE_OPTIONS.logLevel) as LogLevel,
      keyRotationDays: positiveNumber(values["key-rotation-days"], "--key-rotation-days"),
      keyRetentionDays:
        positiveNumber(values["key-retention-days"], "--key-retention-days") ??
        DEFAULT_SERVE_OPTIONS.keyRetentionDays,
      pruneIntervalSeconds: pruneInterval(values["prune-interval-seconds"]),
      dev: values.dev ?? false,
      limits: parseLimits(values),
    });
    return;
  }
  if (command === "admin-token") return adminTokenCommand(rest);
  if (command === "users") return usersCommand(rest);
  if (command === "keys") return keysCommand(rest);
  if (command === "prune") return pruneCommand(rest);
  if (command === "migrate") {
    const { values } = parseArgs({ args: rest, options: { database: { type: "string" } } });
    await withDatabase(databaseLocation(values), async () => {});
    process.stderr.write("Database is at the current schema.\n");
    return;
  }
  process.stdout.write(USAGE);
  if (command !== undefined && command !== "help" && command !== "--help")
    throw new UsageError(`unknown command "${command}"`);
}

// Whatever this process creates (database, WAL, token and key files) is for its own user only.
process.umask(0o077);
main(process.argv.slice(2)).catch((error) => {
  const code = (error as { code?: unknown }).code;
  const usage =
    error instanceof UsageError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"));
  // Start-up refusals carry a stable code (INSECURE_FILE_MODE, KEY_ENCRYPTION_KEY_*): print it first.
  const message = (error as Error).message;
  const coded = typeof code === "string" && /^[A-Z][A-Z_]+$/.test(code) && !message.startsWith(code);
  process.stderr.write(`inbound-oauth: ${coded ? `${code}: ` : ""}${message}\n`);
  process.exit(usage ? 2 : 1);
});
