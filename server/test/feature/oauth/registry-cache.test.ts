/**
 * The OAuth runtime's registry cache (domain/oauth/registry-cache.ts) answers as if every request
 * read the registry itself: over generated sequences of management changes (an integration's active
 * flag, scopes and secret, a scope's API limits, a user's active flag and roles, a policy, a record
 * deleted and created again), made through one server instance's API, a view taken afterwards by
 * that instance's cache and by a second cache on its own connection to the same database (another
 * server process) equals what the database holds, read directly. Views are taken before every
 * change too, so each cache holds what the change makes stale. The management API's GET-one,
 * which keeps records by id per generation too, shows through either of two servers the last
 * write made through either.
 */
import fc from "fast-check";
import { buildApp } from "../../../src/app";
import { findUser } from "../../../src/domain/kinds/user-login";
import { findClient, findClientById } from "../../../src/domain/oauth/clients";
import { RegistryCache, type RegistryView } from "../../../src/domain/oauth/registry-cache";
import { API_ACCESS_POLICY, AUTH_SCOPE, REST_API } from "../../../src/domain/records/kinds";
import type { Database } from "../../../src/storage/database";
import { PostgresDatabase } from "../../../src/storage/postgres";
import { clientSecretHash } from "../../../src/storage/records/client-secrets";
import { listAll } from "../../../src/storage/records/read";
import { SqliteDatabase } from "../../../src/storage/sqlite";
import {
  createIntegration,
  createPolicy,
  createScope,
  createUser,
  deleteRecord,
  type TestClient,
  updateRecord,
} from "../../helpers/oauth-flow";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";

const APIS = ["Table API", "Attachment API", "Aggregate API"];

type Change =
  | { kind: "active"; integration: number; active: boolean }
  | { kind: "scopes"; integration: number; scopes: boolean[] }
  | { kind: "rotate"; integration: number }
  | { kind: "limit"; scope: number; apis: boolean[] }
  | { kind: "user"; active: boolean; admin: boolean }
  | { kind: "policy"; active: boolean; apis: boolean[] }
  | { kind: "recreate"; integration: number };

const pick = (flags: boolean[], from: readonly string[]) => from.filter((_, i) => flags[i]);
const two = fc.integer({ min: 0, max: 1 });
const flags = (n: number) => fc.array(fc.boolean(), { minLength: n, maxLength: n });

const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ kind: fc.constant("active" as const), integration: two, active: fc.boolean() }),
  fc.record({ kind: fc.constant("scopes" as const), integration: two, scopes: flags(2) }),
  fc.record({ kind: fc.constant("rotate" as const), integration: two }),
  fc.record({ kind: fc.constant("limit" as const), scope: two, apis: flags(3) }),
  fc.record({ kind: fc.constant("user" as const), active: fc.boolean(), admin: fc.boolean() }),
  fc.record({
    kind: fc.constant("policy" as const),
    active: fc.boolean(),
    apis: flags(3).filter((f) => f.some(Boolean)),
  }),
  fc.record({ kind: fc.constant("recreate" as const), integration: two }),
);

