/**
 * The example programs under examples/: each one runs under Pulumi's mocks (no engine, no server)
 * with its stack config, and the resources it registers are checked input by input — resource
 * type tokens, names, the dynamic provider (`__provider`: a short reference to the package, which must hold no admin token)
 * and the exports that become stack outputs. Each example is also type-checked on its own with its
 * own tsconfig.json, as `pulumi up` would compile it.
 *
 * The examples import the SDK's built package (sdk/dist): `make build` (or `tsc -p sdk/tsconfig.json`)
 * must have run first; `make test-unit` does that.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import type * as Pulumi from "@pulumi/pulumi";

const ROOT = path.resolve(__dirname, "../../..");
const EXAMPLES_DIR = path.join(ROOT, "examples");
const EXAMPLES = ["basic", "spa-public-client", "token-restriction", "multi-stack"] as const;
type Example = (typeof EXAMPLES)[number];

/** The admin token the provider would use; it must appear in no registered input. */
const ENV_ADMIN_TOKEN = "env-admin-token-7c1d5e0b9a";
const CONFIG_ADMIN_TOKEN = "config-admin-token-42f8a6d3e1";
const ENDPOINT = "http://127.0.0.1:8080";
/** The most a resource's `__provider` may take in the state. */
const MAX_PROVIDER_BYTES = 160;

const TYPE = {
  grant: "pulumi-nodejs:dynamic/inbound-oauth:AuthorizationCodeGrant",
  scope: "pulumi-nodejs:dynamic/inbound-oauth:AuthScope",
  policy: "pulumi-nodejs:dynamic/inbound-oauth:ApiAccessPolicy",
} as const;

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** Resource options as they reached the resource monitor. */
  additionalSecretOutputs: string[];
  replaceOnChanges: string[];
}

interface Exported {
  value: unknown;
  secret: boolean;
}

interface Run {
  project: string;
  stack: string;
  resources: Registered[];
  exports: Record<string, Exported>;
}

/** The project name in an example's Pulumi.yaml (the namespace of its `new pulumi.Config()`). */
function projectName(example: Example): string {
  const text = readFileSync(path.join(EXAMPLES_DIR, example, "Pulumi.yaml"), "utf8");
  const name = /^name:\s*(\S+)\s*$/m.exec(text)?.[1];
  if (!name) throw new Error(`examples/${example}/Pulumi.yaml has no name`);
  return name;
}

/**
 * A stack's config file as the Pulumi CLI hands it to the program: scalar values as strings,
 * lists and maps as JSON text.
 */
function stackConfig(example: Example, stack: string): Record<string, string> {
  const yaml = require("js-yaml") as { load(text: string): unknown };
  const file = path.join(EXAMPLES_DIR, example, `Pulumi.${stack}.yaml`);
  const parsed = yaml.load(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | undefined;
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed?.config ?? {})) {
    config[key] = typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
  }
  return config;
}

function resolve<T>(output: Pulumi.Output<T>): Promise<T> {
  return new Promise((done) => output.apply(done));
}

/**
 * Runs an example's program under mocks, as the Automation API would import it inside an inline
 * program: a fresh module registry each time, so the program's top level runs again and the
 * example gets the same @pulumi/pulumi instance the mocks were set on.
 */
