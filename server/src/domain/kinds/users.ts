import type { FieldChange, UserInput } from "../../contract";
import type { SqlExecutor } from "../../storage/database";
import { ApiError } from "../api-error";
import { DUMMY_PASSWORD_HASH, hashPassword, type PasswordCheck, verifyPassword } from "../passwords";
import { USER } from "../records/kinds";
import type { KindBehaviour, Prepared } from "../records/service";
import { findIdBy, type StoredRecord } from "../records/store";
import type { Registry } from "../registry";

const PASSWORD_CHANGED: FieldChange[] = [{ field: "password", secret: true }];

/** The record's own fields: everything but the name and the password. */
function fieldsOf(input: UserInput): Record<string, unknown> {
  const { name: _name, password: _password, ...rest } = input;
  return { roles: rest.roles ?? [], active: rest.active ?? true };
}

async function storedHash(ex: SqlExecutor, userId: string): Promise<string | undefined> {
  const rows = await ex.query<{ hash: string }>("SELECT hash FROM user_passwords WHERE user_id = ?", [
    userId,
  ]);
  return rows[0]?.hash;
}

async function storeHash(tx: SqlExecutor, userId: string, hash: string, now: string): Promise<void> {
  await tx.execute(
    `INSERT INTO user_passwords (user_id, hash, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at`,
    [userId, hash, now],
  );
}

/** Ends the user's login sessions (after a password change or deactivation). */
async function endSessions(tx: SqlExecutor, userId: string): Promise<void> {
  await tx.execute("DELETE FROM login_sessions WHERE user_id = ?", [userId]);
}

/** What is worked out before the write's transaction: scrypt is slow, and SQLite has one writer. */
interface PasswordWork {
  /** The new hash, or undefined when the request carries no password or the current one. */
  hash?: string;
}

/**
 * Users: the password is hashed with scrypt into user_passwords and never enters the record or the
 * audit log (which says only that it changed). A replace without a password keeps the current one.
 */
export function userBehaviour(now: () => string): KindBehaviour<UserInput> {
  return {
    async precompute(db, input, id): Promise<PasswordWork> {
      if (input.password === undefined) return {};
      const current = id === undefined ? undefined : await storedHash(db, id);
      // Sending the current password again (a declarative re-apply) is not a change.
      if (current !== undefined && (await verifyPassword(input.password, current))) return {};
      return { hash: await hashPassword(input.password) };
    },

    async prepareCreate(_tx, input, precomputed): Promise<Prepared> {
      if (input.password === undefined) {
        throw new ApiError(
          "VALIDATION_FAILED",
          "A new user needs a password: include password (at least 12 characters) in the request.",
          { errors: [{ path: "password", message: "is required when creating a user" }] },
        );
      }
      const hash = (precomputed as PasswordWork | undefined)?.hash ?? (await hashPassword(input.password));
      return {
        fields: fieldsOf(input),
        after: (tx, id) => storeHash(tx, id, hash, now()),
        secretChanges: PASSWORD_CHANGED,
      };
    },

    async prepareReplace(_tx, input, previous: StoredRecord, precomputed): Promise<Prepared> {
      const fields = fieldsOf(input);
      const deactivated = previous.fields.active !== false && fields.active === false;
      const hash = (precomputed as PasswordWork | undefined)?.hash;
      if (hash !== undefined) {
        return {
          fields,
          after: async (tx, id) => {
            await storeHash(tx, id, hash, now());
            await endSessions(tx, id);
          },
          secretChanges: PASSWORD_CHANGED,
        };
      }
      return deactivated ? { fields, after: endSessions } : { fields };
    },
  };
}

export interface AuthenticatedUser {
  id: string;
  name: string;
  roles: string[];
}

interface UserRow extends Record<string, unknown> {
  id: string;
  name: string;
  document: string;
}

function rolesAndActive(document: string): { roles: string[]; active: boolean } {
  const fields = JSON.parse(document) as { roles?: unknown; active?: unknown };
  const roles = Array.isArray(fields.roles) ? fields.roles.filter((r) => typeof r === "string") : [];
  return { roles, active: fields.active !== false };
}

/**
 * Checks a login. Undefined for an unknown name, a wrong password or an inactive user, without
 * saying which; every call runs exactly one scrypt verification, so the time taken does not tell
 * whether the name exists.
 */
export async function authenticateUser(
  db: SqlExecutor,
  name: string,
  password: string,
  verify: PasswordCheck = verifyPassword,
): Promise<AuthenticatedUser | undefined> {
  const rows = await db.query<UserRow & { hash: string | null }>(
    `SELECT u.id, u.name, u.document, p.hash FROM ${USER.table} u
     LEFT JOIN user_passwords p ON p.user_id = u.id WHERE u.name = ?`,
    [name],
  );
  const row = rows[0];
  const matches = await verify(password, row?.hash ?? DUMMY_PASSWORD_HASH);
  if (!row?.hash || !matches) return undefined;
  const { roles, active } = rolesAndActive(row.document);
  if (!active) return undefined;
  return { id: row.id, name: row.name, roles };
}

/** A user by id (e.g. the subject of a login session), with its current roles and state. */
export async function findUser(
  db: SqlExecutor,
  id: string,
): Promise<{ id: string; name: string; roles: string[]; active: boolean } | undefined> {
  const rows = await db.query<UserRow>(`SELECT id, name, document FROM ${USER.table} WHERE id = ?`, [id]);
  const row = rows[0];
  if (!row) return undefined;
  return { id: row.id, name: row.name, ...rolesAndActive(row.document) };
}

export const DEMO_USER = { name: "demo", password: "demo-password", roles: ["user"] } as const;

/**
 * Development mode only: creates the demo user (demo / demo-password) unless a user named demo
 * exists. True when it created it, so the caller can say so loudly.
 */
export async function seedDemoUser(registry: Registry): Promise<boolean> {
  if (await findIdBy(registry.db, USER, "name", DEMO_USER.name)) return false;
  try {
    await registry.users.create("dev-mode", {
      name: DEMO_USER.name,
      password: DEMO_USER.password,
      roles: [...DEMO_USER.roles],
      active: true,
    });
    return true;
  } catch (error) {
    // Another process seeded it at the same moment.
    if (error instanceof ApiError && error.code === "NAME_TAKEN") return false;
    throw error;
  }
}
