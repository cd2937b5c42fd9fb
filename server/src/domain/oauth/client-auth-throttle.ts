import type { Database } from "../../storage/database";
import { AttemptLimiter, type Limit, type Reservation } from "../attempt-limits";
import type { Clock } from "../clock";

/**
 * Failed client authentications allowed at the token, introspection and revocation endpoints: per
 * client_id, and per client address across every client_id, in 5 minutes.
 */
export const CLIENT_AUTH_LIMITS = {
  perClient: { attempts: 20, windowSeconds: 5 * 60 },
  perAddress: { attempts: 60, windowSeconds: 5 * 60 },
} satisfies Record<string, Limit>;

/**
 * Slows client-secret guessing, per client_id and per address. The secret comparison is cheap (a
 * SHA-256), so unlike a password it is the ANSWER that must be limited, not the work: a wrong secret
 * is told wrong (401) only when its failure is atomically counted within both limits
 * (`failed`); otherwise it is told 429, like every request while a limit is spent (`spent`), the
 * right secret included. However many guesses arrive at once, at most the limit's number of wrong
 * ones per window learn anything. Successful authentications are never counted, so a busy client's
 * concurrent requests cannot push each other over the limit (a reservation taken before the
 * comparison would: 23 of 50 concurrent good requests were refused that way on PostgreSQL).
 */
export class ClientAuthThrottle {
  private readonly limiter: AttemptLimiter;

  constructor(
    db: Database,
    clock: Clock,
    private readonly limits: { perClient: Limit; perAddress: Limit } = CLIENT_AUTH_LIMITS,
  ) {
    this.limiter = new AttemptLimiter(db, clock);
  }

  private keys(clientId: string, address: string) {
    // No real client_id is this long; longer ones share one counter instead of growing the table.
    return [
      { key: `client:${clientId.slice(0, 256)}`, limit: this.limits.perClient },
      { key: `client-address:${address}`, limit: this.limits.perAddress },
    ];
  }

  /** The client authenticated: refused (429) only when a limit is already spent. */
  spent(clientId: string, address: string): Promise<Reservation> {
    return this.limiter.spent(this.keys(clientId, address));
  }

  /** The authentication failed: counted, or refused (429, not counted) when over a limit. */
  failed(clientId: string, address: string): Promise<Reservation> {
    return this.limiter.reserve(this.keys(clientId, address));
  }
}
