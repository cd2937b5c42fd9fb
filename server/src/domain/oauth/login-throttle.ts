import type { Clock } from "../clock";

interface Limit {
  failures: number;
  windowSeconds: number;
}

/**
 * Slows password guessing: after too many failed logins for one user name, or from one address,
 * within a window, further attempts are refused until the oldest failure leaves the window. Kept in
 * memory per server process (several processes each apply the limit).
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: { perUser: Limit; perAddress: Limit } = {
      perUser: { failures: 5, windowSeconds: 15 * 60 },
      perAddress: { failures: 20, windowSeconds: 15 * 60 },
    },
  ) {}

  private keys(user: string, address: string): [string, Limit][] {
    return [
      [`user:${user.toLowerCase()}`, this.limits.perUser],
      [`address:${address}`, this.limits.perAddress],
    ];
  }

  private recent(key: string, limit: Limit): number[] {
    const now = this.clock.now().getTime();
    const kept = (this.failures.get(key) ?? []).filter((t) => t > now - limit.windowSeconds * 1000);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  /** Seconds to wait before another attempt, or 0 when one is allowed now. */
  retryAfter(user: string, address: string): number {
    let wait = 0;
    const now = this.clock.now().getTime();
    for (const [key, limit] of this.keys(user, address)) {
      const recent = this.recent(key, limit);
      if (recent.length >= limit.failures) {
        wait = Math.max(wait, Math.ceil((recent[0]! + limit.windowSeconds * 1000 - now) / 1000));
      }
    }
    return wait;
  }

  fail(user: string, address: string): void {
    const now = this.clock.now().getTime();
    for (const [key, limit] of this.keys(user, address))
      this.failures.set(key, [...this.recent(key, limit), now]);
  }

  succeed(user: string): void {
    this.failures.delete(`user:${user.toLowerCase()}`);
  }
}
