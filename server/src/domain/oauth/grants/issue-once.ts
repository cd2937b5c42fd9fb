import type { TokenResponse } from "../../../contract";
import type { SqlExecutor } from "../../../storage/database";
import { type MintedTokens, storeTokens } from "../tokens";
import type { GrantContext } from "./context";

/**
 * Spends a one-time credential (a code, a refresh token) and stores the tokens minted for it in one
 * transaction, so that of concurrent uses exactly one gets tokens: `spend` is a conditional update
 * that only one can win. Undefined when another use got there first (the caller treats it as reuse).
 * The tokens are minted (a JWT signed) before, outside the transaction, so no lock waits on signing.
 * Relaxed durability: a power loss may drop them, and their holder signs in again.
 */
export function issueOnce(
  ctx: GrantContext,
  spend: (tx: SqlExecutor) => Promise<boolean>,
  minted: MintedTokens,
): Promise<TokenResponse | undefined> {
  return ctx.db.transaction(async (tx) => ((await spend(tx)) ? storeTokens(tx, minted) : undefined), {
    durability: "relaxed",
  });
}
