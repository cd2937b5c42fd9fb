import { type Durability, type SqlExecutor, transactionExecutor } from "./database";

/** What the queue needs of the SQLite connection. */
export interface GroupCommitConnection {
  exec(sql: string): void;
  isTransaction(): boolean;
  /** The connection's executor (statements run at once: the caller holds the connection's lock). */
  direct: SqlExecutor;
  translate(error: unknown): unknown;
  /** Runs work under the connection's FIFO lock. */
  locked(work: () => Promise<void>): Promise<void>;
}

interface Queued {
  fn: (tx: SqlExecutor) => Promise<unknown>;
  durability: Durability;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Group commit: the transactions that arrive while the connection is busy wait together, then run
 * one after another inside one SQLite transaction, each in a savepoint of its own, and commit
 * together, so that N concurrent grants pay for one commit (the WAL write and, with full
 * durability, its fsync) instead of N. Each transaction still sees the ones before it, and a
 * transaction that fails is rolled back to its savepoint alone and rejected alone; the others are
 * answered only once the commit has returned, so nothing is acknowledged before it is as durable
 * as it asked: the batch commits with synchronous=FULL if any of its transactions wants full
 * durability, with NORMAL (relaxed) only when all of them do.
 */
export class GroupCommit {
  private waiting: Queued[] = [];

  constructor(private readonly connection: GroupCommitConnection) {}

  run<T>(fn: (tx: SqlExecutor) => Promise<T>, durability: Durability): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ fn, durability, resolve: resolve as (value: unknown) => void, reject });
      // The first to wait schedules the batch; the others join it until it starts.
      if (this.waiting.length === 1) void this.connection.locked(() => this.commitWaiting());
    });
  }

  private async commitWaiting(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    const { exec } = this.connection;
    const relaxed = batch.every((item) => item.durability === "relaxed");
    // In WAL mode, synchronous=NORMAL skips the fsync at commit: still atomic and safe from a
    // process crash, but a power loss may drop the last commits.
    if (relaxed) exec("PRAGMA synchronous = NORMAL");
    let settled: Settled[];
    try {
      exec("BEGIN IMMEDIATE");
      settled = [];
      // Alone in its batch, a transaction needs no savepoint: its failure rolls back the whole.
      if (batch.length === 1) settled.push({ ok: true, value: await this.runAlone(batch[0] as Queued) });
      else for (const item of batch) settled.push(await this.runOne(item));
      exec("COMMIT");
    } catch (error) {
      if (this.connection.isTransaction()) exec("ROLLBACK");
      const failure = this.connection.translate(error);
      for (const item of batch) item.reject(failure);
      return;
    } finally {
      if (relaxed) exec("PRAGMA synchronous = FULL");
    }
    batch.forEach((item, index) => {
      const outcome = settled[index] as Settled;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }

  /** One transaction's work and its before-commit steps, in whatever transaction is open. */
  private async runAlone(item: Queued): Promise<unknown> {
    const { tx, finish } = transactionExecutor(this.connection.direct);
    const value = await item.fn(tx);
    await finish();
    return value;
  }

  /** One transaction of the batch, in its savepoint. A failure that ended the whole SQLite transaction (an I/O error, a full disk) fails the batch. */
  private async runOne(item: Queued): Promise<Settled> {
    const { exec } = this.connection;
    exec("SAVEPOINT grouped");
    try {
      const value = await this.runAlone(item);
      exec("RELEASE grouped");
      return { ok: true, value };
    } catch (error) {
      if (!this.connection.isTransaction()) throw error;
      exec("ROLLBACK TO grouped");
      exec("RELEASE grouped");
      return { ok: false, error: this.connection.translate(error) };
    }
  }
}
