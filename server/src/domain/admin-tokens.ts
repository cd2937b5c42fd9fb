import { randomBytes } from "node:crypto";
import type { Role } from "../contract";
import {
  countAdminTokenRows,
  deleteAdminToken,
  findAdminToken,
  insertAdminToken,
  selectAdminTokens,
} from "../storage/admin-tokens";
import type { Database, SqlExecutor } from "../storage/database";
import { uuidv7 } from "./ids";
import { hashSecret, verifySecret } from "./secrets";

/**
 * Management API tokens: `ioa_<id>_<secret>`. The id finds the row; the secret is checked against
 * its salted hash in constant time. Only the hash is stored.
 */
export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
}

const TOKEN = /^ioa_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export async function createAdminToken(
  db: SqlExecutor,
  name: string,
  role: Role,
  now: string,
): Promise<{ token: string; principal: Principal }> {
  const id = uuidv7().replaceAll("-", "");
  const secret = randomBytes(32).toString("base64url");
  await insertAdminToken(db, { id, name, role, hash: hashSecret(secret), createdAt: now });
  return { token: `ioa_${id}_${secret}`, principal: { tokenId: id, name, role } };
}

export async function authenticate(db: SqlExecutor, token: string): Promise<Principal | undefined> {
  const match = TOKEN.exec(token);
  if (!match) return undefined;
  const [, id, secret] = match as unknown as [string, string, string];
  const row = await findAdminToken<Role>(db, id);
  if (!row || !verifySecret(secret, row.hash)) return undefined;
  return { tokenId: id, name: row.name, role: row.role };
}

export async function listAdminTokens(db: SqlExecutor) {
  return selectAdminTokens<Role>(db);
}

/** Deletes the token; every server process refuses it from its next request on. */
export async function revokeAdminToken(db: Database, name: string): Promise<boolean> {
  return db.transaction((tx) => deleteAdminToken(tx, name));
}

export async function countAdminTokens(db: Database): Promise<number> {
  return countAdminTokenRows(db);
}