async function runExample(
  example: Example,
  stack: string,
  config: Record<string, string> = {},
): Promise<Run> {
  jest.resetModules();
  const pulumi = require("@pulumi/pulumi") as typeof Pulumi;
  const project = projectName(example);
  const resources: Registered[] = [];
  const options = new Map<string, Pick<Registered, "additionalSecretOutputs" | "replaceOnChanges">>();

  await pulumi.runtime.setMocks(
    {
      newResource: (args: Pulumi.runtime.MockResourceArgs) => {
        resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          additionalSecretOutputs: [],
          replaceOnChanges: [],
          ...options.get(args.name),
        });
        return {
          id: `${args.name}-id`,
          state: {
            ...args.inputs,
            clientId: args.inputs.clientId ?? "mock-client-id",
            clientSecret: args.inputs.publicClient ? undefined : "mock-secret",
          },
        };
      },
      call: (args: Pulumi.runtime.MockCallArgs) => args.inputs,
    },
    project,
    stack,
  );

  // The mocks never see resource options; read them off the requests the mock monitor receives.
  type Request = {
    getName(): string;
    getAdditionalsecretoutputsList(): string[];
    getReplaceonchangesList(): string[];
  };
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(request: Request, callback: unknown): unknown;
  };
  const registerResource = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    options.set(request.getName(), {
      additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
      replaceOnChanges: request.getReplaceonchangesList(),
    });
    return registerResource(request, callback);
  };

  pulumi.runtime.setAllConfig(
    { "inbound-oauth:endpoint": ENDPOINT, "inbound-oauth:adminToken": CONFIG_ADMIN_TOKEN, ...config },
    ["inbound-oauth:adminToken"],
  );

  const module = require(path.join(EXAMPLES_DIR, example, "index.ts")) as Record<string, unknown>;
  const exports: Record<string, Exported> = {};
  for (const [key, value] of Object.entries(module)) {
    if (key === "__esModule") continue;
    exports[key] = pulumi.Output.isInstance(value)
      ? { value: await resolve(value), secret: await pulumi.isSecret(value) }
      : { value: await resolve(pulumi.output(value)), secret: await pulumi.isSecret(pulumi.output(value)) };
  }
  // Every registration has reached the mocks once the runtime has no RPC in flight.
  await pulumi.runtime.disconnect();
  resources.sort((a, b) => a.name.localeCompare(b.name));
  return { project, stack, resources, exports };
}

function byName(run: Run, name: string): Registered {
  const found = run.resources.find((resource) => resource.name === name);
  if (!found) throw new Error(`${run.project}/${run.stack} registered no resource named ${name}`);
  return found;
}

/** What every resource of every example must satisfy. */
function expectCommon(run: Run): void {
  for (const resource of run.resources) {
    expect(Object.values(TYPE)).toContain(resource.type);
    const provider = resource.inputs.__provider;
    expect(typeof provider).toBe("string");
    expect(provider).toContain("exports.handler");
    expect(provider).toContain("@inbound-oauth/pulumi/provider");
    // The provider by reference: a short text naming the package and the kind, the same for every
    // resource of the kind (Pulumi's serialization of a provider object is ~2.5 KB, and the engine
    // rewrites the whole state, where it is kept twice, after every step).
    expect((provider as string).length).toBeLessThanOrEqual(MAX_PROVIDER_BYTES);
    expect(provider).toContain(`.providerOf(${JSON.stringify(resource.type.split(":").pop())})`);
    expect(resource.inputs.__resource).toBe(`${run.project}/${run.stack}/${resource.name}`);
    const everything = JSON.stringify(resource.inputs);
    expect(everything).not.toContain(ENV_ADMIN_TOKEN);
    expect(everything).not.toContain(CONFIG_ADMIN_TOKEN);
  }
  for (const resource of run.resources.filter((r) => r.type === TYPE.grant)) {
    expect(resource.additionalSecretOutputs).toContain("clientSecret");
    expect(resource.replaceOnChanges).toContain("clientId");
  }
}

const savedToken = process.env.INBOUND_OAUTH_ADMIN_TOKEN;
const savedEndpoint = process.env.INBOUND_OAUTH_ENDPOINT;

beforeAll(() => {
  const dist = path.join(ROOT, "sdk/dist/sdk/src/index.js");
  if (!existsSync(dist))
    throw new Error("The SDK is not built: run `make build` (or `tsc -p sdk/tsconfig.json`).");
  const built = statSync(dist).mtimeMs;
  const sources = readdirSync(path.join(ROOT, "sdk/src")).map((file) => path.join(ROOT, "sdk/src", file));
  const stale = sources.filter((file) => statSync(file).mtimeMs > built);
  if (stale.length) {
    throw new Error(
      `sdk/dist is older than ${stale.map((f) => path.relative(ROOT, f)).join(", ")}: run \`tsc -p sdk/tsconfig.json\`.`,
    );
  }
  process.env.INBOUND_OAUTH_ADMIN_TOKEN = ENV_ADMIN_TOKEN;
  process.env.INBOUND_OAUTH_ENDPOINT = ENDPOINT;
});

