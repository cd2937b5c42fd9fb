// Proves, for each example program (examples/<name>/index.ts) run by the real Pulumi engine against
// a fresh server, the life of a stack as users live it: a preview with diff on a new stack lists
// every create with its declared values and writes nothing; up creates exactly the declared
// records; the client secret never shows in the CLI's output nor in plaintext in `pulumi stack
// export` (it is kept encrypted); a second preview finds no change; the plain CLI `pulumi destroy`
// deletes every record, as the audit log shows.
import type { ConfigMap } from "@pulumi/pulumi/automation";
import type { PulumiStack } from "../scripts/pulumi/stack";
import { exampleProject, exampleStackConfig } from "./helpers/examples";
import { COLLECTIONS, type Collection, World } from "./helpers/world";

jest.setTimeout(600_000);

/** Pulumi's marker of a secret value in a state file: `{ [SECRET_SIGNATURE]: SECRET_VALUE_TAG, ciphertext }`. */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE_TAG = "1b47061264138c4ac30d75fd1eb44270";

type Declared = Record<Collection, Array<Record<string, unknown>>>;

interface Example {
  folder: string;
  stackName: string;
  /** Stack config beyond the provider's (endpoint and admin token). */
  config: ConfigMap;
  /** Steps of the first preview and the first up (the stack itself included). */
  creates: number;
  /** Records the server holds after up: each one's name and key properties. */
  declared: Declared;
  /** The resources (type and logical name) the preview's diff must list as creates. */
  resources: Array<[type: string, logicalName: string]>;
  /** Lines of declared property values the preview's diff must show (besides every record's name). */
  diffShows: RegExp[];
  /** A confidential client exports its secret as `clientSecret`. */
  confidential: boolean;
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A property line of the diff text: `<name>   : <value as rendered>`. */
const property = (name: string, rendered: string) =>
  new RegExp(`^\\s*${name}\\s*: ${literal(rendered)}$`, "m");
/** An array element line of the diff text: `[<index>]: "<text>"`. */
const item = (index: number, text: string) => new RegExp(`^\\s*\\[${index}\\]: "${literal(text)}"$`, "m");

const multiStackDev = exampleStackConfig("multi-stack", "dev");
const multiStackRedirects = JSON.parse(multiStackDev["examples-multi-stack:redirectUrls"]!.value) as string[];

const EXAMPLES: Example[] = [
  {
    folder: "basic",
    stackName: "dev",
    config: {},
    creates: 3,
    declared: {
      "auth-scopes": [{ name: "useraccount", limitAuthorizationToApis: ["Table API"] }],
      integrations: [
        {
          name: "Example web app",
          providerName: "Example web app",
          publicClient: false,
          redirectUrls: ["https://app.example.com/oauth/callback"],
          authScopes: ["useraccount"],
        },
      ],
      "api-access-policies": [],
    },
    resources: [
      ["AuthScope", "useraccount"],
      ["AuthorizationCodeGrant", "web-app"],
    ],
    diffShows: [
      item(0, "https://app.example.com/oauth/callback"),
      item(0, "Table API"),
      property("description", '"Read your user account records"'),
      property("publicClient", "false"),
    ],
    confidential: true,
  },
  {
    folder: "spa-public-client",
    stackName: "dev",
    config: {},
    creates: 3,
    declared: {
      "auth-scopes": [{ name: "spa.read", limitAuthorizationToApis: ["Table API"] }],
      integrations: [
        {
          name: "Example single-page app",
          publicClient: true,
          clientSecretFingerprint: null,
          redirectUrls: ["http://127.0.0.1:5173/callback", "https://spa.example.com/callback"],
          authScopes: ["spa.read"],
          tokenFormat: "JWT",
          accessTokenLifespan: 900,
        },
      ],
      "api-access-policies": [],
    },
    resources: [
      ["AuthScope", "spa-read"],
      ["AuthorizationCodeGrant", "spa"],
    ],
    diffShows: [
      item(0, "http://127.0.0.1:5173/callback"),
      item(1, "https://spa.example.com/callback"),
      property("publicClient", "true"),
      property("tokenFormat", '"JWT"'),
      property("accessTokenLifespan", "900"),
    ],
    confidential: false,
  },
  {
    folder: "token-restriction",
    stackName: "dev",
    config: {},
    creates: 5,
    declared: {
      "auth-scopes": [
        { name: "attachments.read", limitAuthorizationToApis: ["Attachment API"] },
        { name: "records.read", limitAuthorizationToApis: ["Table API"] },
      ],
      integrations: [
        {
          name: "Reporting app",
          publicClient: false,
          redirectUrls: ["https://reports.example.com/oauth/callback"],
          authScopes: ["records.read", "attachments.read"],
          allowAccessOnlyToApisInSelectedScope: true,
          enforceTokenRestriction: true,
        },
      ],
      "api-access-policies": [
        {
          name: "Reporting app: Table API only",
          restApis: ["Table API"],
          integrations: ["Reporting app"],
          applyToAllIntegrations: false,
        },
      ],
    },
    resources: [
      ["AuthScope", "records-read"],
      ["AuthScope", "attachments-read"],
      ["AuthorizationCodeGrant", "reporting-app"],
      ["ApiAccessPolicy", "reporting-app-table-only"],
    ],
    diffShows: [
      item(0, "https://reports.example.com/oauth/callback"),
      item(0, "Attachment API"),
      item(1, "attachments.read"),
      item(0, "Reporting app"),
      property("allowAccessOnlyToApisInSelectedScope", "true"),
      property("enforceTokenRestriction", "true"),
    ],
    confidential: true,
  },
  {
    folder: "multi-stack",
    stackName: "dev",
    config: multiStackDev,
    creates: 3,
    declared: {
      "auth-scopes": [{ name: "orders.read-dev", limitAuthorizationToApis: ["Table API"] }],
      integrations: [
        {
          name: "orders-app-dev",
          providerName: "Orders app",
          publicClient: false,
          redirectUrls: multiStackRedirects,
          authScopes: ["orders.read-dev"],
          deletionProtection: false,
        },
      ],
      "api-access-policies": [],
    },
    resources: [
      ["AuthScope", "orders-read"],
      ["AuthorizationCodeGrant", "orders-app"],
    ],
    diffShows: [
      ...multiStackRedirects.map((url, index) => item(index, url)),
      property("description", '"Read orders (dev)"'),
      property("deletionProtection", "false"),
    ],
    confidential: true,
  },
];

const byName = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  String(a.name).localeCompare(String(b.name));

describe.each(EXAMPLES)("examples/$folder (stack $stackName) through its whole life", (example) => {
  let world: World;
  let stack: PulumiStack;
  /** Everything the CLI printed during the operations of this example. */
  const printed: string[] = [];
  let secret: string | undefined;

  beforeAll(async () => {
    world = await World.start(`examples-lifecycle-${example.folder}`);
    stack = await world.stack(example.folder, `examples/${example.folder}/index.ts`, {
      projectName: exampleProject(example.folder),
      stackName: example.stackName,
      config: example.config,
    });
  });
  afterAll(async () => {
    await world?.stop();
  });

  const records = async (): Promise<Declared> => {
    const all = await Promise.all(
      COLLECTIONS.map(async (c) => [c, (await world.list(c)).sort(byName)] as const),
    );
    return Object.fromEntries(all) as Declared;
  };
  const empty: Declared = { integrations: [], "auth-scopes": [], "api-access-policies": [] };
  const declaredNames = Object.values(example.declared).flatMap((list) => list.map((r) => String(r.name)));

  it("previews every create with its declared values and writes nothing to the server", async () => {
    const auditBefore = await world.audit();
    const preview = await stack.preview({ diff: true });
    printed.push(preview.stdout, preview.stderr);
    expect(preview.ok).toBe(true);
    expect(preview.changes).toEqual({ create: example.creates });
    const creates = [...preview.stdout.matchAll(/^\s*\+ (\S+): \(create\)\n\s*\[urn=\S+::(\S+)\]$/gm)];
    // The stack first, then the resources (in whatever order the engine steps through them).
    const listed = creates.map(([, type, logical]) => `${type}::${logical}`);
    expect(listed[0]).toBe(`pulumi:pulumi:Stack::${exampleProject(example.folder)}-${example.stackName}`);
    expect(listed.slice(1).sort()).toEqual(
      example.resources
        .map(([type, logical]) => `pulumi-nodejs:dynamic/inbound-oauth:${type}::${logical}`)
        .sort(),
    );
    for (const name of declaredNames) expect(preview.stdout).toMatch(property("name", `"${name}"`));
    for (const line of example.diffShows) expect(preview.stdout).toMatch(line);
    expect(await world.audit()).toEqual(auditBefore);
    expect(await records()).toEqual(empty);
  });

  it("up creates exactly the declared records", async () => {
    const up = await stack.up();
    printed.push(up.stdout, up.stderr);
    expect(up.ok).toBe(true);
    expect(up.changes).toEqual({ create: example.creates });
    const held = await records();
    for (const collection of COLLECTIONS) {
      expect(held[collection]).toEqual(
        [...example.declared[collection]].sort(byName).map((record) => expect.objectContaining(record)),
      );
    }
    if (example.confidential) {
      expect(up.outputs?.clientSecret).toEqual({ value: expect.any(String), secret: true });
      secret = up.outputs?.clientSecret?.value as string;
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect(held.integrations[0]?.clientSecretFingerprint).toEqual(expect.stringMatching(/^sha256:/));
    } else {
      expect(up.outputs).not.toHaveProperty("clientSecret");
    }
  });

  it("a second preview expecting no changes finds every resource the same", async () => {
    const preview = await stack.preview({ expectNoChanges: true });
    printed.push(preview.stdout, preview.stderr);
    expect(preview.ok).toBe(true);
    expect(preview.changes).toEqual({ same: example.creates });
  });

  it("neither the client secret nor the admin token shows in the CLI output or in plaintext in stack export", async () => {
    const exported = await stack.exportState();
    const output = printed.join("\n");
    expect(output).not.toContain(world.server.adminToken);
    expect(exported.text).not.toContain(world.server.adminToken);
    const root = exported.deployment.resources?.find((r) => r.type === "pulumi:pulumi:Stack");
    const outputs = (root?.outputs ?? {}) as Record<string, unknown>;
    if (example.confidential) {
      expect(secret).toBeDefined();
      expect(output).not.toContain(secret);
      expect(exported.text).not.toContain(secret);
      const encrypted = { [SECRET_SIGNATURE]: SECRET_VALUE_TAG, ciphertext: expect.any(String) };
      expect(outputs.clientSecret).toEqual(encrypted);
      // The integration's own state keeps it encrypted too (the SDK marks it a secret output).
      const grant = exported.deployment.resources?.find((r) =>
        String(r.type).endsWith(":AuthorizationCodeGrant"),
      );
      expect((grant?.outputs as Record<string, unknown> | undefined)?.clientSecret).toEqual(encrypted);
    } else {
      expect(outputs).not.toHaveProperty("clientSecret");
    }
    expect(outputs.clientId).toEqual(expect.any(String));
  });

  it("the plain CLI `pulumi destroy --yes` deletes every record and the audit log shows each delete", async () => {
    const held = await records();
    const ids = Object.values(held).flatMap((list) => list.map((r) => String(r.id)));
    expect(ids).toHaveLength(declaredNames.length);
    const destroy = await stack.cli(["destroy", "--yes"]);
    expect(destroy.code).toBe(0);
    if (secret) expect(destroy.stdout + destroy.stderr).not.toContain(secret);
    expect(await records()).toEqual(empty);
    const deletes = (await world.audit()).filter((event) => event.action === "delete");
    expect(deletes.map((event) => event.recordId).sort()).toEqual([...ids].sort());
  });
});
