/**
 * Runs at most `limit` tasks at once; the others wait their turn in the order they came. A task's
 * failure is its caller's and frees its place like a success.
 */
export class ConcurrencyGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`a gate needs a limit of at least 1, not ${limit}`);
  }

  /** Tasks running now (at most `limit`). */
  get active(): number {
    return this.running;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      // The place passes straight to the next waiter, so `running` never dips below the queue's need.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
