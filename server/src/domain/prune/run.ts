import type { Database } from "../../storage/database";
import { lockPruning } from "../../storage/prune";
import type { Clock } from "../clock";
import { PRUNE_RULES, type PruneRule } from "./rules";

/** The most rows one batch deletes: each batch is its own short transaction. */
export const DEFAULT_PRUNE_BATCH_SIZE = 500;

export interface PruneOptions {
  batchSize?: number;
  rules?: readonly PruneRule[];
}

export type PruneResult = { table: string; removed: number }[];

/**
 * Removes what no one can need any more, table by table, in batches of `batchSize` rows, each in
 * its own transaction, so a large backlog never holds locks for long and requests run in between.
 * Safe to run in several processes at once: on PostgreSQL a batch holds a transaction-scoped
 * advisory lock and skips rows another transaction has locked; deletes are idempotent anyway.
 */
export async function prune(db: Database, clock: Clock, options: PruneOptions = {}): Promise<PruneResult> {
  const now = clock.now();
  const limit = options.batchSize ?? DEFAULT_PRUNE_BATCH_SIZE;
  if (!Number.isInteger(limit) || limit < 1) throw new Error("batchSize must be a positive integer");
  const { dialect } = db;
  const result: PruneResult = [];
  for (const rule of options.rules ?? PRUNE_RULES) {
    let removed = 0;
    for (;;) {
      const deleted = await db.transaction(
        async (tx) => {
          await lockPruning(tx, dialect);
          return rule.deleteBatch({ tx, dialect, now, limit });
        },
        // A delete lost to a power failure is simply done again by the next run.
        { durability: "relaxed" },
      );
      removed += deleted;
      if (deleted < limit) break;
    }
    result.push({ table: rule.table, removed });
  }
  return result;
}
