import { type Whoami, WhoamiSchema } from "../../server/src/contract";
import { TOKEN_ENV } from "./config";
import type { ManagementClient } from "./http/client";
import { hasCode, isManagementError } from "./http/errors";

/** The line the provider logs before its first call to the server; the drift job reads it back. */
export const IDENTITY_PREFIX = "inbound-oauth: calling";

export function identityLine(endpoint: string, who: Whoami, source: string): string {
  return `${IDENTITY_PREFIX} ${endpoint} as the token "${who.name}" (role ${who.role}), from ${source}`;
}

/**
 * Asks the server which token this is (GET /api/v1/whoami: its name and role, never its value), so
 * every command says which identity it runs as, and a token the server rejects fails with a message
 * naming where it came from instead of a bare 401 on the first record. Undefined when the server
 * predates /whoami (404): the calls then go ahead unnamed.
 */
export async function whoami(client: ManagementClient, source: string): Promise<Whoami | undefined> {
  try {
    const { body } = await client.get("/api/v1/whoami");
    return WhoamiSchema.parse(body);
  } catch (error) {
    if (hasCode(error, "UNAUTHENTICATED")) {
      throw new Error(
        `The server at ${client.endpoint} rejected the admin token from ${source}: ${error.status} ${error.code}, ` +
          `"${error.detail}". ` +
          `Set ${TOKEN_ENV} to a token that server knows: \`inbound-oauth admin-token list\` names them, ` +
          "and a revoked or rotated one must be replaced.",
      );
    }
    if (isManagementError(error) && error.status === 404) return undefined;
    throw error;
  }
}
