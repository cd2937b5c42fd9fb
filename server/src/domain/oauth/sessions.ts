import type { User } from "../../contract";
import { type Database, relaxedStatements, type SqlExecutor } from "../../storage/database";
import { deleteSession, findSessionUser, insertSession } from "../../storage/login-sessions";
import type { Clock } from "../clock";
import { USER } from "../records/kinds";
import { credentialHash, randomCredential } from "./opaque";

/** How long a login session lasts. */
export const SESSION_LIFETIME_SECONDS = 8 * 60 * 60;

/** A browser login session: the cookie holds a random id; the database holds only its hash. */
export async function createSession(db: Database, clock: Clock, userId: string): Promise<string> {
  const id = randomCredential();
  const now = clock.now();
  const session = {
    idHash: credentialHash(id),
    userId,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + SESSION_LIFETIME_SECONDS * 1000).toISOString(),
  };
  // Relaxed durability: a session lost to a power failure just means signing in again.
  await insertSession(relaxedStatements(db), session);
  return id;
}

/** The user of a live session, or undefined (unknown, expired, or the user is inactive or gone). */
export async function sessionUser(
  db: SqlExecutor,
  clock: Clock,
  id: string | undefined,
): Promise<{ id: string; name: string } | undefined> {
  if (!id || id.length > 100) return undefined;
  const user = await findSessionUser<User>(db, USER, credentialHash(id), clock.now().toISOString());
  if (!user || user.active === false) return undefined;
  return { id: user.id, name: user.name };
}

export async function endSession(db: SqlExecutor, id: string): Promise<void> {
  await deleteSession(db, credentialHash(id));
}
