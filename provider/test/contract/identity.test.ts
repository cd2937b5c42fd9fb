// Before its first call, the provider asks the server which token it holds (GET /api/v1/whoami) and
// logs the token's name and role, never its value: every command then says which identity it ran
// as, and a token the server rejects fails with a message naming where the token came from.
import { identityLine, whoami } from "../../src/identity";
import { type LiveServer, startServer, testClient } from "./helpers";

const SOURCE = "the environment variable INBOUND_OAUTH_ADMIN_TOKEN";
let server: LiveServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server.close());

test("a token the server knows is named by its name and role, and the log line holds no token", async () => {
  const { client } = testClient(server.url, server.adminToken);
  const who = await whoami(client, SOURCE);
  expect(who).toEqual({ name: "provider-test", role: "admin" });
  const line = identityLine(server.url, who!, SOURCE);
  expect(line).toBe(
    `inbound-oauth: calling ${server.url} as the token "provider-test" (role admin), from ${SOURCE}`,
  );
  expect(line).not.toContain(server.adminToken);
});

test.each([
  ["a tampered token", () => `${server.adminToken.slice(0, -4)}AAAA`],
  ["garbage", () => "not-a-token"],
])(
  "%s fails with the server, the status, where the token came from and what to do",
  async (_label, token) => {
    const wrong = token();
    const { client } = testClient(server.url, wrong);
    const error = await whoami(client, SOURCE).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toContain(
      `The server at ${server.url} rejected the admin token from ${SOURCE}: 401 UNAUTHENTICATED`,
    );
    expect(error?.message).toContain("Set INBOUND_OAUTH_ADMIN_TOKEN to a token that server knows");
    expect(error?.message).not.toContain(wrong);
  },
);

test("a server without /api/v1/whoami (404) leaves the identity unnamed instead of failing", async () => {
  const { client } = testClient(`${server.url}/nowhere`, server.adminToken);
  await expect(whoami(client, SOURCE)).resolves.toBeUndefined();
});
