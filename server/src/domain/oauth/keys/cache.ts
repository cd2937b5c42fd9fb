import type { KeyObject } from "node:crypto";
import type { SigningKey } from "../../../contract";
import type { SqlExecutor } from "../../../storage/database";
import { listSigningKeys } from "../../../storage/signing-keys";
import type { Clock } from "../../clock";
import { importPublicKey, KEY_ALG } from "./generation";
import { publicView } from "./public-view";

/**
 * What one process knows of the signing_keys table. Several server processes may share one
 * database, so this is a cache, re-read at most every REFRESH_MS (by the injected clock) or after
 * `invalidate()` (a change made here, or a kid it does not know). Concurrent readers share one
 * read; a read started before an invalidation is never cached. The imported key objects live here
 * too (importing a JWK costs far more than a map lookup), forgotten when their key leaves the table;
 * a private key object only while its key is active.
 */
export interface Snapshot {
  /** When it was read, in the injected clock's milliseconds. */
  loadedAt: number;
  /** Active first, then retired keys newest first; ES256 keys only. */
  keys: SigningKey[];
  active: SigningKey | undefined;
}

/** How long a read of the table is trusted before another process's rotation must be seen. */
export const REFRESH_MS = 5_000;

export class KeyCache {
  private snapshot: Snapshot | undefined;
  /** A read in flight, shared by concurrent callers; `generation` says which invalidation it follows. */
  private loading: { generation: number; promise: Promise<Snapshot> } | undefined;
  /** Bumped by every invalidation, so that a read started before a change never caches its result. */
  private generation = 0;
  private readonly privateKeys = new Map<string, KeyObject>();
  private readonly publicKeys = new Map<string, KeyObject>();

  constructor(
    private readonly db: SqlExecutor,
    private readonly clock: Clock,
  ) {}

  /** Forgets the cached table, so the next read sees every process's changes. */
  invalidate(): void {
    this.snapshot = undefined;
    this.generation++;
  }

  /** The imported private key of `kid`, if this process has imported it since it became active. */
  privateKey(kid: string): KeyObject | undefined {
    return this.privateKeys.get(kid);
  }

  keepPrivateKey(kid: string, key: KeyObject): void {
    this.privateKeys.set(kid, key);
  }

  /** The imported public key of `key`, importing it on first use. */
  publicKey(key: SigningKey): KeyObject {
    let publicKey = this.publicKeys.get(key.kid);
    if (!publicKey) {
      publicKey = importPublicKey(key.publicJwk);
      this.publicKeys.set(key.kid, publicKey);
    }
    return publicKey;
  }

  async current(): Promise<Snapshot> {
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
    const rows = await listSigningKeys(this.db);
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
