// Re-creation any number of times, against a real server: the same resource with the same inputs
// (one seed, one body) created and deleted again and again — as a review stack's destroy/up, or a
// record deleted out of band and created again — gets a new record each time, one at a time; and a
// create whose answer is lost, in any cycle, is still replayed: no duplicate, no orphan.
import { createRecord, deleteRecord, readRecord } from "../../src/crud";
import { secretFingerprint } from "../../src/fingerprint";
import type { ManagementClient } from "../../src/http/client";
import {
  API_ACCESS_POLICY_RESOURCE,
  AUTH_SCOPE_RESOURCE,
  AUTHORIZATION_CODE_GRANT_RESOURCE,
  type ProviderResource,
} from "../../src/resources";
import { type LiveServer, startLossyProxy, startServer, testClient, validInputs } from "./helpers";

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

const CYCLES = 10;

async function idsNamed(kind: ProviderResource, name: string): Promise<string[]> {
  const page = await client.get<{ items: { id: string }[] }>(`${kind.path}?name=${encodeURIComponent(name)}`);
  return page.body.items.map((item) => item.id);
}

const declarations: Array<[string, ProviderResource, Record<string, unknown>]> = [
  [
    "AuthorizationCodeGrant",
    AUTHORIZATION_CODE_GRANT_RESOURCE,
    { name: "Cycled app", providerName: "Acme", redirectUrls: ["https://app.example.com/cb"] },
  ],
  ["AuthScope", AUTH_SCOPE_RESOURCE, { name: "cycled.scope", limitAuthorizationToApis: ["Table API"] }],
  ["ApiAccessPolicy", API_ACCESS_POLICY_RESOURCE, { name: "Cycled policy", restApis: ["Table API"] }],
];

describe.each(declarations)("%s", (_name, kind, declaration) => {
  const inputs = validInputs(kind, declaration);
  const seed = `project/review-stack/${String(declaration.name)}`;

  test(`created and deleted ${CYCLES} times with the same inputs: a new record each time, one at a time`, async () => {
    const seen = new Set<string>();
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const { record, how } = await createRecord(client, kind, inputs, { seed });
      expect({ cycle, how }).toEqual({ cycle, how: "created" });
      expect(seen.has(record.id)).toBe(false);
      seen.add(record.id);
      expect(await idsNamed(kind, String(declaration.name))).toEqual([record.id]);
      if (kind === AUTHORIZATION_CODE_GRANT_RESOURCE) {
        const live = await readRecord(client, kind, record.id);
        expect(live?.clientSecretFingerprint).toBe(secretFingerprint(record.clientSecret as string));
      }
      await deleteRecord(client, kind, record.id);
    }
    expect(await idsNamed(kind, String(declaration.name))).toEqual([]);
  });
});

describe("a lost answer in a later cycle", () => {
  const inputs = validInputs(AUTHORIZATION_CODE_GRANT_RESOURCE, {
    name: "Cycled then lost",
    providerName: "Acme",
    redirectUrls: ["https://app.example.com/cb"],
  });
  const seed = "project/review-stack/lost";

  test("every answer of the new link's create lost (the up fails): the rerun takes that record over, with its secret", async () => {
    for (let cycle = 1; cycle <= 4; cycle++) {
      const { record } = await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, inputs, { seed });
      await deleteRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, record.id);
    }
    // Cycle 5: the server creates the record, but no answer to a create that is new reaches the
    // provider (every retry is replayed by the server and lost too); replays of deleted ones pass.
    let creates = 0;
    const proxy = await startLossyProxy(server.url, (method) => method === "POST" && ++creates > 4);
    const lossy = testClient(proxy.url, server.adminToken).client;
    try {
      const failed = await createRecord(lossy, AUTHORIZATION_CODE_GRANT_RESOURCE, inputs, { seed }).catch(
        (e) => e,
      );
      expect(failed).toMatchObject({ code: "NETWORK_ERROR" });
    } finally {
      await lossy.close();
      await proxy.close();
    }
    const committed = await idsNamed(AUTHORIZATION_CODE_GRANT_RESOURCE, "Cycled then lost");
    expect(committed).toHaveLength(1);

    const rerun = await createRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, inputs, { seed });
    expect(rerun).toMatchObject({ how: "replayed", record: { id: committed[0] } });
    const live = await readRecord(client, AUTHORIZATION_CODE_GRANT_RESOURCE, committed[0]!);
    expect(live?.clientSecretFingerprint).toBe(secretFingerprint(rerun.record.clientSecret as string));
    expect(await idsNamed(AUTHORIZATION_CODE_GRANT_RESOURCE, "Cycled then lost")).toEqual(committed);
  });
});
