import { type Database, relaxedStatements, type SqlExecutor } from "../../storage/database";
import { readGenerationAndSession } from "../../storage/generation-reads";
import { deleteSession, insertSession } from "../../storage/login-sessions";
import type { Clock } from "../clock";
import { credentialHash, randomCredential } from "./opaque";
import type { RegistryCache, RegistryView } from "./registry-cache";

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

/**
 * The registry as of now and the person of the session cookie: one statement reads the registry
 * generation and the live session's user id; the user (name, active) comes from the registry view
 * of that generation. No user when the session is unknown or expired, or the user inactive or gone.
 */
export async function sessionAndRegistry(
  ctx: { db: SqlExecutor; clock: Clock; registryCache: RegistryCache },
  id: string | undefined,
): Promise<{ live: RegistryView; user: { id: string; name: string } | undefined }> {
  if (!id || id.length > 100) return { live: await ctx.registryCache.view(), user: undefined };
  const read = await readGenerationAndSession(ctx.db, credentialHash(id), ctx.clock.now().toISOString());
  const live = ctx.registryCache.viewAt(read.generation);
  const user = read.userId === undefined ? undefined : await live.user(read.userId);
  return { live, user: user?.active ? { id: user.id, name: user.name } : undefined };
}

export async function endSession(db: SqlExecutor, id: string): Promise<void> {
  await deleteSession(db, credentialHash(id));
}
