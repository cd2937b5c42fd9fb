import { GenerationReads, PerGeneration } from "../../src/domain/records/generation-cache";
import type { SqlExecutor } from "../../src/storage/database";

/** Lets the event loop turn twice: a query scheduled before starts. */
const turn = async () => {
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
};

/**
 * A database whose registry generation the test sets; each query answers, when the test lets it,
 * the generation committed when the query started.
 */
function fakeDatabase() {
  const pending: (() => void)[] = [];
  const state = { generation: 1, queries: 0 };
  const db: SqlExecutor = {
    query: async <T>() => {
      state.queries++;
      const value = state.generation;
      await new Promise<void>((resolve) => pending.push(resolve));
      return [{ value }] as T[];
    },
    execute: async () => ({ rowCount: 0 }),
  };
  /** Lets every query started so far answer, and one scheduled after them start. */
  const answer = async () => {
    for (const resolve of pending.splice(0)) resolve();
    await turn();
  };
  return { db, state, answer };
}

describe("GenerationReads", () => {
  test("callers that arrive before a query starts share it; those that arrive while it runs share the next", async () => {
    const { db, state, answer } = fakeDatabase();
    const reads = new GenerationReads(db);
    const early = Array.from({ length: 5 }, () => reads.read());
    await turn();
    expect(state.queries).toBe(1);
    const late = Array.from({ length: 5 }, () => reads.read());
    await turn();
    expect(state.queries).toBe(1);
    await answer();
    expect(state.queries).toBe(2);
    await answer();
    expect(await Promise.all([...early, ...late])).toEqual(Array(10).fill(1));
    expect(state.queries).toBe(2);
  });

  test("an answer is never older than what was committed before the call", async () => {
    const { db, state, answer } = fakeDatabase();
    const reads = new GenerationReads(db);
    const before = reads.read();
    await turn(); // its query has started
    state.generation = 2; // committed after that query started, before the next call
    const after = reads.read();
    await answer();
    await answer();
    expect(await before).toBe(1);
    expect(await after).toBe(2);
  });

  test("a failed query fails the callers that share it and is not kept: the next call queries again", async () => {
    let fail = true;
    const db: SqlExecutor = {
      query: async <T>() => {
        if (fail) throw new Error("connection lost");
        return [{ value: 7 }] as T[];
      },
      execute: async () => ({ rowCount: 0 }),
    };
    const reads = new GenerationReads(db);
    const failed = [reads.read(), reads.read()];
    for (const read of failed) await expect(read).rejects.toThrow("connection lost");
    fail = false;
    expect(await reads.read()).toBe(7);
  });
});

describe("PerGeneration with a generation the request read already", () => {
  test("makes no query, and keeps one value per generation", async () => {
    const { db, state } = fakeDatabase();
    let made = 0;
    const values = new PerGeneration(db, () => ++made);
    expect(values.at(5)).toBe(1);
    expect(values.at(5)).toBe(1);
    expect(values.at(6)).toBe(2);
    expect(values.at(5)).toBe(3); // an older generation: a value of its own, not kept
    expect(values.at(6)).toBe(2);
    expect(state.queries).toBe(0);
  });
});
