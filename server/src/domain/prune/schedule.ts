import type { Database } from "../../storage/database";
import type { Clock } from "../clock";
import { type PruneOptions, type PruneResult, prune } from "./run";

/** How often `serve` prunes unless --prune-interval-seconds says otherwise (0 turns it off). */
export const DEFAULT_PRUNE_INTERVAL_SECONDS = 15 * 60;

export interface PruneLog {
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Prunes at once and then every `intervalMs` (an unref'd timer, so it never keeps the process
 * alive); a run still going when the next is due makes that one skip. Logs what it removed; a
 * failed run is logged and retried at the next. Returns a function that cancels the schedule and
 * resolves once a run in progress has finished (so the database can then be closed).
 */
export function schedulePrune(
  db: Database,
  clock: Clock,
  options: PruneOptions & { intervalMs: number; log: PruneLog; onRun?: (result: PruneResult) => void },
): () => Promise<void> {
  if (!(options.intervalMs > 0)) throw new Error("intervalMs must be a positive number");
  let cancelled = false;
  let running: Promise<void> | undefined;
  const run = () => {
    if (cancelled || running) return;
    running = once().finally(() => {
      running = undefined;
    });
  };
  const once = async () => {
    try {
      const result = await prune(db, clock, options);
      const removed = Object.fromEntries(result.map((r) => [r.table, r.removed]));
      if (result.some((r) => r.removed > 0)) options.log.info({ removed }, "pruned expired OAuth state");
      else options.log.debug({ removed }, "nothing to prune");
      options.onRun?.(result);
    } catch (error) {
      options.log.error({ err: error }, "pruning expired OAuth state failed; will retry at the next run");
    }
  };
  const timer = setInterval(run, options.intervalMs);
  timer.unref();
  run();
  return async () => {
    cancelled = true;
    clearInterval(timer);
    await running;
  };
}
