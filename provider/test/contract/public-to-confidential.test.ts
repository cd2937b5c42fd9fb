// A public client made confidential without a declared secret (found by the model-based test): the
// update generates a secret and sends it, the record becomes confidential, and Pulumi holds the
// secret (its fingerprint is the record's). Before, the server refused the PUT with
// CLIENT_SECRET_REQUIRED and the program could not converge without declaring a secret.
import { createRecord, deleteRecord, readRecord, updateRecord } from "../../src/crud";
import { secretFingerprint } from "../../src/fingerprint";
import type { ManagementClient } from "../../src/http/client";
import { AUTHORIZATION_CODE_GRANT_RESOURCE } from "../../src/resources";
import { type LiveServer, startServer, testClient, validInputs } from "./helpers";

let server: LiveServer;
let client: ManagementClient;
beforeAll(async () => {
  server = await startServer();
  client = testClient(server.url, server.adminToken).client;
});
afterAll(async () => {
  await client.close();
  await server.close();
});

const app = (publicClient: boolean) =>
  validInputs(AUTHORIZATION_CODE_GRANT_RESOURCE, {
    name: "Goes confidential",
    providerName: "Acme",
    redirectUrls: ["https://app.example.com/cb"],
    publicClient,
  });

test("a public client made confidential without a declared secret gets one that Pulumi holds", async () => {
  const { record: created } = await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, app(true), {
    seed: "p2c",
  });
  expect(created.clientSecretFingerprint).toBeNull();
  const { record, overwritten } = await updateRecord(
    client,
    AUTHORIZATION_CODE_GRANT_RESOURCE,
    created.id,
    app(false),
    {
      previous: created,
    },
  );
  expect(overwritten).toEqual(expect.arrayContaining(["publicClient", "clientSecret"]));
  expect(record.clientSecret).toEqual(expect.stringMatching(/^[\x21-\x7e]{43}$/));
  const live = await readRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, created.id);
  expect(live).toMatchObject({ publicClient: false });
  expect(live?.clientSecretFingerprint).toBe(secretFingerprint(record.clientSecret as string));
  await deleteRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, created.id);
});

// Found by the model-based test: the PUT that made the client confidential was applied but its
// answer lost, so the rerun saw a confidential record whose secret nobody holds, and kept it.
test("a rerun after the answer of that update was lost still ends with a secret Pulumi holds", async () => {
  const { record: created } = await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, app(true), {
    seed: "p2c-lost",
  });
  // What the lost PUT left on the server: confidential, with a secret that never reached Pulumi.
  const unheld = "an-unheld-secret-that-never-reached-pulumi";
  await client.put(
    `${AUTHORIZATION_CODE_GRANT_RESOURCE.path}/${created.id}`,
    { ...app(false), clientSecret: unheld },
    { ifMatch: "*" },
  );
  const { record } = await updateRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, created.id, app(false), {
    previous: created,
  });
  expect(record.clientSecret).toEqual(expect.stringMatching(/^[\x21-\x7e]{43}$/));
  const live = await readRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, created.id);
  expect(live?.clientSecretFingerprint).toBe(secretFingerprint(record.clientSecret as string));
  expect(live?.clientSecretFingerprint).not.toBe(secretFingerprint(unheld));
  await deleteRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, created.id);
});
