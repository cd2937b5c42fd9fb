import {
  changedProperties,
  createRecord,
  deleteRecord,
  readRecord,
  toInputs,
  toOutputs,
  updateRecord,
} from "../../src/crud";
import { secretFingerprint } from "../../src/fingerprint";
import type { ManagementClient } from "../../src/http/client";
import {
  API_ACCESS_POLICY_RESOURCE,
  AUTH_SCOPE_RESOURCE,
  AUTHORIZATION_CODE_GRANT_RESOURCE,
  type ProviderResource,
} from "../../src/resources";
import { type LiveServer, startServer, testClient, validInputs } from "./helpers";

let server: LiveServer;
let client: ManagementClient;
let outOfBand: ManagementClient; // someone else (a console user), changing records behind Pulumi

beforeAll(async () => {
  server = await startServer();
  client = testClient(server.url, server.adminToken).client;
  outOfBand = testClient(server.url, server.otherToken).client;
});

afterAll(async () => {
  await client.close();
  await outOfBand.close();
  await server.close();
});

const CASES: { kind: ProviderResource; news: Record<string, unknown>; change: Record<string, unknown> }[] = [
  {
    kind: AUTHORIZATION_CODE_GRANT_RESOURCE,
    news: { name: "Lifecycle app", providerName: "Acme", redirectUrls: ["https://app.example.com/cb"] },
    change: {
      providerName: "Acme Corp",
      redirectUrls: ["https://b.example.com/cb", "https://app.example.com/cb"],
    },
  },
  {
    kind: AUTH_SCOPE_RESOURCE,
    news: { name: "lifecycle.read", description: "Read things" },
    change: { description: "Read every thing", limitAuthorizationToApis: ["Table API"] },
  },
  {
    kind: API_ACCESS_POLICY_RESOURCE,
    news: { name: "Lifecycle policy", restApis: ["Table API"] },
    change: { restApis: ["Attachment API", "Table API"], active: false },
  },
];

describe.each(CASES)("$kind.token", ({ kind, news, change }) => {
  test("create → read → update → read → delete", async () => {
    const inputs = validInputs(kind, news);
    const { record, how } = await createRecord(client, kind, inputs, { seed: `lifecycle ${kind.token}` });
    expect(how).toBe("created");
    expect(record).toMatchObject({ ...inputs, version: 1 });

    const read = await readRecord(client, kind, record.id);
    expect(read).toMatchObject({ ...inputs, id: record.id, version: 1 });
    expect(changedProperties(kind, read!, inputs)).toEqual([]);
    expect(toInputs(kind, read!, inputs)).toEqual(inputs);

    const desired = validInputs(kind, { ...news, ...change });
    const updated = await updateRecord(client, kind, record.id, desired);
    expect(updated.overwritten.sort()).toEqual(Object.keys(change).sort());
    expect(updated.record).toMatchObject({ ...desired, id: record.id, version: 2 });

    const reread = await readRecord(client, kind, record.id);
    expect(reread).toMatchObject({ ...desired, version: 2 });

    await deleteRecord(client, kind, record.id);
    expect(await readRecord(client, kind, record.id)).toBeUndefined();
    // Deleting what is already gone is fine (a destroy retried, or deleted out of band).
    await expect(deleteRecord(client, kind, record.id)).resolves.toBeUndefined();
  });

  test("an out-of-band change shows in read, and update puts the declared value back", async () => {
    const inputs = validInputs(kind, { ...news, name: `${news.name}-drift` });
    const { record } = await createRecord(client, kind, inputs, { seed: `drift ${kind.token}` });
    const [property] = Object.keys(change) as [string];
    const live = (await outOfBand.get<Record<string, unknown>>(`${kind.path}/${record.id}`)).body;
    await outOfBand.put(
      `${kind.path}/${record.id}`,
      { ...inputs, [property]: change[property] },
      { ifMatch: '"1"' },
    );

    const read = await readRecord(client, kind, record.id);
    expect(read?.version).toBe(2);
    expect(changedProperties(kind, read!, inputs)).toEqual([property]);
    expect(toInputs(kind, read!, inputs)[property]).toEqual(change[property]);
    expect(live[property]).toEqual(inputs[property]);

    const { record: restored, overwritten } = await updateRecord(client, kind, record.id, inputs);
    expect(overwritten).toEqual([property]);
    expect(restored).toMatchObject({ ...inputs, version: 3 });
    await deleteRecord(client, kind, record.id);
  });
});

