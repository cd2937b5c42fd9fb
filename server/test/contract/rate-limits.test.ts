// The rate-limit counters' storage (src/storage/rate-limits.ts) on both databases: a window resets
// once it has ended, the read of a request's generation and counters sees exactly the running ones,
// and the pruner's rate_limits rule removes exactly the ended ones.
import { prune } from "../../src/domain/prune/run";
import { readGenerationAndAttempts } from "../../src/storage/generation-reads";
import { reserveAttempt } from "../../src/storage/rate-limits";
import { readRegistryGeneration } from "../../src/storage/registry-generation";
import { DATABASES, openTestStore, type TestStore } from "../helpers/test-app";

const T0 = new Date("2030-01-01T00:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe.each(DATABASES)("rate-limit counters on %s", (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(async () => store.dispose());

  test("a key counts within its window and starts afresh once the window has ended", async () => {
    const db = store.db;
    expect((await reserveAttempt(db, "k:reset", T0, 60)).hits).toBe(1);
    expect((await reserveAttempt(db, "k:reset", at(59), 60)).hits).toBe(2);
    const fresh = await reserveAttempt(db, "k:reset", at(60), 60);
    expect(fresh).toEqual({
      key: "k:reset",
      hits: 1,
      windowStart: at(60).toISOString(),
      windowEnd: at(120).toISOString(),
    });
    const generation = await readRegistryGeneration(db);
    expect(await readGenerationAndAttempts(db, ["k:reset", "k:other"], at(119))).toEqual({
      generation,
      attempts: new Map([["k:reset", { hits: 1, windowEnd: at(120).toISOString() }]]),
    });
    expect(await readGenerationAndAttempts(db, ["k:reset"], at(120))).toEqual({
      generation,
      attempts: new Map(),
    });
  });

  test("pruning removes the counters whose window has ended, and only those", async () => {
    const db = store.db;
    await reserveAttempt(db, "k:short", T0, 10);
    await reserveAttempt(db, "k:long", T0, 1000);
    const before = await db.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM rate_limits");
    const result = await prune(db, { now: () => at(500) });
    const removed = result.find((entry) => entry.table === "rate_limits")!.removed;
    const left = await db.query<{ bucket: string }>("SELECT bucket FROM rate_limits ORDER BY bucket");
    expect(removed).toBe(Number(before[0]!.n) - left.length);
    expect(left.map((r) => r.bucket)).toContain("k:long");
    expect(left.map((r) => r.bucket)).not.toContain("k:short");
  });
});
