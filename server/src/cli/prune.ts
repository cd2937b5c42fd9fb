import { parseArgs } from "node:util";
import { systemClock } from "../domain/clock";
import { prune } from "../domain/prune/run";
import { databaseLocation, withDatabase } from "./common";

/**
 * `inbound-oauth prune`: removes expired codes, tokens, sessions and idempotency records now (what
 * `serve` does on its schedule) and prints how many rows it removed from each table.
 */
export async function pruneCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { database: { type: "string" } } });
  const result = await withDatabase(databaseLocation(values), (db) => prune(db, systemClock));
  const width = Math.max(...result.map((r) => r.table.length));
  for (const { table, removed } of result)
    process.stdout.write(`${table.padEnd(width)}  ${removed} removed\n`);
}
