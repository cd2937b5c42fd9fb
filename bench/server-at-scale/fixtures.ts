// What the bench makes through the management API, so that the server writes it itself: the auth
// scopes, the bench's user, one list page of integrations (the "empty" database); and the rows the
// server wrote for them, which the seeding copies (its templates).
import { randomBytes } from "node:crypto";
import type { SeedDatabase } from "./seed-database";

export interface FixtureIntegration {
  id: string;
  clientId: string;
  secret: string;
}

export interface Fixtures {
  scopes: { id: string; name: string }[];
  user: { id: string; name: string };
  integrations: FixtureIntegration[];
}

/** A client secret of at least 32 printable characters: the bench knows it, the server stores its hash. */
export const newSecret = () => randomBytes(24).toString("base64url");

export const REDIRECT_URL = "https://app.example.com/callback";

/** The auth scopes an integration of this index may request (none, one or two of three). */
export function scopesOf<S>(scopes: readonly S[], index: number): S[] {
  return scopes.slice(0, index % 3);
}

async function post<T>(url: string, token: string, path: string, body: object): Promise<T> {
  const answer = await fetch(`${url}/api/v1${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await answer.text();
  if (answer.status !== 201) throw new Error(`POST ${path} answered ${answer.status}: ${text}`);
  return JSON.parse(text) as T;
}

export async function createFixtures(url: string, token: string, integrations: number): Promise<Fixtures> {
  const scopes: Fixtures["scopes"] = [];
  for (const name of ["scale.read", "scale.write", "scale.admin"]) {
    scopes.push(await post(url, token, "/auth-scopes", { name, description: `Scope ${name}` }));
  }
  const user = await post<{ id: string; name: string }>(url, token, "/users", {
    name: "scale-bench-user",
    password: randomBytes(18).toString("base64url"),
    roles: ["itil"],
  });
  const made: FixtureIntegration[] = [];
  for (let i = 0; i < integrations; i++) {
    const secret = newSecret();
    const created = await post<{ id: string; clientId: string }>(url, token, "/integrations", {
      name: `scale-fixture-${i}`,
      providerName: "Acme",
      redirectUrls: [REDIRECT_URL],
      clientSecret: secret,
      authScopes: scopesOf(scopes, i).map((scope) => scope.name),
    });
    made.push({ id: created.id, clientId: created.clientId, secret });
  }
  return { scopes, user: { id: user.id, name: user.name }, integrations: made };
}

/** Integrations for the delete workload, made through the API; their ids. */
export async function createDeletable(url: string, token: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await post<{ id: string }>(url, token, "/integrations", {
      name: `scale-deletable-${i}`,
      providerName: "Acme",
      redirectUrls: [REDIRECT_URL],
    });
    ids.push(created.id);
  }
  return ids;
}

/** A record the server wrote, and the audit event of its creation: what seeded records copy. */
export interface RecordTemplate {
  document: string;
  actor: string;
  changes: string;
}

export interface Templates {
  integration: RecordTemplate & { accessLifespanMs: number; refreshLifespanMs: number };
  user: RecordTemplate & { passwordHash: string };
}

async function recordTemplate(db: SeedDatabase, table: string, id: string): Promise<RecordTemplate> {
  const [record] = await db.query<{ document: string }>(`SELECT document FROM ${table} WHERE id = ?`, [id]);
  const [event] = await db.query<{ actor: string; changes: string }>(
    "SELECT actor, changes FROM audit_events WHERE record_id = ? AND action = 'create'",
    [id],
  );
  if (!record || !event) throw new Error(`no ${table} row ${id} with its audit event to copy`);
  return { document: record.document, actor: event.actor, changes: event.changes };
}

/** The rows of the first fixture integration (it has no auth scope) and of the user. */
export async function readTemplates(db: SeedDatabase, fixtures: Fixtures): Promise<Templates> {
  const integration = await recordTemplate(db, "integrations", fixtures.integrations[0]!.id);
  const lifespans = JSON.parse(integration.document) as {
    accessTokenLifespan: number;
    refreshTokenLifespan: number;
  };
  const user = await recordTemplate(db, "users", fixtures.user.id);
  const [password] = await db.query<{ hash: string }>("SELECT hash FROM user_passwords WHERE user_id = ?", [
    fixtures.user.id,
  ]);
  if (!password) throw new Error("the bench user has no password row");
  return {
    integration: {
      ...integration,
      accessLifespanMs: lifespans.accessTokenLifespan * 1000,
      refreshLifespanMs: lifespans.refreshTokenLifespan * 1000,
    },
    user: { ...user, passwordHash: password.hash },
  };
}
