// Proves how examples/basic takes over records created beforehand through the management API:
// without `adopt` the up fails, naming the existing record and saying how to adopt it, and changes
// nothing on the server; with `adopt: true` the up takes the existing records into the state (their
// ids, no duplicate) and sets their properties to the declared ones. The adopted integration keeps
// its client secret, which Pulumi then does not know (provider/src/crud.ts createRecord): the
// integration's clientSecret output, and so the stack output, stay unset.
import type { PulumiStack } from "../scripts/pulumi/stack";
import { type Collection, World } from "./helpers/world";

jest.setTimeout(600_000);

const PROJECT = "examples-basic";

/** The stack's dynamic resources of an inbound-oauth type, by type name (AuthScope, …). */
async function stateIds(stack: PulumiStack): Promise<Record<string, string>> {
  const { deployment } = await stack.exportState();
  const prefix = "pulumi-nodejs:dynamic/inbound-oauth:";
  return Object.fromEntries(
    (deployment.resources ?? [])
      .filter((resource) => String(resource.type).startsWith(prefix))
      .map((resource) => [String(resource.type).slice(prefix.length), String(resource.id)]),
  );
}

async function only(world: World, collection: Collection): Promise<Record<string, unknown>> {
  const records = await world.list(collection);
  expect(records).toHaveLength(1);
  return records[0]!;
}

describe("adopting records created outside Pulumi (examples/basic)", () => {
  let world: World;
  let stack: PulumiStack;
  let scope: Record<string, unknown>;
  let integration: Record<string, unknown>;

  beforeAll(async () => {
    world = await World.start("adoption");
    stack = await world.stack("basic", "examples/basic/index.ts", { projectName: PROJECT });
    // The example's names, with other properties than the program declares.
    const scopeAnswer = await world.api("POST", "/api/v1/auth-scopes", {
      body: { name: "useraccount", description: "Made by hand", limitAuthorizationToApis: [] },
    });
    expect(scopeAnswer.status).toBe(201);
    const integrationAnswer = await world.api("POST", "/api/v1/integrations", {
      body: {
        name: "Example web app",
        providerName: "Hand-made provider",
        redirectUrls: ["https://legacy.example.com/callback"],
        authScopes: [],
        accessTokenLifespan: 600,
      },
    });
    expect(integrationAnswer.status).toBe(201);
    expect(integrationAnswer.body.clientSecret).toEqual(expect.any(String));
    scope = await only(world, "auth-scopes");
    integration = await only(world, "integrations");
  });

  afterAll(async () => {
    await world?.stop();
  });

  it("without adopt, up fails naming the existing record and how to adopt it, and changes nothing", async () => {
    const before = await world.audit();
    const up = await stack.up();
    expect(up.ok).toBe(false);
    // The scope is created first (the integration needs its name), so its conflict stops the up.
    const output = `${up.stdout}\n${up.stderr}\n${up.error}`;
    expect(output).toContain(`AuthScope named "useraccount" already exists (id ${scope.id})`);
    expect(output).toContain("set `adopt: true` on the resource and run `pulumi up` again");
    expect(await world.list("auth-scopes")).toEqual([scope]);
    expect(await world.list("integrations")).toEqual([integration]);
    expect(await world.audit()).toEqual(before);
    expect(await stateIds(stack)).toEqual({});
  });

  it("with adopt: true, up takes over the existing records (same ids, no duplicate) and sets the declared properties", async () => {
    await stack.configure({ [`${PROJECT}:adopt`]: { value: "true" } });
    const up = await stack.up();
    expect(up.error).toBeUndefined();
    // The scope and the integration; the stack resource itself was created by the failed up.
    expect(up.changes).toEqual({ create: 2, same: 1 });

    expect(await stateIds(stack)).toEqual({ AuthScope: scope.id, AuthorizationCodeGrant: integration.id });
    const adoptedScope = await only(world, "auth-scopes");
    expect(adoptedScope).toMatchObject({
      id: scope.id,
      name: "useraccount",
      description: "Read your user account records",
      limitAuthorizationToApis: ["Table API"],
    });
    const adoptedIntegration = await only(world, "integrations");
    expect(adoptedIntegration).toMatchObject({
      id: integration.id,
      name: "Example web app",
      providerName: "Example web app",
      redirectUrls: ["https://app.example.com/oauth/callback"],
      authScopes: ["useraccount"],
      accessTokenLifespan: 1800, // not declared: the server's default replaces the hand-set 600
      clientId: integration.clientId,
    });

    // The integration keeps its secret, which Pulumi does not know: the resource's state has no
    // clientSecret and the example's stack output clientSecret has no value.
    expect(adoptedIntegration.clientSecretFingerprint).toBe(integration.clientSecretFingerprint);
    const { deployment } = await stack.exportState();
    const grant = deployment.resources?.find((resource) =>
      String(resource.type).endsWith(":AuthorizationCodeGrant"),
    );
    expect(grant?.outputs).toMatchObject({ id: integration.id, adopt: true });
    expect(grant?.outputs).not.toHaveProperty("clientSecret");
    expect(up.outputs?.clientId).toEqual({ value: integration.clientId, secret: false });
    expect(up.outputs?.clientSecret).toEqual({ value: null, secret: true });
    const shown = await stack.cli(["stack", "output", "--show-secrets", "clientSecret"]);
    expect({ code: shown.code, stdout: shown.stdout.trim() }).toEqual({ code: 0, stdout: "null" });
  });

  it("after adoption, a preview expects no changes and destroy removes the adopted records", async () => {
    const preview = await stack.preview({ expectNoChanges: true });
    expect(preview.error).toBeUndefined();
    expect(preview.ok).toBe(true);

    const destroy = await stack.cli(["destroy", "--yes"]);
    expect({ code: destroy.code, stderr: destroy.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(await world.list("auth-scopes")).toEqual([]);
    expect(await world.list("integrations")).toEqual([]);
  });
});
