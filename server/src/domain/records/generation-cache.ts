import type { SqlExecutor } from "../../storage/database";
import { readRegistryGeneration } from "../../storage/registry-generation";

/** How many answers one lookup of one generation keeps before it starts over (bounds memory). */
const MOST_ENTRIES = 10_000;

/** Freezes a value read from the database and all it holds: cached values are shared by concurrent requests. */
export function frozen<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) frozen(inner);
    Object.freeze(value);
  }
  return value;
}

/** One lookup's answers by key, frozen; a failed read is forgotten, so the next request reads again. */
export class Lookup<T> {
  private readonly answers = new Map<string, Promise<T>>();

  get(key: string, read: () => Promise<T>): Promise<T> {
    let answer = this.answers.get(key);
    if (!answer) {
      if (this.answers.size >= MOST_ENTRIES) this.answers.clear();
      answer = read().then(frozen);
      answer.catch(() => this.answers.delete(key));
      this.answers.set(key, answer);
    }
    return answer;
  }
}

/** Resolves once the requests the event loop has received so far have run up to their first wait. */
function afterReceived(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The registry generation as of now, for every caller in this process over one database: each
 * answer comes from a query that started after read() was called, so it is at least as new as
 * any change committed before the call (by any process). A query starts once the requests already
 * received have asked (after the event loop's poll phase), and callers that arrive while one runs
 * share the next, started when it returns: a burst of requests costs one query, and on PostgreSQL
 * one round trip at a time, instead of one each.
 */
export class GenerationReads {
  /** The next query, not started yet: a caller may still join it. */
  private pending: Promise<number> | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: SqlExecutor) {}

  read(): Promise<number> {
    this.pending ??= this.schedule();
    return this.pending;
  }

  private async schedule(): Promise<number> {
    await this.running.catch(() => undefined);
    await afterReceived();
    // From here on a caller waits for the next query: this one may miss what it committed.
    this.pending = undefined;
    const query = readRegistryGeneration(this.db);
    this.running = query;
    return query;
  }
}

const READS = new WeakMap<SqlExecutor, GenerationReads>();

/** The one GenerationReads of this process over `db`, so every cache and request shares its queries. */
export function generationReadsOf(db: SqlExecutor): GenerationReads {
  let reads = READS.get(db);
  if (!reads) {
    reads = new GenerationReads(db);
    READS.set(db, reads);
  }
  return reads;
}

/**
 * A value made afresh for each registry generation (storage/registry-generation.ts): current()
 * reads the generation (one small query) and returns the value made for it, so what a value keeps
 * (lookups of records) is dropped as soon as any process commits a registry change, and the next
 * request reads again: as if every request read the records themselves.
 *
 * A value is never newer in name than in content: it is made after the generation was read, so
 * what it reads is of that generation or later; a later generation then gets a new value. A
 * generation older than the current one (a slow read on another pooled connection) gets a value of
 * its own that is not kept.
 */
export class PerGeneration<V> {
  private kept: { generation: number; value: V } | undefined;

  private readonly generations: GenerationReads;

  constructor(
    db: SqlExecutor,
    private readonly make: () => V,
  ) {
    this.generations = generationReadsOf(db);
  }

  /** The value of the current generation (one shared read of it, GenerationReads). */
  async current(): Promise<V> {
    return this.at(await this.generations.read());
  }

  /**
   * The value of a generation this request has read already (alone, or in a statement that read
   * more): the request then sees the registry once, as of that read.
   */
  at(generation: number): V {
    if (this.kept?.generation === generation) return this.kept.value;
    const value = this.make();
    if (!this.kept || generation > this.kept.generation) this.kept = { generation, value };
    return value;
  }
}
