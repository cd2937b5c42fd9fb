import type { Database } from "../storage/database";
import {
  type Attempts,
  type Counter,
  clearAttempts,
  releaseAttempt,
  reserveAttempt,
} from "../storage/rate-limits";
import type { Clock } from "./clock";

/** At most `attempts` per key within `windowSeconds` of the key's first attempt. */
export interface Limit {
  attempts: number;
  windowSeconds: number;
}

export type Reservation =
  | { allowed: true; counters: Counter[] }
  /** Seconds until the exhausted window ends (at least 1): the Retry-After to send. */
  | { allowed: false; retryAfter: number };

class Exhausted extends Error {
  constructor(readonly retryAfter: number) {
    super("attempt limit reached");
  }
}

/**
 * Brute-force limits kept in the database, shared by every server process and kept over restarts.
 * An attempt is reserved BEFORE the costly or secret check it guards (a password hash, a secret
 * comparison), on all of its keys in one transaction: either every key has room and each is
 * counted, or none is counted and the attempt is refused unevaluated. However many requests arrive
 * at once, at most `attempts` per key and window are evaluated. An attempt that turns out not to be
 * a failure gives its reservation back (`release`), so only failures use up the limit.
 */
export class AttemptLimiter {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async reserve(keys: readonly { key: string; limit: Limit }[]): Promise<Reservation> {
    const now = this.clock.now();
    try {
      const counters = await this.db.transaction(
        async (tx) => {
          const reserved: Counter[] = [];
          // Always in the callers' fixed order of key kinds, so two reservations never wait on
          // each other's rows in opposite orders (no deadlock on PostgreSQL).
          for (const { key, limit } of keys) {
            const counter = await reserveAttempt(tx, key, now, limit.windowSeconds);
            if (counter.hits > limit.attempts) {
              const wait = Math.ceil((Date.parse(counter.windowEnd) - now.getTime()) / 1000);
              throw new Exhausted(Math.max(1, wait));
            }
            reserved.push(counter);
          }
          return reserved;
        },
        // A counter lost to a power failure costs at most a few extra guesses; a commit per attempt
        // with an fsync would cost every request.
        { durability: "relaxed" },
      );
      return { allowed: true, counters };
    } catch (error) {
      if (error instanceof Exhausted) return { allowed: false, retryAfter: error.retryAfter };
      throw error;
    }
  }

  /**
   * Whether some key has used up its limit, by the attempts read at `now`
   * (storage/generation-reads.ts): refused with the Retry-After when so. Counts nothing.
   */
  spentOf(keys: readonly { key: string; limit: Limit }[], attempts: Attempts, now: Date): Reservation {
    let wait = 0;
    for (const { key, limit } of keys) {
      const counted = attempts.get(key);
      if (counted && counted.hits >= limit.attempts)
        wait = Math.max(wait, Math.ceil((Date.parse(counted.windowEnd) - now.getTime()) / 1000), 1);
    }
    return wait > 0 ? { allowed: false, retryAfter: wait } : { allowed: true, counters: [] };
  }

  /** Gives back the reservation on these counters (the attempt was not a failure). */
  async release(counters: readonly Counter[]): Promise<void> {
    for (const counter of counters) await releaseAttempt(this.db, counter);
  }

  /** Forgets every attempt on a key. */
  async clear(key: string): Promise<void> {
    await clearAttempts(this.db, key);
  }
}
