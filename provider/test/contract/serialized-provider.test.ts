// The provider object is serialized the way Pulumi serializes a dynamic provider into the state
// (runtime closure serialization), then run in a fresh Node process, as Pulumi's dynamic-provider
// host would: configure (the endpoint from stack config, the token from the environment), check,
// diff, create against a real server.
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { FastifyInstance } from "fastify";
import { providerObject } from "../../../sdk/src/provider-object";
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

async function serialize(): Promise<string> {
  // The token is in this process's environment while serializing: it must not be captured.
  process.env.INBOUND_OAUTH_ADMIN_TOKEN = token;
  try {
    const provider = providerObject("AuthorizationCodeGrant");
    const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    return serialized.text;
  } finally {
    delete process.env.INBOUND_OAUTH_ADMIN_TOKEN;
  }
}

test("the serialized provider holds no admin token and no server-only module", async () => {
  const text = await serialize();
  expect(text).not.toContain(token);
  expect(text).not.toContain(token.slice(-20));
  for (const serverOnly of [
    "fastify",
    "node:sqlite",
    "pg",
    "server/src/storage",
    "server/src/domain",
    "pino",
  ]) {
    expect(text).not.toContain(`require("${serverOnly}`);
    expect(text).not.toContain(serverOnly === "pg" ? 'require("pg")' : `${serverOnly}/`);
  }
  expect(text).toContain('require("@inbound-oauth/pulumi/provider")');
});

test("deserialized in a fresh process, it configures (endpoint from stack config, token from the environment) and checks, diffs and creates", async () => {
  const file = join(WORK, "provider.js");
  writeFileSync(file, `${await serialize()}\nmodule.exports = exports;\n`);
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
      process.stdout.write(JSON.stringify({ checked, refused, created: { id: created.id, outs: created.outs }, unchanged, renamed }));
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
