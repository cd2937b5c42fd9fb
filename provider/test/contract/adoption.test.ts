import { createRecord, readRecord } from "../../src/crud";
import { secretFingerprint } from "../../src/fingerprint";
import type { ManagementClient } from "../../src/http/client";
import {
  AUTH_SCOPE_RESOURCE,
  AUTHORIZATION_CODE_GRANT_RESOURCE,
  type ProviderResource,
} from "../../src/resources";
import { type LiveServer, startServer, testClient, validInputs } from "./helpers";

let server: LiveServer;
let client: ManagementClient;
let outOfBand: ManagementClient; // records made before the stack existed, or behind its back

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

async function recordsNamed(kind: ProviderResource, name: string) {
  const page = await client.get<{ items: { id: string }[] }>(`${kind.path}?name=${encodeURIComponent(name)}`);
  return page.body.items;
}

const app = (name: string, extra: Record<string, unknown> = {}) =>
  validInputs(AUTHORIZATION_CODE_GRANT_RESOURCE, {
    name,
    providerName: "Acme",
    redirectUrls: ["https://app.example.com/cb"],
    ...extra,
  });

describe("adopting a record that exists already", () => {
  test("without adopt: the error names the existing id and says to set adopt: true", async () => {
    const existing = await outOfBand.post<{ id: string }>(AUTHORIZATION_CODE_GRANT_RESOURCE.path, {
      name: "Legacy app",
      providerName: "Old",
      redirectUrls: ["https://old.example.com/cb"],
    });
    const error = await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, app("Legacy app"), {
      seed: "a",
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "NAME_TAKEN", status: 409, existingId: existing.body.id });
    expect((error as Error).message).toMatch(/^NAME_TAKEN: /);
    expect((error as Error).message).toContain("`adopt: true`");
    expect((error as Error).message).toContain(existing.body.id);
    expect(await recordsNamed(AUTHORIZATION_CODE_GRANT_RESOURCE, "Legacy app")).toHaveLength(1);
  });

  test("with adopt: the same record, no duplicate, the declared state applied, its secret kept", async () => {
    const existing = await outOfBand.post<Record<string, unknown> & { id: string }>(
      AUTHORIZATION_CODE_GRANT_RESOURCE.path,
      {
        name: "Adopted app",
        providerName: "Old",
        redirectUrls: ["https://old.example.com/cb"],
      },
    );
    const inputs = app("Adopted app", { adopt: true, tokenFormat: "JWT" });
    const { record, how } = await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, inputs, {
      seed: "b",
    });
    expect(how).toBe("adopted");
    expect(record.id).toBe(existing.body.id);
    expect(record).toMatchObject({
      providerName: "Acme",
      tokenFormat: "JWT",
      redirectUrls: inputs.redirectUrls,
    });
    expect(record).not.toHaveProperty("adopt");
    // Adoption cannot learn the secret: the record keeps it, Pulumi does not know it.
    expect(record).not.toHaveProperty("clientSecret");
    expect(record.clientSecretFingerprint).toBe(existing.body.clientSecretFingerprint);
    expect(await recordsNamed(AUTHORIZATION_CODE_GRANT_RESOURCE, "Adopted app")).toHaveLength(1);
  });

  test("with adopt and a declared clientSecret: the adopting PUT sets it", async () => {
    const existing = await outOfBand.post<{ id: string }>(AUTHORIZATION_CODE_GRANT_RESOURCE.path, {
      name: "Adopted with secret",
      providerName: "Old",
      redirectUrls: ["https://old.example.com/cb"],
    });
    const clientSecret = "declared-secret-for-adoption-0123456789";
    const inputs = app("Adopted with secret", { adopt: true, clientSecret });
    const { record } = await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, inputs, { seed: "c" });
    expect(record.id).toBe(existing.body.id);
    expect(record.clientSecret).toBe(clientSecret);
    const live = await readRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, record.id);
    expect(live?.clientSecretFingerprint).toBe(secretFingerprint(clientSecret));
  });

  test("an auth scope is adopted the same way", async () => {
    const existing = await outOfBand.post<{ id: string }>(AUTH_SCOPE_RESOURCE.path, { name: "legacy.scope" });
    const inputs = validInputs(AUTH_SCOPE_RESOURCE, {
      name: "legacy.scope",
      description: "Now managed",
      adopt: true,
    });
    const { record, how } = await createRecord(client, AUTH_SCOPE_RESOURCE, inputs, { seed: "d" });
    expect({ how, id: record.id, description: record.description }).toEqual({
      how: "adopted",
      id: existing.body.id,
      description: "Now managed",
    });
  });
});

describe("a rerun after a crash", () => {
  const seed = "urn:pulumi:dev::demo::inbound-oauth:index:AuthorizationCodeGrant::web";

  test("recognises the record it created, without adopt, with no duplicate and the same secret", async () => {
    const inputs = app("Crashed app");
    const first = await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, inputs, { seed });
    // The process died before Pulumi saved the state: the engine runs create again.
    const rerun = await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, inputs, { seed });
    expect(rerun.how).toBe("replayed");
    expect(rerun.record.id).toBe(first.record.id);
    expect(rerun.record.clientSecret).toBe(first.record.clientSecret);
    expect(await recordsNamed(AUTHORIZATION_CODE_GRANT_RESOURCE, "Crashed app")).toHaveLength(1);
  });

  test("puts back what was changed in between", async () => {
    const inputs = app("Crashed then edited");
    const first = await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, inputs, { seed });
    await outOfBand.put(
      `${AUTHORIZATION_CODE_GRANT_RESOURCE.path}/${first.record.id}`,
      { ...inputs, providerName: "Edited" },
      { ifMatch: "*" },
    );
    const rerun = await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, inputs, { seed });
    expect(rerun).toMatchObject({ how: "replayed", record: { id: first.record.id, providerName: "Acme" } });
  });

  test("creates the record again when the one it made was deleted in between", async () => {
    const inputs = app("Crashed then deleted");
    const first = await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, inputs, { seed });
    await outOfBand.delete(`${AUTHORIZATION_CODE_GRANT_RESOURCE.path}/${first.record.id}`);
    const rerun = await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, inputs, { seed });
    expect(rerun.how).toBe("created");
    expect(rerun.record.id).not.toBe(first.record.id);
    expect(await recordsNamed(AUTHORIZATION_CODE_GRANT_RESOURCE, "Crashed then deleted")).toHaveLength(1);
  });

  test("another resource with the same inputs but its own seed does not take the record", async () => {
    const inputs = app("Seeded app");
    await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, inputs, { seed: "stack-a" });
    const error = await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, inputs, {
      seed: "stack-b",
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "NAME_TAKEN" });
  });
});
