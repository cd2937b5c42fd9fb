// The operations Pulumi's dynamic-provider host calls, with what the host and the SDK add to the
// inputs (__provider, __resource), against a real server. Verified the same way with the real
// engine (preview, up, refresh --expect-no-changes, destroy) outside the test suite.
import * as provider from "../../src/dynamic";
import { type LiveServer, startServer } from "./helpers";

let server: LiveServer;
beforeAll(async () => {
  server = await startServer();
  // As the host runs it: the endpoint from the stack config, the token from the environment.
  process.env.INBOUND_OAUTH_ADMIN_TOKEN = server.adminToken;
  const values: Record<string, string> = { "inbound-oauth:endpoint": server.url };
  await provider.configure({ get: (key) => values[key], require: (key) => values[key]! });
});
afterAll(async () => {
  delete process.env.INBOUND_OAUTH_ADMIN_TOKEN;
  await server.close();
});

const host = { __provider: "exports.handler = () => ({})", __resource: "project/dev/app" };
const grant = (overrides: Record<string, unknown> = {}) => ({
  ...host,
  name: "Dynamic app",
  providerName: "Acme",
  redirectUrls: ["https://app.example.com/cb"],
  ...overrides,
});

async function outOfBand(path: string, change: Record<string, unknown>) {
  const headers = { authorization: `Bearer ${server.otherToken}`, "content-type": "application/json" };
  const record = (await (await fetch(`${server.url}${path}`, { headers })).json()) as Record<string, unknown>;
  const { id: _id, version, createdAt: _c, updatedAt: _u, clientSecretFingerprint: _f, ...body } = record;
  const res = await fetch(`${server.url}${path}`, {
    method: "PUT",
    headers: { ...headers, "if-match": `"${version}"` },
    body: JSON.stringify({ ...body, ...change }),
  });
  expect(res.status).toBe(200);
}

test("check ignores what Pulumi's host and the SDK add, and keeps the seed", async () => {
  const result = await provider.checkInputs("AuthorizationCodeGrant", grant());
  expect(result.failures).toBeUndefined();
  expect(result.inputs).toMatchObject({ __resource: "project/dev/app", tokenFormat: "Opaque" });
  expect(result.inputs).not.toHaveProperty("__provider");
});

test("a generated clientId and secret are outputs, never inputs: refresh reports only real drift", async () => {
  const inputs = (await provider.checkInputs("AuthorizationCodeGrant", grant())).inputs as Record<
    string,
    unknown
  >;
  const created = await provider.create("AuthorizationCodeGrant", { ...inputs, __provider: host.__provider });
  const state = created.outs as Record<string, unknown>;
  expect(state).not.toHaveProperty("__provider");
  const unchanged = await provider.read("AuthorizationCodeGrant", created.id, state);
  expect(unchanged.inputs).not.toHaveProperty("clientId");
  expect(unchanged.inputs).not.toHaveProperty("clientSecret");
  expect((await provider.diffInputs("AuthorizationCodeGrant", unchanged.props!, inputs)).changes).toBe(false);

  await outOfBand(`/api/v1/integrations/${created.id}`, { accessTokenLifespan: 60 });
  const drifted = await provider.read("AuthorizationCodeGrant", created.id, unchanged.props!);
  expect(drifted.inputs).toMatchObject({ accessTokenLifespan: 60 });
  const plan = await provider.diffInputs("AuthorizationCodeGrant", drifted.props!, inputs);
  expect(plan).toMatchObject({ changes: true, replaces: [] });
  await provider.update("AuthorizationCodeGrant", created.id, drifted.props!, inputs);
  const restored = await provider.read("AuthorizationCodeGrant", created.id, drifted.props!);
  expect(restored.props).toMatchObject({ accessTokenLifespan: 1800 });
  await provider.remove("AuthorizationCodeGrant", created.id);
  expect(await provider.read("AuthorizationCodeGrant", created.id, restored.props!)).toEqual({});
});

test("a declared clientId stays an input after refresh", async () => {
  const inputs = (
    await provider.checkInputs(
      "AuthorizationCodeGrant",
      grant({ name: "Declared", clientId: "declared-client-01" }),
    )
  ).inputs as Record<string, unknown>;
  const created = await provider.create("AuthorizationCodeGrant", inputs);
  const read = await provider.read(
    "AuthorizationCodeGrant",
    created.id,
    created.outs as Record<string, unknown>,
  );
  expect(read.inputs).toMatchObject({ clientId: "declared-client-01" });
  expect((await provider.diffInputs("AuthorizationCodeGrant", read.props!, inputs)).changes).toBe(false);
  await provider.remove("AuthorizationCodeGrant", created.id);
});
