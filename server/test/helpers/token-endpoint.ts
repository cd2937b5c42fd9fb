// What the token endpoint's tests share (feature/oauth/token-code, token-client-auth, token-errors):
// integrations and a person signed in through the first one's authorization request, fresh codes
// issued through that session, and the checks of an answer: a grant's tokens or an RFC 6749 §5.2
// refusal.
import { Writable } from "node:stream";
import type { LightMyRequestResponse } from "fastify";
import {
  type AuthorizeParams,
  type CookieJar,
  codeRequest,
  createIntegration,
  createUser,
  login,
  obtainCode,
  type TestClient,
  type TestUser,
} from "./oauth-flow";
import type { TestApp } from "./test-app";

/** An opaque token: 32 random bytes, base64url. */
export const OPAQUE = /^[A-Za-z0-9_-]{43}$/;

/** An RFC 6749 §5.2 refusal: the status, the error, no other field than its description, no-store. */
export function expectOAuthError(res: LightMyRequestResponse, status: number, error: string) {
  expect({ status: res.statusCode, error: res.json().error }).toEqual({ status, error });
  expect(Object.keys(res.json()).sort()).toEqual(["error", "error_description"]);
  expect(res.headers["cache-control"]).toBe("no-store");
  expect(res.headers.pragma).toBe("no-cache");
  if (status === 401) expect(res.headers["www-authenticate"]).toBe('Basic realm="inbound-oauth"');
}

/** A grant's answer (RFC 6749 §5.1): opaque access and refresh tokens, no scope, no-store. */
export function expectTokens(res: LightMyRequestResponse, expiresIn = 1800) {
  expect(res.statusCode).toBe(200);
  expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
  expect(res.headers["cache-control"]).toBe("no-store");
  expect(res.headers.pragma).toBe("no-cache");
  expect(res.json()).toEqual({
    access_token: expect.stringMatching(OPAQUE),
    token_type: "Bearer",
    expires_in: expiresIn,
    refresh_token: expect.stringMatching(OPAQUE),
    scope: "",
  });
}

/** The form of an authorization_code grant for this code, with more fields (or their absence). */
export function codeGrant(code: string, extra: Record<string, string | undefined> = {}) {
  return { grant_type: "authorization_code", code, ...extra };
}

/** A fresh code issued to client through the signed-in session (extra: more authorization parameters). */
export type CodeFor = (client: TestClient, extra?: AuthorizeParams) => Promise<string>;

export interface SignedIn<K extends string> {
  clients: Record<K, TestClient>;
  /** The person (role itil), whose password is a credential too. */
  alice: TestUser;
  jar: CookieJar;
  codeFor: CodeFor;
}

/**
 * Creates the integrations (a name and the body's overrides each, in this order) and alice (role
 * itil), and signs her in through the authorization request of the first integration.
 */
export async function signInWithClients<K extends string>(
  t: TestApp,
  integrations: Record<K, [name: string, overrides?: Record<string, unknown>]>,
): Promise<SignedIn<K>> {
  const clients = {} as Record<K, TestClient>;
  for (const [key, [name, overrides]] of Object.entries(integrations) as [
    K,
    [string, Record<string, unknown>?],
  ][])
    clients[key] = await createIntegration(t, name, overrides);
  const alice = await createUser(t, "alice", { roles: ["itil"] });
  const first = clients[Object.keys(integrations)[0] as K];
  const jar = await login(t, alice.name, alice.password, codeRequest(first));
  const codeFor = async (client: TestClient, extra: AuthorizeParams = {}) =>
    (await obtainCode(t, codeRequest(client, extra), jar)).code;
  return { clients, alice, jar, codeFor };
}

/** A log stream for buildApp that keeps each line, parsed, in lines. */
export function logLines(): { stream: Writable; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { stream, lines };
}
