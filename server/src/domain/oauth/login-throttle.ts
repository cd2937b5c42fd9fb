import type { Database } from "../../storage/database";
import { AttemptLimiter, type Limit, type Reservation } from "../attempt-limits";
import type { Clock } from "../clock";

/** The login page's limits: guesses per user name, and per client address, in 15 minutes. */
export const LOGIN_LIMITS = {
  perUser: { attempts: 5, windowSeconds: 15 * 60 },
  perAddress: { attempts: 20, windowSeconds: 15 * 60 },
} satisfies Record<string, Limit>;

/**
 * Slows password guessing on the login page: each attempt is reserved, per user name and per
 * address, before the password is hashed (see AttemptLimiter), in the database so that every server
 * process shares the counts and a restart keeps them. A sign-in clears the user name's counter and
 * gives back its address reservation, so only failures count against an address.
 */
export class LoginThrottle {
  private readonly limiter: AttemptLimiter;

  constructor(
    db: Database,
    clock: Clock,
    private readonly limits: { perUser: Limit; perAddress: Limit } = LOGIN_LIMITS,
  ) {
    this.limiter = new AttemptLimiter(db, clock);
  }

  private userKey(user: string): string {
    return `login-user:${user.toLowerCase()}`;
  }

  /** Reserves one attempt; when refused, the password must not be checked. */
  reserve(user: string, address: string): Promise<Reservation> {
    return this.limiter.reserve([
      { key: this.userKey(user), limit: this.limits.perUser },
      { key: `login-address:${address}`, limit: this.limits.perAddress },
    ]);
  }

  /** The attempt signed in. */
  async succeeded(reservation: Reservation & { allowed: true }, user: string): Promise<void> {
    await this.limiter.clear(this.userKey(user));
    await this.limiter.release(reservation.counters.filter((c) => c.key !== this.userKey(user)));
  }
}
