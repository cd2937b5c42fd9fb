import type { Database } from "../../storage/database";
import type { Attempts } from "../../storage/rate-limits";
import { AttemptLimiter, type Limit, type Reservation } from "../attempt-limits";
import type { Clock } from "../clock";

/** One side of a throttle: the prefix and spelling of its counters' keys, and their limit. */
export interface ThrottleKey {
  prefix: string;
  /** The value as counted (e.g. lower-cased), before the prefix. */
  spell?: (value: string) => string;
  limit: Limit;
}

/**
 * Guessing limits on a subject (a user name, a client_id) and on the client address, counted in
 * the database (AttemptLimiter) so every server process shares them and a restart keeps them. Both
 * counters are reserved together or not at all; `spent` only judges what was read of them.
 */
export class Throttle {
  private readonly limiter: AttemptLimiter;

  private readonly subject: ThrottleKey;
  private readonly address: ThrottleKey;

  constructor(db: Database, clock: Clock, keys: { subject: ThrottleKey; address: ThrottleKey }) {
    this.limiter = new AttemptLimiter(db, clock);
    this.subject = keys.subject;
    this.address = keys.address;
  }

  private key(side: ThrottleKey, value: string): string {
    return side.prefix + (side.spell ? side.spell(value) : value);
  }

  /** The two counters an attempt by subject from address counts on, with their limits. */
  keys(subject: string, address: string): { key: string; limit: Limit }[] {
    return [
      { key: this.key(this.subject, subject), limit: this.subject.limit },
      { key: this.key(this.address, address), limit: this.address.limit },
    ];
  }

  /** Counts one attempt on both keys, or refuses it (429, nothing counted) when either is over. */
  reserve(subject: string, address: string): Promise<Reservation> {
    return this.limiter.reserve(this.keys(subject, address));
  }

  /** Refused (429) when a limit is already spent by the attempts read at `now`; counts nothing. */
  spent(subject: string, address: string, attempts: Attempts, now: Date): Reservation {
    return this.limiter.spentOf(this.keys(subject, address), attempts, now);
  }

  /** The reserved attempt succeeded: the subject starts afresh, the address gets its attempt back. */
  async succeeded(reservation: Reservation & { allowed: true }, subject: string): Promise<void> {
    const subjectKey = this.key(this.subject, subject);
    await this.limiter.clear(subjectKey);
    await this.limiter.release(reservation.counters.filter((c) => c.key !== subjectKey));
  }
}

/** The login page's limits: guesses per user name, and per client address, in 15 minutes. */
export const LOGIN_LIMITS = {
  perUser: { attempts: 5, windowSeconds: 15 * 60 },
  perAddress: { attempts: 20, windowSeconds: 15 * 60 },
} satisfies Record<string, Limit>;

/**
 * Failed client authentications allowed at the token, introspection and revocation endpoints: per
 * client_id, and per client address across every client_id, in 5 minutes.
 */
export const CLIENT_AUTH_LIMITS = {
  perClient: { attempts: 20, windowSeconds: 5 * 60 },
  perAddress: { attempts: 60, windowSeconds: 5 * 60 },
} satisfies Record<string, Limit>;

/** How each throttle keys its two counters. */
const KEYS = {
  login: {
    subject: {
      prefix: "login-user:",
      spell: (user: string) => user.toLowerCase(),
      limit: LOGIN_LIMITS.perUser,
    },
    address: { prefix: "login-address:", limit: LOGIN_LIMITS.perAddress },
  },
  clientAuth: {
    // No real client_id is this long; longer ones share one counter instead of growing the table.
    subject: {
      prefix: "client:",
      spell: (id: string) => id.slice(0, 256),
      limit: CLIENT_AUTH_LIMITS.perClient,
    },
    address: { prefix: "client-address:", limit: CLIENT_AUTH_LIMITS.perAddress },
  },
} satisfies Record<string, { subject: ThrottleKey; address: ThrottleKey }>;

/**
 * Slows password guessing on the login page: each attempt is reserved, per user name
 * (case-insensitive) and per address, before the password is hashed; a sign-in calls `succeeded`,
 * so only failures count against an address.
 */
export function loginThrottle(db: Database, clock: Clock): Throttle {
  return new Throttle(db, clock, KEYS.login);
}

/**
 * Slows client-secret guessing, per client_id and per address. The secret comparison is cheap (a
 * SHA-256), so unlike a password it is the ANSWER that must be limited, not the work: a wrong secret
 * is told wrong (401) only when its failure is atomically counted within both limits (`reserve`
 * after the comparison); otherwise it is told 429, like every request while a limit is spent
 * (`spent`), the right secret included. However many guesses arrive at once, at most the limit's
 * number of wrong ones per window learn anything. Successful authentications are never counted, so
 * a busy client's concurrent requests cannot push each other over the limit (a reservation taken
 * before the comparison would: 23 of 50 concurrent good requests were refused that way on PostgreSQL).
 */
export function clientAuthThrottle(db: Database, clock: Clock): Throttle {
  return new Throttle(db, clock, KEYS.clientAuth);
}
