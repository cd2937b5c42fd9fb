import type { KeyObject } from "node:crypto";
import type { SigningKey } from "../../../contract";
import { type Database, isUniqueViolation } from "../../../storage/database";
import {
  deleteExpiredKeys,
  hasActiveKey,
  listSigningKeys,
  readSealedPrivateJwk,
  readSigningKey,
} from "../../../storage/signing-keys";
import type { Clock } from "../../clock";
import { KeyCache } from "./cache";
import type { KeyEncryptionKey } from "./encryption";
import { importPrivateKey, KEY_ALG, type PublicJwk } from "./generation";
import { publicView } from "./public-view";
import { addActiveKey, olderThan, published, type RotationContext, rotateSigningKey } from "./rotation";

/**
 * The token-signing keys as the rest of the server sees them: the key that signs, the keys that
 * verify, the JWKS, rotation and the management API's list. Private keys are stored sealed
 * (encryption.ts) and never leave this class: every view it returns is public. Several server
 * processes may share one database, so what it knows of the table is a cache (cache.ts); rotation
 * and retention are decided in rotation.ts, the key pair is made in generation.ts.
 */
export interface ActiveSigningKey {
  kid: string;
  alg: typeof KEY_ALG;
  privateKey: KeyObject;
}

/** jwks() reads prune retired keys at most this often. */
const PRUNE_INTERVAL_MS = 60_000;

export class SigningKeys {
  private readonly cache: KeyCache;
  private readonly rotation: RotationContext;
  private lastPrune = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly options: { retentionDays: number; kek: KeyEncryptionKey },
  ) {
    if (!(options.retentionDays > 0)) throw new Error("retentionDays must be a positive number");
    this.cache = new KeyCache(db, clock);
    this.rotation = { db, clock, kek: options.kek, retentionDays: options.retentionDays };
  }

  /** Creates the first active key when there is none; safe when several processes start at once. */
  async ensureActive(): Promise<void> {
    if (await hasActiveKey(this.db)) return;
    try {
      await this.db.transaction((tx) => addActiveKey(tx, this.clock.now().toISOString(), this.options.kek));
    } catch (error) {
      // Another process created it first: the partial unique index allows one active row.
      if (!isUniqueViolation(error)) throw error;
    }
    this.cache.invalidate();
  }

  /** The key that signs new tokens (created when there is none). */
  async active(): Promise<ActiveSigningKey> {
    let snapshot = await this.cache.current();
    if (!snapshot.active) {
      await this.ensureActive();
      snapshot = await this.cache.current();
    }
    const active = snapshot.active;
    if (!active) throw new Error("no active signing key after creating one");
    let privateKey = this.cache.privateKey(active.kid);
    if (!privateKey) {
      const sealed = await readSealedPrivateJwk(this.db, active.kid);
      if (sealed === undefined) {
        // Rotated and pruned by another process between the two reads: read again.
        this.cache.invalidate();
        return this.active();
      }
      privateKey = importPrivateKey(this.options.kek.open(active.kid, sealed));
      this.cache.keepPrivateKey(active.kid, privateKey);
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
    let snapshot = await this.cache.current();
    if (!snapshot.active) {
      // Never publish an empty set: the first key is made on first use, as by active().
      await this.ensureActive();
      snapshot = await this.cache.current();
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
    let snapshot = await this.cache.current();
    let key = snapshot.keys.find((k) => k.kid === kid);
    if (!key) {
      // Perhaps another process has just rotated: read again. A made-up kid costs one small query,
      // no more than looking up an opaque token does.
      this.cache.invalidate();
      snapshot = await this.cache.current();
      key = snapshot.keys.find((k) => k.kid === kid);
    }
    if (!key || !published(key, this.clock.now().toISOString())) return undefined;
    return this.cache.publicKey(key);
  }

  /** Retires the active key and makes a new one active, audited. Returns the new key's public view. */
  async rotate(actor: string): Promise<SigningKey> {
    const rotated = await this.rotateWhen(actor, () => true);
    if (!rotated) throw new Error("rotation did not happen");
    return rotated;
  }

  /**
   * Rotates only when the active key was created more than `days` ago (by the clock). Returns the
   * new key, or undefined when the active key is not yet due.
   */
  async rotateIfOlderThan(actor: string, days: number): Promise<SigningKey | undefined> {
    return this.rotateWhen(actor, (createdAt) => olderThan(createdAt, this.clock.now().getTime(), days));
  }

  /** Deletes retired keys whose retention has ended (by the clock). Returns how many. */
  async prune(): Promise<number> {
    const rowCount = await deleteExpiredKeys(this.db, this.clock.now().toISOString());
    if (rowCount > 0) this.cache.invalidate();
    return rowCount;
  }

  /** Every stored key, newest first, public halves only (the management API's view). */
  async list(): Promise<SigningKey[]> {
    return (await listSigningKeys(this.db)).map(publicView);
  }

  private async rotateWhen(
    actor: string,
    due: (activeCreatedAt: string) => boolean,
  ): Promise<SigningKey | undefined> {
    const kid = await rotateSigningKey(this.rotation, actor, due);
    this.cache.invalidate();
    if (kid === undefined) return undefined;
    await this.prune();
    const row = await readSigningKey(this.db, kid);
    if (!row) throw new Error("the new signing key vanished after its rotation");
    return publicView(row);
  }
}
