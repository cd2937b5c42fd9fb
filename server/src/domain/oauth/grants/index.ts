import type { TokenRequest, TokenResponse } from "../../../contract";
import type { Client } from "../clients";
import { OAuthError } from "../errors";
import { authorizationCode } from "./authorization-code";
import type { GrantContext, GrantHandler } from "./context";
import { refreshToken } from "./refresh-token";

export type { GrantContext } from "./context";

/**
 * The grant types of the token endpoint, one file each (as node-oidc-provider's
 * lib/actions/grants/): adding one is a file and a line here. The metadata document advertises
 * exactly these.
 */
const GRANTS = {
  authorization_code: authorizationCode,
  refresh_token: refreshToken,
} satisfies Record<string, GrantHandler>;

export type GrantType = keyof typeof GRANTS;
export const GRANT_TYPES = Object.keys(GRANTS) as GrantType[];

/**
 * Runs the grant the request's grant_type names, for a client already authenticated: tokens, or an
 * OAuthError (invalid_request without grant_type, unsupported_grant_type for any other name).
 */
export async function exchangeGrant(
  ctx: GrantContext,
  client: Client,
  params: TokenRequest,
): Promise<TokenResponse> {
  const grantType = params.grant_type;
  if (!grantType) throw new OAuthError("invalid_request", "grant_type is required.");
  if (!Object.hasOwn(GRANTS, grantType))
    throw new OAuthError("unsupported_grant_type", `Only ${GRANT_TYPES.join(" and ")} are supported.`, {
      detail: `grant_type ${JSON.stringify(grantType.slice(0, 100))}.`,
    });
  return GRANTS[grantType as GrantType](ctx, client, params);
}
