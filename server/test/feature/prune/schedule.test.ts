// schedulePrune in the process: it prunes at once and then on every interval (a short one here;
// the clock that judges expiry is injected), logs what it removed, survives a failed run, and its
// cancel waits for a run in progress.

import { PRUNE_RULES, type PruneRule } from "../../../src/domain/prune/rules";
import type { PruneResult } from "../../../src/domain/prune/run";
import { schedulePrune } from "../../../src/domain/prune/schedule";
import { T0, testClock } from "../../helpers/oauth-flow";
import { startTestApp, type TestApp } from "../../helpers/test-app";
import { counts, insertSession, type Owners, owners } from "./fixture";

describe("the prune schedule", () => {
  let t: TestApp;
  let o: Owners;
  const clock = testClock();

  beforeAll(async () => {
    t = await startTestApp("sqlite", { clock });
    o = await owners(t);
  });
  afterAll(() => t.close());

  test("runs at once and again every interval, logs removals, and keeps going after a failed run", async () => {
    await insertSession(o, { hash: "ended-1", expires: T0 - 61_000 });
    await insertSession(o, { hash: "live", expires: T0 + 3_600_000 });
    const logged: { level: string; obj: object; msg: string }[] = [];
    const log = {
      info: (obj: object, msg: string) => logged.push({ level: "info", obj, msg }),
      debug: (obj: object, msg: string) => logged.push({ level: "debug", obj, msg }),
      error: (obj: object, msg: string) => logged.push({ level: "error", obj, msg }),
    };
    let fail = false;
    const flaky: PruneRule = {
      table: "flaky",
      deleteBatch: async () => {
        if (fail) throw new Error("database went away");
        return 0;
      },
    };
    const runs: PruneResult[] = [];
    let next: (() => void) | undefined;
    const ran = () => new Promise<void>((done) => (next = done));
    let waiting = ran();
    const cancel = schedulePrune(t.store.db, clock, {
      intervalMs: 10,
      log,
      rules: [...PRUNE_RULES, flaky],
      onRun: (result) => {
        runs.push(result);
        next?.();
      },
    });
    await waiting;
    expect(runs[0]?.find((r) => r.table === "login_sessions")?.removed).toBe(1);
    expect(logged[0]).toEqual({
      level: "info",
      obj: { removed: expect.objectContaining({ login_sessions: 1 }) },
      msg: "pruned expired OAuth state",
    });

    // A failed run is logged; the next one runs anyway.
    fail = true;
    const errorLogged = logged.length;
    waiting = ran();
    await new Promise<void>((done) => {
      const check = setInterval(() => {
        if (logged.length > errorLogged) {
          clearInterval(check);
          done();
        }
      }, 5);
    });
    expect(logged[errorLogged]).toMatchObject({ level: "error" });
    fail = false;

    // Time moves on: the live session ends, and the next scheduled run removes it.
    clock.advance(3600 + 61);
    await insertSession(o, { hash: "ended-2", expires: T0 });
    let removed = 0;
    while (removed < 2) {
      await waiting;
      removed += runs.at(-1)!.find((r) => r.table === "login_sessions")!.removed;
      waiting = ran();
    }
    expect((await counts(t.store.db)).login_sessions).toBe(0);
    await cancel();
    const after = runs.length;
    await t.store.db.query("SELECT 1");
    expect(runs.length).toBe(after);
  });
});
