import { OAuthError } from "../errors";
import type { GrantContext } from "./context";

/**
 * The user a code or refresh token was granted by, read live: tokens are issued only while that
 * user exists and is active (an admin deactivating someone stops every later grant at once).
 */
export async function activeUser(
  ctx: GrantContext,
  userId: string,
  credential: "authorization code" | "refresh token",
): Promise<{ id: string; name: string }> {
  const user = await ctx.live.user(userId);
  if (!user?.active)
    throw new OAuthError("invalid_grant", `The user of this ${credential} is inactive or gone.`, {
      detail: `User ${userId} is ${user ? "inactive" : "gone"}.`,
    });
  return { id: user.id, name: user.name };
}
