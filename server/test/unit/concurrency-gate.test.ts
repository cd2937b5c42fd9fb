// The gate that bounds concurrent work (src/domain/concurrency-gate.ts), over generated schedules:
// never more than its limit at once, every task run exactly once, in the order the tasks came,
// failures given to their callers and their places freed.
import fc from "fast-check";
import { ConcurrencyGate } from "../../src/domain/concurrency-gate";

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("ConcurrencyGate", () => {
  test("of any tasks, at most `limit` run at once, each exactly once, started in arrival order; failures reach their callers", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.record({ ticks: fc.integer({ min: 1, max: 3 }), fails: fc.boolean() }), {
          minLength: 1,
          maxLength: 25,
        }),
        async (limit, tasks) => {
          const gate = new ConcurrencyGate(limit);
          let running = 0;
          let peak = 0;
          const started: number[] = [];
          const outcomes = await Promise.allSettled(
            tasks.map((task, index) =>
              gate.run(async () => {
                started.push(index);
                running++;
                peak = Math.max(peak, running);
                expect(gate.active).toBeLessThanOrEqual(limit);
                for (let i = 0; i < task.ticks; i++) await tick();
                running--;
                if (task.fails) throw new Error(`task ${index}`);
                return index;
              }),
            ),
          );
          expect(peak).toBeLessThanOrEqual(limit);
          expect(peak).toBe(Math.min(limit, tasks.length));
          expect(started).toEqual(tasks.map((_, index) => index));
          outcomes.forEach((outcome, index) => {
            if (tasks[index]!.fails)
              expect(outcome).toEqual({ status: "rejected", reason: new Error(`task ${index}`) });
            else expect(outcome).toEqual({ status: "fulfilled", value: index });
          });
          expect(gate.active).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  test("a limit below 1 is refused", () => {
    expect(() => new ConcurrencyGate(0)).toThrow("at least 1");
    expect(() => new ConcurrencyGate(1.5)).toThrow("at least 1");
  });
});
