import { createRecord, deleteRecord } from "../../src/crud";
import { hasCode } from "../../src/http/errors";
import { AUTH_SCOPE_RESOURCE, AUTHORIZATION_CODE_GRANT_RESOURCE } from "../../src/resources";
import { type LiveServer, reply, startFakeServer, startServer, testClient, validInputs } from "./helpers";

let server: LiveServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

const SECRET = "declared-client-secret-0123456789-abcdef";

async function failure(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error("expected a failure");
  return error as Error & Record<string, unknown>;
}

test("a validation failure shows the code, the detail and each field as path: message", async () => {
  const { client } = testClient(server.url, server.adminToken);
  try {
    const body = { name: "Bad", providerName: "Acme", redirectUrls: ["http://app.example.com/cb", "x"] };
    const error = await failure(client.post(AUTHORIZATION_CODE_GRANT_RESOURCE.path, body));
    expect(error).toMatchObject({ code: "VALIDATION_FAILED", status: 400 });
    const lines = error.message.split("\n");
    expect(lines[0]).toBe(`VALIDATION_FAILED: ${error.detail}`);
    expect(lines).toContain(
      "  redirectUrls.0: must use https; plain http is allowed only for loopback hosts (localhost, 127.0.0.1, [::1])",
    );
    expect(lines.some((line) => line.startsWith("  redirectUrls.1: "))).toBe(true);
    expect(error.message).not.toContain(server.adminToken);
  } finally {
    await client.close();
  }
});

test("a wrong token is refused without the token in the message", async () => {
  const wrong = `${server.adminToken.slice(0, -4)}AAAA`;
  const { client } = testClient(server.url, wrong);
  try {
    const error = await failure(client.get(AUTH_SCOPE_RESOURCE.path));
    expect(error).toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
    expect(error.message).toMatch(/^UNAUTHENTICATED: The bearer token is not valid/);
    expect(error.message).not.toContain(wrong);
    expect(JSON.stringify(error)).not.toContain(wrong);
  } finally {
    await client.close();
  }
});

test("a refused create never shows the declared client secret or the token", async () => {
  const { client } = testClient(server.url, server.adminToken);
  try {
    const inputs = validInputs(AUTHORIZATION_CODE_GRANT_RESOURCE, {
      name: "Secretive",
      providerName: "Acme",
      redirectUrls: ["https://app.example.com/cb"],
      clientSecret: SECRET,
    });
    await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, inputs, { seed: "one" });
    const error = await failure(
      createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, inputs, { seed: "two" }),
    );
    expect(hasCode(error, "NAME_TAKEN")).toBe(true);
    for (const text of [error.message, JSON.stringify(error), String(error.stack)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(server.adminToken);
    }
  } finally {
    await client.close();
  }
});

test("a record still referred to cannot be deleted: the server's code and detail pass through", async () => {
  const { client } = testClient(server.url, server.adminToken);
  try {
    const scope = await createRecord(
      client,
      AUTH_SCOPE_RESOURCE,
      validInputs(AUTH_SCOPE_RESOURCE, { name: "in.use" }),
      {
        seed: "s",
      },
    );
    const inputs = validInputs(AUTHORIZATION_CODE_GRANT_RESOURCE, {
      name: "Uses scope",
      providerName: "Acme",
      redirectUrls: ["https://app.example.com/cb"],
      authScopes: ["in.use"],
    });
    await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, inputs, { seed: "u" });
    const error = await failure(deleteRecord(client, AUTH_SCOPE_RESOURCE, scope.record.id));
    expect(error).toMatchObject({ code: "STILL_REFERENCED", status: 409 });
    expect(error.message).toMatch(/^STILL_REFERENCED: \S/);
    expect(error.referencedBy).toEqual([expect.objectContaining({ name: "Uses scope" })]);
  } finally {
    await client.close();
  }
});

test("whatever the server says, the token and the secrets sent are redacted from the error", async () => {
  const token = "ioa_0123456789abcdef0123456789abcdef_the-admin-token-must-never-show-0";
  const fake = await startFakeServer((_req, res) =>
    reply(res, 422, {
      code: "UNKNOWN_REFERENCE",
      detail: `echoing ${token} and ${SECRET}`,
      errors: [{ path: "clientSecret", message: `${SECRET} is wrong` }],
    }),
  );
  const { client } = testClient(fake.url, token);
  try {
    const error = await failure(client.post("/api/v1/integrations", { name: "x", clientSecret: SECRET }));
    expect(error.message).toBe(
      "UNKNOWN_REFERENCE: echoing [redacted] and [redacted]\n  clientSecret: [redacted] is wrong",
    );
    expect(JSON.stringify(error)).not.toContain(SECRET);
    expect(JSON.stringify(error)).not.toContain(token);
  } finally {
    await client.close();
    await fake.close();
  }
});
