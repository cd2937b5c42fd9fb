import type { User } from "../../contract";
import type { SqlExecutor } from "../../storage/database";
import { findById } from "../../storage/records/read";
import { findUserWithHash } from "../../storage/records/user-passwords";
import { DUMMY_PASSWORD_HASH, type PasswordCheck, verifyPassword } from "../passwords";
import { USER } from "../records/kinds";

export interface AuthenticatedUser {
  id: string;
  name: string;
  roles: string[];
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
  const found = await findUserWithHash<User>(db, USER, name);
  const matches = await verify(password, found?.hash ?? DUMMY_PASSWORD_HASH);
  if (!found?.hash || !matches) return undefined;
  const { user } = found;
  if (user.active === false) return undefined;
  return { id: user.id, name: user.name, roles: user.roles };
}

/** A user by id (e.g. the subject of a login session), with its current roles and state. */
/** A user as the OAuth runtime checks it on every grant and token use. */
export interface LiveUser {
  id: string;
  name: string;
  roles: string[];
  active: boolean;
}

export async function findUser(db: SqlExecutor, id: string): Promise<LiveUser | undefined> {
  const user = await findById<User>(db, USER, id);
  return user && { id: user.id, name: user.name, roles: user.roles, active: user.active !== false };
}