describe.each(DATABASES)("registry cache on %s", (kind) => {
  let t: TestApp;
  let other: Database;

  beforeAll(async () => {
    t = await startTestApp(kind);
    other =
      kind === "sqlite"
        ? new SqliteDatabase(t.store.location)
        : new PostgresDatabase(t.store.location, { maxConnections: 4 });
  });
  afterAll(async () => {
    await other.close();
    await t.close();
  });

  /** What the database holds now, read directly, for the records the run uses. */
  async function direct(db: Database, clients: TestClient[], userId: string) {
    return {
      clients: await Promise.all(clients.map((c) => findClient(db, c.clientId))),
      byId: await Promise.all(clients.map((c) => findClientById(db, c.id))),
      secrets: await Promise.all(clients.map((c) => clientSecretHash(db, c.id))),
      user: await findUser(db, userId),
      scopes: await listAll(db, AUTH_SCOPE),
      apis: await listAll(db, REST_API),
      policies: await listAll(db, API_ACCESS_POLICY),
    };
  }

  async function viewed(view: RegistryView, clients: TestClient[], userId: string) {
    return {
      clients: await Promise.all(clients.map((c) => view.client(c.clientId))),
      byId: await Promise.all(clients.map((c) => view.clientById(c.id))),
      secrets: await Promise.all(clients.map((c) => view.secretHash(c.id))),
      user: await view.user(userId),
      scopes: await view.scopes(),
      apis: await view.restApis(),
      policies: await view.policies(),
    };
  }

  test("every view equals a direct read, after any sequence of changes, in both processes", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 8 }), async (changes) => {
        run += 1;
        const scopes = [await createScope(t, `s${run}a`), await createScope(t, `s${run}b`)];
        const names = scopes.map((s) => s.name);
        const clients = [
          await createIntegration(t, `i${run}a`, { authScopes: names }),
          await createIntegration(t, `i${run}b`, { authScopes: [names[0]] }),
        ];
        const user = await createUser(t, `u${run}`);
        const policy = await createPolicy(t, `p${run}`, {
          restApis: ["Table API"],
          integrations: [clients[0]!.name],
        });
        const caches = [new RegistryCache(t.store.db), new RegistryCache(other)];
        const check = async () => {
          for (const cache of caches)
            expect(await viewed(await cache.view(), clients, user.id)).toEqual(
              await direct(t.store.db, clients, user.id),
            );
        };
        await check();
        for (const step of changes) {
          if (step.kind === "active")
            await updateRecord(t, "integrations", clients[step.integration]!.id, { active: step.active });
          else if (step.kind === "scopes")
            await updateRecord(t, "integrations", clients[step.integration]!.id, {
              authScopes: pick(step.scopes, names),
            });
          else if (step.kind === "rotate") {
            const res = await t.call({
              method: "POST",
              url: `/api/v1/integrations/${clients[step.integration]!.id}/rotate-secret`,
            });
            expect(res.statusCode).toBe(200);
          } else if (step.kind === "limit")
            await updateRecord(t, "auth-scopes", scopes[step.scope]!.id, {
              limitAuthorizationToApis: pick(step.apis, APIS),
            });
          else if (step.kind === "user")
            await updateRecord(t, "users", user.id, {
              active: step.active,
              roles: step.admin ? ["itil", "admin"] : ["itil"],
            });
          else if (step.kind === "policy")
            await updateRecord(t, "api-access-policies", policy.id, {
              active: step.active,
              restApis: pick(step.apis, APIS),
            });
          else {
            // Deleted and created again under the same name and client ID: a new id and secret.
            const old = clients[step.integration]!;
            await updateRecord(t, "api-access-policies", policy.id, { integrations: [] });
            await deleteRecord(t, "integrations", old.id);
            clients[step.integration] = await createIntegration(t, old.name, {
              clientId: old.clientId,
              authScopes: [names[1]],
            });
          }
          await check();
        }
      }),
      { numRuns: 12 },
    );
  }, 120_000);

  test("GET one through either of two servers shows the last write made through either", async () => {
    const second = buildApp({ db: other, logLevel: "silent" });
    await second.ready();
    const servers = [t.app, second];
    const get = async (server: number, id: string) =>
      (
        await servers[server]!.inject({
          method: "GET",
          url: `/api/v1/auth-scopes/${id}`,
          headers: { authorization: `Bearer ${t.tokens.admin}` },
        })
      ).json() as { description: string; version: number };
    try {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({ server: two, description: fc.string({ maxLength: 20 }), reads: fc.array(two) }),
            {
              minLength: 1,
              maxLength: 8,
            },
          ),
          async (writes) => {
            run += 1;
            const scope = await createScope(t, `get-${run}`);
            await get(0, scope.id);
            await get(1, scope.id);
            for (const write of writes) {
              const current = await get(write.server, scope.id);
              const res = await servers[write.server]!.inject({
                method: "PUT",
                url: `/api/v1/auth-scopes/${scope.id}`,
                headers: { authorization: `Bearer ${t.tokens.admin}`, "if-match": `"${current.version}"` },
                payload: { name: scope.name, description: write.description, limitAuthorizationToApis: [] },
              });
              expect(res.statusCode).toBe(200);
              for (const server of [0, 1, ...write.reads])
                expect(await get(server, scope.id)).toMatchObject({
                  description: write.description,
                  version: current.version + 1,
                });
            }
          },
        ),
        { numRuns: 15 },
      );
    } finally {
      await second.close();
    }
  }, 120_000);
});
