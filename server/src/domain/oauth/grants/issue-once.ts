import type { TokenResponse } from "../../../contract";
import type { SpendStatement } from "../../../storage/database";
import { spendAndInsertTokens } from "../../../storage/spend-and-issue";
import { type MintedTokens, tokenRows } from "../tokens";
import type { GrantContext } from "./context";

/**
 * Spends a one-time credential (a code, a refresh token) and stores the tokens minted for it
 * atomically, so that of concurrent uses exactly one gets tokens: `spend` is a conditional update
 * that only one can win. Undefined when another use got there first (the caller treats it as reuse).
 * The tokens are minted (a JWT signed) before, so no lock waits on signing. Relaxed durability: a
 * power loss may drop them, and their holder signs in again. On PostgreSQL one round trip
 * (storage/spend-and-issue.ts).
 */
export async function issueOnce(
  ctx: GrantContext,
  spend: SpendStatement,
  minted: MintedTokens,
): Promise<TokenResponse | undefined> {
  return (await spendAndInsertTokens(ctx.db, spend, tokenRows(minted))) ? minted.response : undefined;
}
