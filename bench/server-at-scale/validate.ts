// Checks, on the full database, that seeded rows are what the server reads as its own: a seeded
// integration answers GET one with its client ID and fingerprint, the list's first page holds the
// oldest seeded integrations, a seeded access token introspects as active for its client and user,
// a seeded refresh token is refreshed (and rotated) with its integration's secret, and presenting
// it again is refused as reuse, which revokes its grant.
import { fingerprint } from "../../server/src/domain/secrets";
import type { Credentials } from "./seed-grants";
import type { SeededIntegration } from "./seed-registry";
import { basicAuthorization } from "./subjects";

export interface Probe {
  integration: SeededIntegration;
  user: { id: string; name: string };
  credentials: Credentials;
}

async function call(
  url: string,
  path: string,
  init: RequestInit,
  status: number,
): Promise<Record<string, unknown>> {
  const answer = await fetch(`${url}${path}`, init);
  const text = await answer.text();
  if (answer.status !== status)
    throw new Error(
      `seeded rows: ${init.method ?? "GET"} ${path} answered ${answer.status}, not ${status}: ${text.slice(0, 300)}`,
    );
  return JSON.parse(text) as Record<string, unknown>;
}

function expect(what: string, actual: unknown, expected: unknown) {
  if (actual !== expected)
    throw new Error(`seeded rows: ${what} is ${JSON.stringify(actual)}, not ${JSON.stringify(expected)}`);
}

/** Throws at the first check that fails; returns what was checked. */
export async function validateSeeded(
  url: string,
  adminToken: string,
  oldestIntegrationId: string,
  listLimit: number,
  probe: Probe,
): Promise<string[]> {
  const admin = { authorization: `Bearer ${adminToken}` };
  const { integration, credentials } = probe;
  const record = await call(url, `/api/v1/integrations/${integration.id}`, { headers: admin }, 200);
  expect("a seeded integration's clientId", record.clientId, integration.clientId);
  expect("its fingerprint", record.clientSecretFingerprint, fingerprint(integration.secret));
  const page = await call(url, `/api/v1/integrations?limit=${listLimit}`, { headers: admin }, 200);
  const items = page.items as { id: string }[];
  expect("the first list page's length", items.length, listLimit);
  expect("the first listed id", items[0]?.id, oldestIntegrationId);

  const form = (fields: Record<string, string>) => ({
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
  const introspect = (token: string) => {
    const init = form({ token });
    return call(url, "/oauth/introspect", { ...init, headers: { ...init.headers, ...admin } }, 200);
  };
  const active = await introspect(credentials.accessToken!);
  expect("a seeded access token's introspection", active.active, true);
  expect("its client_id", active.client_id, integration.clientId);
  expect("its username", active.username, probe.user.name);

  const client = { authorization: basicAuthorization(integration.clientId, integration.secret) };
  const grant = form({ grant_type: "refresh_token", refresh_token: credentials.refreshToken });
  const tokens = await call(url, "/oauth/token", { ...grant, headers: { ...grant.headers, ...client } }, 200);
  if (typeof tokens.refresh_token !== "string" || tokens.refresh_token === credentials.refreshToken)
    throw new Error("seeded rows: the refresh grant did not rotate the seeded refresh token");
  const reuse = await call(url, "/oauth/token", { ...grant, headers: { ...grant.headers, ...client } }, 400);
  expect("presenting the spent refresh token again", reuse.error, "invalid_grant");
  const revoked = await introspect(String(tokens.access_token));
  expect("the grant's new access token after the reuse", revoked.active, false);
  return [
    "GET one of a seeded integration (clientId, fingerprint)",
    `the first list page (${listLimit} seeded integrations, oldest first)`,
    "introspection of a seeded access token (active, client, user)",
    "refresh grant of a seeded refresh token with its integration's secret (rotated)",
    "reuse of it refused (invalid_grant) and its grant revoked",
  ];
}
