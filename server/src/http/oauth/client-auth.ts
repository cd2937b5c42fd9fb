import type { FastifyRequest } from "fastify";
import type { Client } from "../../domain/oauth/clients";
import { OAuthError } from "../../domain/oauth/errors";
import type { GrantContext } from "../../domain/oauth/grants";
import { clientAuthThrottle } from "../../domain/oauth/throttle";
import type { TokenContext } from "../../domain/oauth/tokens";
import { verifySecret } from "../../domain/secrets";
import { readGenerationAndAttempts } from "../../storage/generation-reads";
import { contextAt, type OAuthContext } from "./context";

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, " "));
}

/** client_id and client_secret from HTTP Basic (RFC 6749 §2.3.1: each form-urlencoded). */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = header && /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0)
    throw new OAuthError("invalid_client", "The Basic credentials must be client_id:client_secret.");
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw new OAuthError("invalid_client", "The Basic credentials are not valid form-encoding.");
  }
}

/** Checks a confidential client's secret against its stored hash, in constant time. */
async function secretMatches(live: TokenContext["live"], client: Client, secret: string): Promise<boolean> {
  const hash = await live.secretHash(client.id);
  return hash !== undefined && verifySecret(secret, hash);
}

/** The secret check proper: the client, or the refusal (each a failed authentication). */
async function verifyClient(
  live: TokenContext["live"],
  clientId: string,
  secret: string | undefined,
): Promise<Client | OAuthError> {
  const client = await live.client(clientId);
  if (!client)
    return new OAuthError("invalid_client", "Unknown client or wrong secret.", {
      detail: "No integration has this client_id.",
    });
  if (client.publicClient) {
    if (secret !== undefined)
      return new OAuthError("invalid_client", "A public client has no secret; send only client_id.", {
        detail: `Integration ${client.id} is public and was sent a secret.`,
      });
  } else if (secret === undefined || !(await secretMatches(live, client, secret))) {
    return new OAuthError("invalid_client", "Unknown client or wrong secret.", {
      detail: `Integration ${client.id}: ${secret === undefined ? "no secret sent" : "wrong secret"}.`,
    });
  }
  return client;
}

/** client_id and the secret (if any) of the request: exactly one method, Basic or the form. */
function credentialsOf(request: FastifyRequest, form: Record<string, string>) {
  const basic = basicCredentials(request.headers.authorization);
  if (
    basic &&
    (form.client_secret !== undefined || (form.client_id !== undefined && form.client_id !== basic.id))
  ) {
    throw new OAuthError(
      "invalid_request",
      "Use one client authentication method: Basic or client_secret in the body, not both.",
    );
  }
  const clientId = basic?.id ?? form.client_id;
  if (!clientId)
    throw new OAuthError(
      "invalid_client",
      "Authenticate the client: HTTP Basic, or client_id (and client_secret) in the body.",
    );
  return { clientId, secret: basic?.secret ?? form.client_secret };
}

/**
 * Authenticates the client of a token, introspection or revocation request: client_secret_basic
 * or client_secret_post for confidential clients, none (client_id only) for public clients.
 * Exactly one method; an inactive client is refused. Failed authentications are limited per
 * client_id and per address (clientAuthThrottle): a failure is told as such only when it is counted
 * within the limits; once a limit is spent every attempt → 429 invalid_client with Retry-After.
 *
 * One statement reads both what the request sees of the registry (its generation) and the
 * client's failure counters, so a request that authenticates pays one round trip for the two.
 * Returns the client and the request's context at that generation.
 */
export async function authenticateClient(
  ctx: OAuthContext,
  request: FastifyRequest,
  form: Record<string, string>,
): Promise<{ client: Client; grant: GrantContext }> {
  const { clientId, secret } = credentialsOf(request, form);
  const throttle = clientAuthThrottle(ctx.db, ctx.clock);
  const now = ctx.clock.now();
  const keys = throttle.keys(clientId, request.ip);
  const read = await readGenerationAndAttempts(
    ctx.db,
    keys.map(({ key }) => key),
    now,
  );
  const grant = contextAt(ctx, ctx.registryCache.viewAt(read.generation));
  const client = await verifyClient(grant.live, clientId, secret);
  // Right or wrong, a spent limit is found by the same read, so the answer's timing does not tell
  // which; a failure is then counted, atomically, before it may be told.
  let limit = throttle.spent(clientId, request.ip, read.attempts, now);
  if (limit.allowed && client instanceof OAuthError) limit = await throttle.reserve(clientId, request.ip);
  if (!limit.allowed) {
    throw new OAuthError(
      "invalid_client",
      `Too many failed client authentications for this client or from this address; try again in ${limit.retryAfter} second(s).`,
      { status: 429, retryAfter: limit.retryAfter },
    );
  }
  if (client instanceof OAuthError) throw client;
  if (!client.active)
    throw new OAuthError("invalid_client", "The client is inactive.", {
      detail: `Integration ${client.id} is inactive.`,
    });
  return { client, grant };
}
