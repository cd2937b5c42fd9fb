// GET /api/v1/whoami names the calling token (name and role) and nothing more: never the token, nor
// its id (a part of the token). Every role may call it; a missing, unknown or revoked token gets 401.
import fc from "fast-check";
import { AdminTokenNameSchema, ROLES, WhoamiSchema } from "../../../src/contract";
import { createAdminToken, revokeAdminToken } from "../../../src/domain/admin-tokens";
import { DATABASES, startTestApp, type TestApp } from "../../helpers/test-app";

/** Token names as `admin-token create --name` accepts them. */
const tokenName = fc
  .stringMatching(/^[A-Za-z0-9._@-]{1,40}$/)
  .filter((name) => AdminTokenNameSchema.safeParse(name).success);

describe.each(DATABASES)("whoami on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t.close());

  const whoami = (authorization?: string) =>
    t.app.inject({
      method: "GET",
      url: "/api/v1/whoami",
      headers: authorization === undefined ? {} : { authorization },
    });

  test("every token, whatever its name and role, is told exactly its own name and role", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(tokenName, fc.constantFrom(...ROLES), async (base, role) => {
        const name = `${base}.${run++}`.slice(-100);
        const { token, principal } = await createAdminToken(t.store.db, name, role, new Date().toISOString());
        const res = await whoami(`Bearer ${token}`);
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(WhoamiSchema.strict().parse(body)).toEqual({ name, role });
        expect(res.body).not.toContain(token);
        expect(res.body).not.toContain(principal.tokenId);
      }),
      { numRuns: 25 },
    );
  });

  test("the test app's tokens: each role may call it (a read), viewer included", async () => {
    for (const role of ROLES) {
      const res = await t.call({ method: "GET", url: "/api/v1/whoami", as: role });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ name: `test-${role}`, role });
    }
  });

  test.each([
    ["no token", undefined],
    ["garbage", "Bearer not-a-token"],
    ["a token that never existed", `Bearer ioa_${"0".repeat(32)}_${"A".repeat(43)}`],
  ])("%s → 401 UNAUTHENTICATED as problem+json", async (_label, authorization) => {
    const res = await whoami(authorization);
    expect(res.statusCode).toBe(401);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json()).toMatchObject({ code: "UNAUTHENTICATED" });
  });

  test("a revoked token → 401", async () => {
    const { token } = await createAdminToken(t.store.db, "to-revoke", "viewer", new Date().toISOString());
    expect(await revokeAdminToken(t.store.db, "to-revoke")).toBe(true);
    const res = await whoami(`Bearer ${token}`);
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain(token);
  });
});