describe("AuthorizationCodeGrant specifics", () => {
  const news = { providerName: "Acme", redirectUrls: ["https://app.example.com/cb"] };

  test("outputs carry the secret once, its fingerprint and the OAuth endpoints", async () => {
    const inputs = validInputs(AUTHORIZATION_CODE_GRANT_RESOURCE, { ...news, name: "Outputs app" });
    const { record } = await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, inputs, {
      seed: "outputs",
    });
    const outputs = toOutputs(AUTHORIZATION_CODE_GRANT_RESOURCE, record, `${server.url}/`);
    expect(typeof outputs.clientSecret).toBe("string");
    expect(outputs.clientSecretFingerprint).toBe(secretFingerprint(outputs.clientSecret as string));
    expect(outputs).toMatchObject({
      authorizeUrl: `${server.url}/oauth_auth.do`,
      tokenUrl: `${server.url}/oauth_token.do`,
      jwksUrl: `${server.url}/api/now/oauth/jwks`,
      introspectUrl: `${server.url}/oauth/introspect`,
      revokeUrl: `${server.url}/oauth_revoke_token.do`,
    });
    const read = await readRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, record.id);
    expect(read).not.toHaveProperty("clientSecret");
    expect(toOutputs(AUTH_SCOPE_RESOURCE, { id: "x", name: "s", version: 1 }, server.url)).not.toHaveProperty(
      "tokenUrl",
    );
  });

  test("a secret rotated out of band shows through the fingerprint; update puts the generated one back", async () => {
    const inputs = validInputs(AUTHORIZATION_CODE_GRANT_RESOURCE, { ...news, name: "Rotated app" });
    const { record } = await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, inputs, {
      seed: "rotated",
    });
    await outOfBand.post(`${AUTHORIZATION_CODE_GRANT_RESOURCE.path}/${record.id}/rotate-secret`, {});

    const read = await readRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, record.id);
    expect(read?.clientSecretFingerprint).not.toBe(record.clientSecretFingerprint);

    const updated = await updateRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, record.id, inputs, {
      previous: record,
    });
    expect(updated.overwritten).toEqual(["clientSecret"]);
    expect(updated.record.clientSecret).toBe(record.clientSecret);
    const after = await readRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, record.id);
    expect(after?.clientSecretFingerprint).toBe(record.clientSecretFingerprint);
  });

  test("a declared secret survives refresh while it matches, and drops out of the inputs once rotated", async () => {
    const clientSecret = "declared-secret-0123456789-abcdefghijkl";
    const inputs = validInputs(AUTHORIZATION_CODE_GRANT_RESOURCE, {
      ...news,
      name: "Declared app",
      clientSecret,
    });
    const { record } = await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, inputs, {
      seed: "declared",
    });
    expect(toInputs(AUTHORIZATION_CODE_GRANT_RESOURCE, record, inputs).clientSecret).toBe(clientSecret);
    await outOfBand.post(`${AUTHORIZATION_CODE_GRANT_RESOURCE.path}/${record.id}/rotate-secret`, {});
    const read = await readRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, record.id);
    expect(toInputs(AUTHORIZATION_CODE_GRANT_RESOURCE, read!, inputs)).not.toHaveProperty("clientSecret");
  });

  test("deletion protection: the error says to turn it off with pulumi up first", async () => {
    const inputs = validInputs(AUTHORIZATION_CODE_GRANT_RESOURCE, {
      ...news,
      name: "Protected",
      deletionProtection: true,
    });
    const { record } = await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, inputs, {
      seed: "protected",
    });
    const refusal = await deleteRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, record.id).catch(
      (e: unknown) => e,
    );
    expect(refusal).toMatchObject({ code: "DELETION_PROTECTED", status: 409 });
    expect((refusal as Error).message).toMatch(/^DELETION_PROTECTED: /);
    expect((refusal as Error).message).toContain("`deletionProtection: false`");
    expect((refusal as Error).message).toContain("`pulumi up`");
    expect(await readRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, record.id)).toBeDefined();

    await updateRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, record.id, {
      ...inputs,
      deletionProtection: false,
    });
    await deleteRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, record.id);
    expect(await readRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, record.id)).toBeUndefined();
  });

  test("updating a record deleted out of band says to refresh", async () => {
    const inputs = validInputs(AUTHORIZATION_CODE_GRANT_RESOURCE, { ...news, name: "Vanished" });
    const { record } = await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, inputs, {
      seed: "vanished",
    });
    await outOfBand.delete(`${AUTHORIZATION_CODE_GRANT_RESOURCE.path}/${record.id}`);
    const error = await updateRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, record.id, inputs).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "NOT_FOUND", status: 404 });
    expect((error as Error).message).toContain("pulumi refresh");
  });
});
