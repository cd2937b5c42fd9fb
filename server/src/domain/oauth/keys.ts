import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import type { SigningKey } from "../../contract";
import { type Database, isUniqueViolation, type SqlExecutor } from "../../storage/database";
import { writeAudit } from "../audit";
import type { Clock } from "../clock";
import { uuidv7 } from "../ids";
import type { KeyEncryptionKey } from "./key-encryption";

/**
 * Token-signing keys: ES256 (P-256) only. One key is active (it signs new tokens); a rotated-out
 * key is retired, stays published in the JWKS for `retentionDays` (so tokens it signed keep
 * verifying until they expire), and is then deleted. Private keys are stored sealed (key-encryption.ts)
 * in `signing_keys.private_jwk` and never leave this class: every view it returns is public.
 *
 * Several server processes may share one database, so what this class knows is a cache of the
 * table, re-read at most every REFRESH_MS (by the injected clock) or when a token names an unknown kid.
 */
export const KEY_ALG = "ES256" as const;

/** A public JWK as the JWKS serves it (RFC 7517, RFC 7518 §6.2.1): never a private member. */
export interface PublicJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
  kid: string;
  alg: typeof KEY_ALG;
  use: "sig";
  [member: string]: unknown;
}

export interface ActiveSigningKey {
  kid: string;
  alg: typeof KEY_ALG;
  privateKey: KeyObject;
}

interface KeyRow extends Record<string, unknown> {
  kid: string;
  alg: string;
  public_jwk: string;
  status: "active" | "retired";
  created_at: string;
  retired_at: string | null;
  remove_after: string | null;
}

interface Snapshot {
  /** When it was read, in the injected clock's milliseconds. */
  loadedAt: number;
  keys: SigningKey[];
  active: SigningKey | undefined;
}

/** How long a read of the table is trusted before another process's rotation must be seen. */
const REFRESH_MS = 5_000;
/** jwks() reads prune retired keys at most this often. */
const PRUNE_INTERVAL_MS = 60_000;
const DAY_MS = 86_400_000;
/** The public columns: private_jwk is read only where the active key is imported. */
const PUBLIC_COLUMNS = "kid, alg, public_jwk, status, created_at, retired_at, remove_after";

/** Thrown inside a rotation transaction that lost a race with another rotation; it is retried. */
class ConcurrentRotation extends Error {}

function publicView(row: KeyRow): SigningKey {
  return {
    kid: row.kid,
    alg: KEY_ALG,
    status: row.status,
    createdAt: row.created_at,
    retiredAt: row.retired_at ?? null,
    removeAfter: row.remove_after ?? null,
    publicJwk: publicMembers(JSON.parse(row.public_jwk), row.kid),
  };
}

/** Only the public members of an EC JWK, whatever the stored text holds. */
function publicMembers(jwk: Record<string, unknown>, kid: string): PublicJwk {
  return { kty: "EC", crv: "P-256", x: String(jwk.x), y: String(jwk.y), kid, alg: KEY_ALG, use: "sig" };
}

/** A fresh P-256 key pair as JWK text (private and public) with a UUIDv7 kid. */
function generateKey(): { kid: string; privateJwk: string; publicJwk: string } {
  const kid = uuidv7();
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = privateKey.export({ format: "jwk" });
  const privateJwk = JSON.stringify({
    kty: "EC",
    crv: "P-256",
    x: jwk.x,
    y: jwk.y,
    d: jwk.d,
    kid,
    alg: KEY_ALG,
  });
  const publicJwk = JSON.stringify(publicMembers(jwk as Record<string, unknown>, kid));
  return { kid, privateJwk, publicJwk };
}

async function insertActive(ex: SqlExecutor, now: string, kek: KeyEncryptionKey): Promise<string> {
  const key = generateKey();
  await ex.execute(
    `INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, status, created_at, retired_at, remove_after)
     VALUES (?, ?, ?, ?, 'active', ?, NULL, NULL)`,
    [key.kid, KEY_ALG, kek.seal(key.kid, key.privateJwk), key.publicJwk, now],
  );
  return key.kid;
}

