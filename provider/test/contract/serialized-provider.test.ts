// The provider as every resource's state holds it (`__provider`, the SDK's serializedProvider) runs
// in a fresh Node process, as Pulumi's dynamic-provider host runs it: the text is evaluated as a
// module that resolves the package from the working directory's node_modules, then configure (the
// endpoint from stack config, the token from the environment), check, diff and create run against a
// real server; the process loads no server-only module.
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import { serializedProvider } from "../../../sdk/src/provider-object";
import { buildApp } from "../../../server/src/app";
import { createAdminToken } from "../../../server/src/domain/admin-tokens";
import { openTestStore, type TestStore } from "../../../server/test/helpers/test-app";

const ROOT = resolve(__dirname, "../../..");
const WORK = join(ROOT, "test-output", "serialized-provider");

let store: TestStore;
let app: FastifyInstance;
let endpoint: string;
let token: string;

beforeAll(async () => {
  store = await openTestStore("sqlite");
  app = buildApp({ db: store.db, logLevel: "silent" });
  await app.listen({ port: 0, host: "127.0.0.1" });
  endpoint = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  token = (await createAdminToken(store.db, "serialization-test", "admin", new Date().toISOString())).token;
  mkdirSync(WORK, { recursive: true });
});

afterAll(async () => {
  await app.close();
  await store.dispose();
  rmSync(WORK, { recursive: true, force: true });
});

/** Modules only the server may load: the provider's process must load none of them. */
const SERVER_ONLY = [
  "/node_modules/fastify/",
  "/node_modules/pg/",
  "/node_modules/pino/",
  "/server/src/storage/",
  "/server/src/domain/",
];

test("evaluated in a fresh process, it configures (endpoint from stack config, token from the environment), checks, diffs and creates, loading no server-only module", async () => {
  const file = join(WORK, "provider.js");
  writeFileSync(file, serializedProvider("AuthorizationCodeGrant"));
  const script = `
    const provider = require(${JSON.stringify(file)}).handler();
    const config = { get: (key) => ({ "inbound-oauth:endpoint": process.argv[1] })[key] };
    (async () => {
      await provider.configure({ config });
      const news = { name: "Serialized", providerName: "Acme", redirectUrls: ["https://app.example.com/cb"], __resource: "proj/dev/serialized" };
      const checked = await provider.check({}, news);
      const refused = await provider.check({}, { ...news, redirectUrls: ["http://app.example.com/cb#x"] });
      const created = await provider.create(checked.inputs);
      const unchanged = await provider.diff(created.id, { ...created.outs, ...checked.inputs }, checked.inputs);
      const renamed = await provider.diff(created.id, { ...created.outs, ...checked.inputs }, { ...checked.inputs, name: "Renamed" });
      const loaded = Object.keys(require.cache);
      process.stdout.write(JSON.stringify({ checked, refused, created: { id: created.id, outs: created.outs }, unchanged, renamed, loaded }));
    })().catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
  `;
  const output = await new Promise<string>((done, fail) =>
    execFile(
      process.execPath,
      ["-e", script, endpoint],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? "", INBOUND_OAUTH_ADMIN_TOKEN: token } },
      (error, stdout, stderr) => (error ? fail(new Error(`${error.message}\n${stderr}`)) : done(stdout)),
    ),
  );
  // The provider logs which token it calls the server as (never the token), then the script prints its result.
  const [identity, json] = output.split("\n");
  expect(identity).toMatch(
    /^inbound-oauth: calling \S+ as the token "\S+" \(role admin\), from the environment variable INBOUND_OAUTH_ADMIN_TOKEN$/,
  );
  expect(output).not.toContain(token);
  const result = JSON.parse(json ?? "");
  // The package's real modules ran (sdk/dist through node_modules), and none of the server's.
  expect(result.loaded).toEqual(
    expect.arrayContaining([expect.stringContaining("/dist/provider/src/dynamic.js")]),
  );
  for (const serverOnly of SERVER_ONLY)
    expect(result.loaded.filter((path: string) => path.includes(serverOnly))).toEqual([]);
  expect(result.checked.failures).toBeUndefined();
  expect(result.checked.inputs).toMatchObject({
    tokenFormat: "Opaque",
    accessTokenLifespan: 1800,
    __resource: "proj/dev/serialized",
  });
  expect(result.refused.failures.map((f: { property: string }) => f.property)).toEqual([
    "redirectUrls.0",
    "redirectUrls.0",
  ]);
  expect(result.created.id).toMatch(/^[0-9a-f-]{36}$/);
  expect(result.created.outs).toMatchObject({
    name: "Serialized",
    clientSecretFingerprint: expect.stringMatching(/^sha256:/),
    authorizeUrl: `${endpoint}/oauth_auth.do`,
  });
  expect(result.created.outs.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(result.unchanged.changes).toBe(false);
  expect(result.renamed).toMatchObject({ changes: true, replaces: [] });
  const live = await app.inject({
    method: "GET",
    url: `/api/v1/integrations/${result.created.id}`,
    headers: { authorization: `Bearer ${token}` },
  });
  expect(live.json().name).toBe("Serialized");
});
