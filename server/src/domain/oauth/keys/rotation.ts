import type { SigningKey } from "../../../contract";
import { type Database, isUniqueViolation, type SqlExecutor } from "../../../storage/database";
import { insertActiveKey, readActiveKey, retireActiveKey } from "../../../storage/signing-keys";
import { writeAudit } from "../../audit";
import type { Clock } from "../../clock";
import type { KeyEncryptionKey } from "./encryption";
import { generateKey, KEY_ALG } from "./generation";

/**
 * Rotation and retention. One key is active (it signs new tokens); a rotated-out key is retired,
 * stays published in the JWKS for `retentionDays` (so tokens it signed keep verifying until they
 * expire), and is then deleted. Whether a rotation is due is decided inside the rotation's own
 * transaction, so that two processes deciding at once rotate only once.
 */
export const DAY_MS = 86_400_000;
/** How often a rotation that lost a race with another process's is tried in all. */
const ATTEMPTS = 5;

/** Active, or retired with its retention not yet over. */
export function published(key: SigningKey, nowIso: string): boolean {
  if (key.status === "active") return true;
  return key.removeAfter !== null && key.removeAfter > nowIso;
}

/** Whether a key created at `createdAt` is at least `days` old at `nowMs`. */
export function olderThan(createdAt: string, nowMs: number, days: number): boolean {
  return nowMs - Date.parse(createdAt) >= days * DAY_MS;
}

/** Makes a fresh key, its private half sealed under `kek`, the active one. Returns its kid. */
export async function addActiveKey(ex: SqlExecutor, now: string, kek: KeyEncryptionKey): Promise<string> {
  const key = generateKey();
  await insertActiveKey(ex, {
    kid: key.kid,
    alg: KEY_ALG,
    sealedPrivateJwk: kek.seal(key.kid, key.privateJwk),
    publicJwk: key.publicJwk,
    createdAt: now,
  });
  return key.kid;
}

export interface RotationContext {
  db: Database;
  clock: Clock;
  kek: KeyEncryptionKey;
  retentionDays: number;
}

/** Thrown inside a rotation transaction that lost a race with another rotation; it is retried. */
class ConcurrentRotation extends Error {}

/**
 * In one transaction, audited as `actor`: when there is no active key, or `due` says so of the
 * active key's creation time, retires it (published for retentionDays more) and makes a new key
 * active. Retried when another process rotated at the same time. Returns the new kid, or undefined
 * when the active key was not due.
 */
export async function rotateSigningKey(
  ctx: RotationContext,
  actor: string,
  due: (activeCreatedAt: string) => boolean,
): Promise<string | undefined> {
  const retentionMs = ctx.retentionDays * DAY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.db.transaction(async (tx) => {
        const now = ctx.clock.now();
        const nowIso = now.toISOString();
        const current = await readActiveKey(tx);
        if (current && !due(current.created_at)) return undefined;
        if (current) {
          const removeAfter = new Date(now.getTime() + retentionMs).toISOString();
          // PostgreSQL: a concurrent rotation retired it after this transaction read it.
          if (!(await retireActiveKey(tx, current.kid, nowIso, removeAfter))) throw new ConcurrentRotation();
        }
        const kid = await addActiveKey(tx, nowIso, ctx.kek);
        await writeAudit(tx, {
          actor,
          action: "rotateKey",
          recordKind: "signingKey",
          recordId: kid,
          recordName: kid,
          changes: [{ field: "kid", before: current?.kid ?? null, after: kid }],
          at: nowIso,
        });
        return kid;
      });
    } catch (error) {
      const raced = error instanceof ConcurrentRotation || isUniqueViolation(error);
      if (!raced || attempt >= ATTEMPTS) throw error;
    }
  }
}
