import { dirname } from "node:path";
import { countAdminTokens, createAdminToken } from "./domain/admin-tokens";
import type { Clock } from "./domain/clock";
import { seedBuiltInRestApis } from "./domain/kinds/rest-apis";
import type { Database } from "./storage/database";
import { assertPrivate, ensurePrivateDir, writePrivateFile } from "./storage/private-files";

export const DEFAULT_ADMIN_TOKEN_FILE = ".data/admin-token";

/** Brings a database to the current schema and seeds what every server has. */
export async function prepareDatabase(db: Database, clock: Clock): Promise<void> {
  await db.migrate();
  await db.transaction((tx) => seedBuiltInRestApis(tx, clock.now().toISOString()));
}

/**
 * On first start (no admin token yet) creates one named "bootstrap-admin" and writes it to a file
 * only its owner can read. Returns the file's path, or undefined when tokens already existed.
 * Concurrent first starts on one PostgreSQL: the unique token name lets only one of them win.
 */
export async function bootstrapAdminToken(
  db: Database,
  clock: Clock,
  file: string,
): Promise<string | undefined> {
  if ((await countAdminTokens(db)) > 0) return undefined;
  let token: string;
  try {
    ({ token } = await db.transaction((tx) =>
      createAdminToken(tx, "bootstrap-admin", "admin", clock.now().toISOString()),
    ));
  } catch (error) {
    if ((error as { code?: string }).code === "STORAGE_UNIQUE_VIOLATION") return undefined;
    throw error;
  }
  ensurePrivateDir(dirname(file));
  writePrivateFile(file, `${token}\n`, { replace: true });
  return file;
}

/**
 * Before anything is opened: refuses an existing admin-token file, or its folder, that group or
 * others may access (a token written there earlier may have been read).
 */
export function checkAdminTokenFile(file: string): void {
  assertPrivate(dirname(file), "The data folder");
  assertPrivate(file, "The admin-token file");
}
