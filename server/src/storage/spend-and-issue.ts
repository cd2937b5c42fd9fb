import type { Database, SpendStatement } from "./database";
import { insertTokens, insertTokensIfSpent, type NewToken } from "./oauth-tokens";

/**
 * Spends a one-time credential and stores the tokens issued for it, atomically and with relaxed
 * durability (short-lived OAuth state: a power loss may drop them, their holder signs in again).
 * False, with nothing stored, when another use spent it first.
 *
 * PostgreSQL: one statement, `WITH spent AS (UPDATE … RETURNING 1) INSERT … WHERE EXISTS (spent)`,
 * one round trip instead of five (BEGIN, UPDATE, INSERT, COMMIT and the session setting). A
 * concurrent use waits for the row lock of the UPDATE and then finds the credential spent, as in a
 * transaction. SQLite cannot update in a CTE; there the two statements share a relaxed transaction
 * (and a group commit), which costs no round trip.
 */
export async function spendAndInsertTokens(
  db: Database,
  spend: SpendStatement,
  tokens: readonly NewToken[],
): Promise<boolean> {
  if (db.dialect === "postgres") {
    const insert = insertTokensIfSpent(tokens);
    const { rowCount } = await db.executeRelaxed(`WITH spent AS (${spend.sql} RETURNING 1) ${insert.sql}`, [
      ...spend.params,
      ...insert.params,
    ]);
    return rowCount > 0;
  }
  return db.transaction(
    async (tx) => {
      if ((await tx.execute(spend.sql, spend.params)).rowCount !== 1) return false;
      await insertTokens(tx, tokens);
      return true;
    },
    { durability: "relaxed" },
  );
}