afterAll(() => {
  for (const [name, value] of [
    ["INBOUND_OAUTH_ADMIN_TOKEN", savedToken],
    ["INBOUND_OAUTH_ENDPOINT", savedEndpoint],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

jest.setTimeout(60_000);

describe("examples/basic", () => {
  it("declares one scope limited to the Table API and a confidential web app", async () => {
    const run = await runExample("basic", "dev");
    expectCommon(run);
    expect(run.resources.map((r) => [r.type, r.name])).toEqual([
      [TYPE.scope, "useraccount"],
      [TYPE.grant, "web-app"],
    ]);
    expect(byName(run, "useraccount").inputs).toEqual({
      __provider: expect.any(String),
      __resource: "examples-basic/dev/useraccount",
      name: "useraccount",
      description: expect.any(String),
      limitAuthorizationToApis: ["Table API"],
    });
    expect(byName(run, "web-app").inputs).toEqual({
      __provider: expect.any(String),
      __resource: "examples-basic/dev/web-app",
      name: expect.any(String),
      providerName: expect.any(String),
      redirectUrls: ["https://app.example.com/oauth/callback"],
      authScopes: ["useraccount"],
    });
    expect(byName(run, "web-app").inputs.publicClient).toBeUndefined();
    expect(byName(run, "web-app").inputs.clientSecret).toBeUndefined();

    expect(Object.keys(run.exports).sort()).toEqual(["authorizeUrl", "clientId", "clientSecret", "tokenUrl"]);
    expect(run.exports.clientId).toEqual({ value: "mock-client-id", secret: false });
    expect(run.exports.clientSecret).toEqual({ value: "mock-secret", secret: true });
    expect(run.exports.authorizeUrl?.secret).toBe(false);
    expect(run.exports.tokenUrl?.secret).toBe(false);
  });

  it("takes its redirect URLs, in order, from stack config", async () => {
    const urls = ["https://b.example.com/cb", "https://a.example.com/cb", "http://127.0.0.1:8400/cb"];
    const run = await runExample("basic", "dev", { "examples-basic:redirectUrls": JSON.stringify(urls) });
    expectCommon(run);
    expect(byName(run, "web-app").inputs.redirectUrls).toEqual(urls);
  });
});

describe("examples/spa-public-client", () => {
  it("declares a public client with loopback and https redirect URLs and JWT tokens", async () => {
    const run = await runExample("spa-public-client", "dev");
    expectCommon(run);
    expect(run.resources.map((r) => [r.type, r.name])).toEqual([
      [TYPE.grant, "spa"],
      [TYPE.scope, "spa-read"],
    ]);
    const spa = byName(run, "spa").inputs;
    expect(spa).toMatchObject({
      publicClient: true,
      tokenFormat: "JWT",
      redirectUrls: ["http://127.0.0.1:5173/callback", "https://spa.example.com/callback"],
      authScopes: ["spa.read"],
    });
    expect(spa.clientSecret).toBeUndefined();
    expect(byName(run, "spa-read").inputs).toMatchObject({
      name: "spa.read",
      limitAuthorizationToApis: ["Table API"],
    });

    expect(Object.keys(run.exports)).toEqual(expect.arrayContaining(["clientId", "authorizeUrl", "jwksUrl"]));
    expect(run.exports).not.toHaveProperty("clientSecret");
    expect(run.exports.clientId).toEqual({ value: "mock-client-id", secret: false });
  });
});

describe("examples/token-restriction", () => {
  it("declares limited scopes, a restricted integration and a policy allowing the Table API to it", async () => {
    const run = await runExample("token-restriction", "dev");
    expectCommon(run);
    expect(run.resources.map((r) => [r.type, r.name])).toEqual([
      [TYPE.scope, "attachments-read"],
      [TYPE.scope, "records-read"],
      [TYPE.grant, "reporting-app"],
      [TYPE.policy, "reporting-app-table-only"],
    ]);
    expect(byName(run, "records-read").inputs).toMatchObject({
      name: "records.read",
      limitAuthorizationToApis: ["Table API"],
    });
    expect(byName(run, "attachments-read").inputs).toMatchObject({
      name: "attachments.read",
      limitAuthorizationToApis: ["Attachment API"],
    });
    const app = byName(run, "reporting-app").inputs;
    expect(app).toMatchObject({
      authScopes: ["records.read", "attachments.read"],
      allowAccessOnlyToApisInSelectedScope: true,
      enforceTokenRestriction: true,
    });
    const policy = byName(run, "reporting-app-table-only").inputs;
    expect(policy).toMatchObject({ restApis: ["Table API"], integrations: [app.name] });
    expect(policy.applyToAllIntegrations).toBeUndefined();

    expect(run.exports.clientSecret).toEqual({ value: "mock-secret", secret: true });
    expect(run.exports.clientId).toEqual({ value: "mock-client-id", secret: false });
    expect(run.exports.policyName).toEqual({ value: policy.name, secret: false });
  });
});

describe("examples/multi-stack", () => {
  it("has a dev and a prod stack config", () => {
    expect(stackConfig("multi-stack", "dev")).toEqual({
      "examples-multi-stack:redirectUrls": JSON.stringify(["http://localhost:3000/callback"]),
    });
    expect(stackConfig("multi-stack", "prod")).toEqual({
      "examples-multi-stack:redirectUrls": JSON.stringify(["https://app.example.com/callback"]),
      "examples-multi-stack:deletionProtection": "true",
    });
  });

  it("declares per-stack redirect URLs, deletion protection in prod and names that do not collide", async () => {
    const dev = await runExample("multi-stack", "dev", stackConfig("multi-stack", "dev"));
    const prod = await runExample("multi-stack", "prod", stackConfig("multi-stack", "prod"));
    const serverNames = new Map<string, string[]>();
    for (const run of [dev, prod]) {
      expectCommon(run);
      expect(run.resources.map((r) => [r.type, r.name])).toEqual([
        [TYPE.grant, "orders-app"],
        [TYPE.scope, "orders-read"],
      ]);
      const names = run.resources.map((r) => String(r.inputs.name));
      for (const name of names) expect(name.endsWith(run.stack)).toBe(true);
      serverNames.set(run.stack, names);
      expect(byName(run, "orders-app").inputs.authScopes).toEqual([byName(run, "orders-read").inputs.name]);
      expect(run.exports.clientSecret).toEqual({ value: "mock-secret", secret: true });
    }
    expect(serverNames.get("dev")?.filter((name) => serverNames.get("prod")?.includes(name))).toEqual([]);

    expect(byName(dev, "orders-app").inputs).toMatchObject({
      redirectUrls: ["http://localhost:3000/callback"],
      deletionProtection: false,
    });
    expect(byName(prod, "orders-app").inputs).toMatchObject({
      redirectUrls: ["https://app.example.com/callback"],
      deletionProtection: true,
    });
  });

  it("fails with a config error when a stack has no redirect URLs", async () => {
    await expect(runExample("multi-stack", "staging")).rejects.toThrow(/redirectUrls/);
  });
});

describe("the examples type-check with their own tsconfig.json", () => {
  /** `tsc --noEmit -p examples/<name>/tsconfig.json`, the four at once. */
  const checks = new Map<Example, Promise<{ code: number; output: string }>>();
  beforeAll(() => {
    const tsc = require.resolve("typescript/bin/tsc");
    for (const example of EXAMPLES) {
      const tsconfig = path.join(EXAMPLES_DIR, example, "tsconfig.json");
      checks.set(
        example,
        new Promise((done) => {
          execFile(
            process.execPath,
            [tsc, "--noEmit", "-p", tsconfig],
            { cwd: ROOT, timeout: 120_000 },
            (error, stdout, stderr) => {
              const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
              done({ code, output: `${stdout}${stderr}`.trim() });
            },
          );
        }),
      );
    }
  });

  it.each(EXAMPLES)("%s", async (example) => {
    expect(await checks.get(example)).toEqual({ code: 0, output: "" });
  });
});
