// A copy of the database as it is before the seeding, for the "empty" server that runs beside the
// "full" one: a copy of the SQLite file (checkpointed: no log beside it), or a PostgreSQL database
// made from it as a template. Removed again at the end, also on Ctrl-C.
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { onCleanup } from "../lib/cleanup";
import type { TargetKey } from "./settings";

async function onPostgres(url: URL, sql: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * The copy's location (a file path or a URL; the original must be idle: no server on it), and the
 * function that removes it (call it before the original's server or cluster goes).
 */
export async function copyDatabase(
  kind: TargetKey,
  location: string,
): Promise<{ location: string; remove: () => Promise<void> }> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(os.tmpdir(), "inbound-oauth-bench-scale-copy-"));
    const remove = onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
    const copy = join(dir, "empty.sqlite");
    copyFileSync(location, copy);
    chmodSync(copy, 0o600);
    return { location: copy, remove };
  }
  const url = new URL(location);
  const name = url.pathname.slice(1);
  const copyName = `${name}_empty`;
  await onPostgres(url, `CREATE DATABASE ${copyName} TEMPLATE ${name}`);
  const remove = onCleanup(`drop database ${copyName}`, () =>
    onPostgres(url, `DROP DATABASE IF EXISTS ${copyName} WITH (FORCE)`),
  );
  const copy = new URL(url);
  copy.pathname = `/${copyName}`;
  return { location: copy.toString(), remove };
}