export class SigningKeys {
  private snapshot: Snapshot | undefined;
  /** A read in flight, shared by concurrent callers; `generation` says which invalidation it follows. */
  private loading: { generation: number; promise: Promise<Snapshot> } | undefined;
  /** Bumped by every invalidation, so that a read started before a change never caches its result. */
  private generation = 0;
  /** Imported key objects by kid (importing a JWK costs far more than a map lookup). */
  private readonly privateKeys = new Map<string, KeyObject>();
  private readonly publicKeys = new Map<string, KeyObject>();
  private lastPrune = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly options: { retentionDays: number; kek: KeyEncryptionKey },
  ) {
    if (!(options.retentionDays > 0)) throw new Error("retentionDays must be a positive number");
  }

  /** Creates the first active key when there is none; safe when several processes start at once. */
  async ensureActive(): Promise<void> {
    const existing = await this.db.query("SELECT kid FROM signing_keys WHERE status = 'active'");
    if (existing.length > 0) return;
    try {
      await this.db.transaction((tx) => insertActive(tx, this.clock.now().toISOString(), this.options.kek));
    } catch (error) {
      // Another process created it first: the partial unique index allows one active row.
      if (!isUniqueViolation(error)) throw error;
    }
    this.invalidate();
  }

  /** The key that signs new tokens (created when there is none). */
  async active(): Promise<ActiveSigningKey> {
    let snapshot = await this.current();
    if (!snapshot.active) {
      await this.ensureActive();
      snapshot = await this.current();
    }
    const active = snapshot.active;
    if (!active) throw new Error("no active signing key after creating one");
    let privateKey = this.privateKeys.get(active.kid);
    if (!privateKey) {
      const rows = await this.db.query<{ private_jwk: string }>(
        "SELECT private_jwk FROM signing_keys WHERE kid = ?",
        [active.kid],
      );
      if (!rows[0]) {
        // Rotated and pruned by another process between the two reads: read again.
        this.invalidate();
        return this.active();
      }
      const jwk = this.options.kek.open(active.kid, rows[0].private_jwk);
      privateKey = createPrivateKey({ key: JSON.parse(jwk), format: "jwk" });
      this.privateKeys.set(active.kid, privateKey);
    }
    return { kid: active.kid, alg: KEY_ALG, privateKey };
  }

  /** The JWKS: the active key and the retired keys still within their retention, public halves only. */
  async jwks(): Promise<{ keys: PublicJwk[] }> {
    const now = this.clock.now().getTime();
    if (now - this.lastPrune >= PRUNE_INTERVAL_MS || now < this.lastPrune) {
      this.lastPrune = now;
      await this.prune();
    }
    let snapshot = await this.current();
    if (!snapshot.active) {
      // Never publish an empty set: the first key is made on first use, as by active().
      await this.ensureActive();
      snapshot = await this.current();
    }
    const nowIso = new Date(now).toISOString();
    return {
      keys: snapshot.keys
        .filter((key) => published(key, nowIso))
        .map((key) => ({ ...key.publicJwk }) as PublicJwk),
    };
  }

  /**
   * The public key that verifies tokens signed under `kid` while it is active or retired and still
   * within its retention; undefined otherwise.
   */
  async verificationKey(kid: string): Promise<KeyObject | undefined> {
    let snapshot = await this.current();
    let key = snapshot.keys.find((k) => k.kid === kid);
    if (!key) {
      // Perhaps another process has just rotated: read again. A made-up kid costs one small query,
      // no more than looking up an opaque token does.
      this.invalidate();
      snapshot = await this.current();
      key = snapshot.keys.find((k) => k.kid === kid);
    }
    if (!key || !published(key, this.clock.now().toISOString())) return undefined;
    let publicKey = this.publicKeys.get(kid);
    if (!publicKey) {
      publicKey = createPublicKey({ key: { ...key.publicJwk }, format: "jwk" });
      this.publicKeys.set(kid, publicKey);
    }
    return publicKey;
  }

  /**
   * Retires the active key (published for retentionDays more) and makes a new one active, audited,
   * in one transaction. Returns the new key's public view.
   */
  async rotate(actor: string): Promise<SigningKey> {
    const rotated = await this.rotateWhen(actor, () => true);
    if (!rotated) throw new Error("rotation did not happen");
    return rotated;
  }

  /**
   * Rotates only when the active key was created more than `days` ago (by the clock), deciding in
   * the rotation's own transaction so that two processes checking at once rotate only once.
   * Returns the new key, or undefined when the active key is not yet due.
   */
  async rotateIfOlderThan(actor: string, days: number): Promise<SigningKey | undefined> {
    return this.rotateWhen(actor, (createdAt) => {
      const age = this.clock.now().getTime() - Date.parse(createdAt);
      return age >= days * DAY_MS;
    });
  }

  /** Deletes retired keys whose retention has ended (by the clock). Returns how many. */
  async prune(): Promise<number> {
    const now = this.clock.now().toISOString();
    const { rowCount } = await this.db.execute(
      "DELETE FROM signing_keys WHERE status = 'retired' AND remove_after IS NOT NULL AND remove_after <= ?",
      [now],
    );
    if (rowCount > 0) this.invalidate();
    return rowCount;
  }

  /** Every stored key, newest first, public halves only (the management API's view). */
  async list(): Promise<SigningKey[]> {
    const rows = await this.db.query<KeyRow>(
      `SELECT ${PUBLIC_COLUMNS} FROM signing_keys ORDER BY created_at DESC, kid DESC`,
    );
    return rows.map(publicView);
  }

  private async rotateWhen(
    actor: string,
    due: (activeCreatedAt: string) => boolean,
  ): Promise<SigningKey | undefined> {
    const retentionMs = this.options.retentionDays * DAY_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        const kid = await this.db.transaction(async (tx) => {
          const now = this.clock.now();
          const nowIso = now.toISOString();
          const [current] = await tx.query<{ kid: string; created_at: string }>(
            "SELECT kid, created_at FROM signing_keys WHERE status = 'active'",
          );
          if (current && !due(current.created_at)) return undefined;
          if (current) {
            const { rowCount } = await tx.execute(
              `UPDATE signing_keys SET status = 'retired', retired_at = ?, remove_after = ?
               WHERE kid = ? AND status = 'active'`,
              [nowIso, new Date(now.getTime() + retentionMs).toISOString(), current.kid],
            );
            // PostgreSQL: a concurrent rotation retired it after this transaction read it.
            if (rowCount !== 1) throw new ConcurrentRotation();
          }
          const kid = await insertActive(tx, nowIso, this.options.kek);
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
        this.invalidate();
        if (kid === undefined) return undefined;
        await this.prune();
        const [row] = await this.db.query<KeyRow>(
          `SELECT ${PUBLIC_COLUMNS} FROM signing_keys WHERE kid = ?`,
          [kid],
        );
        if (!row) throw new Error("the new signing key vanished after its rotation");
        return publicView(row);
      } catch (error) {
        const raced = error instanceof ConcurrentRotation || isUniqueViolation(error);
        if (!raced || attempt >= 5) throw error;
      }
    }
  }

  /** Forgets the cached table, so the next read sees every process's changes. */
  private invalidate(): void {
    this.snapshot = undefined;
    this.generation++;
  }

  private async current(): Promise<Snapshot> {
    const now = this.clock.now().getTime();
    const cached = this.snapshot;
    if (cached && now - cached.loadedAt < REFRESH_MS && now >= cached.loadedAt) return cached;
    let loading = this.loading;
    if (!loading || loading.generation !== this.generation) {
      const started = { generation: this.generation, promise: this.load(this.generation) };
      this.loading = loading = started;
      started.promise
        .finally(() => {
          if (this.loading === started) this.loading = undefined;
        })
        .catch(() => {});
    }
    return loading.promise;
  }

  private async load(generation: number): Promise<Snapshot> {
    const loadedAt = this.clock.now().getTime();
    const rows = await this.db.query<KeyRow>(
      `SELECT ${PUBLIC_COLUMNS} FROM signing_keys ORDER BY created_at DESC, kid DESC`,
    );
    const keys = rows.filter((row) => row.alg === KEY_ALG).map(publicView);
    // Active first, then retired keys newest first.
    keys.sort((a, b) => Number(b.status === "active") - Number(a.status === "active"));
    const present = new Set(keys.map((key) => key.kid));
    for (const cache of [this.privateKeys, this.publicKeys]) {
      for (const kid of cache.keys()) if (!present.has(kid)) cache.delete(kid);
    }
    for (const key of keys) if (key.status !== "active") this.privateKeys.delete(key.kid);
    const snapshot: Snapshot = { loadedAt, keys, active: keys.find((key) => key.status === "active") };
    if (generation === this.generation) this.snapshot = snapshot;
    return snapshot;
  }
}

/** Active, or retired with its retention not yet over. */
function published(key: SigningKey, nowIso: string): boolean {
  if (key.status === "active") return true;
  return key.removeAfter !== null && key.removeAfter > nowIso;
}
