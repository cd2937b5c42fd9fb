// Proves, with the real Pulumi engine on examples/basic, what a changed program does. A changed
// stack config (a second redirect URL, a shorter access token lifespan, a renamed scope) is
// previewed — in the `--diff` text and in the JSON document of `pulumi preview --diff --json` —
// as exactly those property changes with their old and new values, and nothing else; previews
// write nothing; up applies them in place (the scope keeps its id; the integration's authScopes
// follow the rename). A changed clientId is previewed as a replacement with reason clientId; up
// deletes the old integration and creates the new one, leaving exactly one. After each up a
// preview finds no change.
import { isDeepStrictEqual } from "node:util";
import { secretFingerprint } from "../provider/src/fingerprint";
import type { RunResult } from "../scripts/pulumi/inline-runner";
import type { PulumiStack } from "../scripts/pulumi/stack";
import { World } from "./helpers/world";

jest.setTimeout(600_000);

const SCOPE_TYPE = "pulumi-nodejs:dynamic/inbound-oauth:AuthScope";
const APP_TYPE = "pulumi-nodejs:dynamic/inbound-oauth:AuthorizationCodeGrant";
const SCOPE_URN = `urn:pulumi:dev::examples-basic::${SCOPE_TYPE}::useraccount`;
const APP_URN = `urn:pulumi:dev::examples-basic::${APP_TYPE}::web-app`;
const STACK_URN = "urn:pulumi:dev::examples-basic::pulumi:pulumi:Stack::examples-basic-dev";

const FIRST_URL = "https://app.example.com/oauth/callback";
const ADDED_URL = "http://127.0.0.1:8400/oauth/callback";
const NEW_CLIENT_ID = "example-web-app-client";

/** One resource's block in the output of `preview --diff`: its header and its property lines. */
interface DiffBlock {
  /** The marker before the type (`~`, `+-`, ...; empty for an unchanged resource). */
  marker: string;
  type: string;
  op: string;
  /** Each top-level property the block marks as changed: its marker and its lines (nested ones included). */
  changed: Record<string, { marker: string; text: string }>;
}

/** Splits the `preview --diff` text into its resource blocks (the stack outputs section excluded). */
function diffBlocks(stdout: string): DiffBlock[] {
  const blocks: DiffBlock[] = [];
  let current: DiffBlock | undefined;
  let property: { marker: string; text: string } | undefined;
  for (const line of stdout.split("\n")) {
    const header = /^ {2,4}(\+-|[~+-])?\s*([\w:/-]+): \((\w+)\)$/.exec(line);
    if (header) {
      current = { marker: header[1] ?? "", type: header[2]!, op: header[3]!, changed: {} };
      blocks.push(current);
      property = undefined;
      continue;
    }
    if (!current || /^\S|^ {4}--outputs:--/.test(line)) {
      current = undefined;
      continue;
    }
    const changed = /^ {6}([~+-]) (\w+)\s*:/.exec(line);
    const unchanged = /^ {8}(\w+)\s*:/.exec(line);
    if (changed) {
      property = { marker: changed[1]!, text: line };
      current.changed[changed[2]!] = property;
    } else if (unchanged) {
      property = undefined;
    } else if (property) {
      property.text += `\n${line}`;
    }
  }
  return blocks;
}

function block(blocks: DiffBlock[], type: string): DiffBlock {
  const found = blocks.filter((b) => b.type === type);
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** A step of the engine's JSON preview document (the parts these tests read). */
interface JsonStep {
  op: string;
  urn: string;
  replaceReasons?: string[];
  diffReasons?: string[];
  detailedDiff: unknown;
  oldState?: { inputs?: Record<string, unknown> };
  newState?: { inputs?: Record<string, unknown> };
}

function jsonSteps(result: RunResult): JsonStep[] {
  return (result.json as { steps: JsonStep[] }).steps;
}

/** The inputs a step changes, found by comparing its old and new inputs. */
function changedInputs(step: JsonStep): string[] {
  const olds = step.oldState?.inputs ?? {};
  const news = step.newState?.inputs ?? {};
  return [...new Set([...Object.keys(olds), ...Object.keys(news)])]
    .filter((key) => !isDeepStrictEqual(olds[key], news[key]))
    .sort();
}

/** The field names of an audit event's changes. */
const fields = (event: Record<string, unknown>) =>
  ((event.changes as Array<{ field: string }> | undefined) ?? []).map((c) => c.field).sort();

describe("a changed program of examples/basic", () => {
  let world: World;
  let stack: PulumiStack;
  let scopeId: string;
  let appId: string;
  let firstClientId: string;
  let firstSecret: string;

  beforeAll(async () => {
    world = await World.start("program-changes");
    stack = await world.stack("basic", "examples/basic/index.ts", { projectName: "examples-basic" });
    const up = await stack.up();
    expect(up.ok).toBe(true);
    expect(up.changes).toEqual({ create: 3 });
    firstClientId = up.outputs!.clientId!.value as string;
    firstSecret = up.outputs!.clientSecret!.value as string;
    const [scope] = await world.list("auth-scopes");
    const [app] = await world.list("integrations");
    scopeId = String(scope!.id);
    appId = String(app!.id);
  });

  afterAll(async () => {
    await world?.stop();
  });

  it("previews a second redirect URL, a new lifespan and a renamed scope as exactly those changes, old → new, and writes nothing", async () => {
    await stack.configure({
      redirectUrls: { value: JSON.stringify([FIRST_URL, ADDED_URL]) },
      accessTokenLifespan: { value: "900" },
      scopeName: { value: "useraccount.read" },
    });
    const before = await world.audit();
    const preview = await stack.preview({ diff: true });
    expect(preview.ok).toBe(true);
    expect(preview.changes).toEqual({ same: 1, update: 2 });

    const blocks = diffBlocks(preview.stdout);
    expect(blocks.map((b) => [b.marker, b.type, b.op])).toEqual([
      ["", "pulumi:pulumi:Stack", "same"],
      ["~", SCOPE_TYPE, "update"],
      ["~", APP_TYPE, "update"],
    ]);
    const scope = block(blocks, SCOPE_TYPE);
    expect(Object.keys(scope.changed)).toEqual(["name"]);
    expect(scope.changed.name!.text).toMatch(/~ name\s+: "useraccount" => "useraccount.read"$/);

    const app = block(blocks, APP_TYPE);
    expect(Object.keys(app.changed).sort()).toEqual(["accessTokenLifespan", "authScopes", "redirectUrls"]);
    expect(app.changed.accessTokenLifespan!.text).toMatch(/~ accessTokenLifespan\s+: 1800 => 900$/);
    expect(app.changed.authScopes!.text).toContain(`~ [0]: "useraccount" => "useraccount.read"`);
    const redirect = app.changed.redirectUrls!.text;
    expect(redirect).toContain(`+ [1]: "${ADDED_URL}"`);
    // The first URL stays as it is (no marker).
    expect(redirect).toContain(`\n            [0]: "${FIRST_URL}"`);
    expect(preview.stdout).toMatch(/~ 2 to update\n\s+1 unchanged/);
    expect(await world.audit()).toEqual(before);
  });

  it("carries the same steps in the JSON preview (pulumi preview --diff --json), and writes nothing", async () => {
    const before = await world.audit();
    const preview = await stack.preview({ diff: true, json: true });
    expect(preview.ok).toBe(true);
    const steps = jsonSteps(preview);
    expect(steps.map((s) => [s.urn, s.op])).toEqual([
      [STACK_URN, "same"],
      [SCOPE_URN, "update"],
      [APP_URN, "update"],
    ]);
    const scope = steps[1]!;
    const app = steps[2]!;
    expect(changedInputs(scope)).toEqual(["name"]);
    expect([scope.oldState!.inputs!.name, scope.newState!.inputs!.name]).toEqual([
      "useraccount",
      "useraccount.read",
    ]);
    expect(changedInputs(app)).toEqual(["accessTokenLifespan", "authScopes", "redirectUrls"]);
    const pick = (inputs: Record<string, unknown> | undefined) => ({
      accessTokenLifespan: inputs?.accessTokenLifespan,
      authScopes: inputs?.authScopes,
      redirectUrls: inputs?.redirectUrls,
    });
    expect(pick(app.oldState?.inputs)).toEqual({
      accessTokenLifespan: 1800,
      authScopes: ["useraccount"],
      redirectUrls: [FIRST_URL],
    });
    expect(pick(app.newState?.inputs)).toEqual({
      accessTokenLifespan: 900,
      authScopes: ["useraccount.read"],
      redirectUrls: [FIRST_URL, ADDED_URL],
    });
    for (const step of [scope, app]) {
      expect(step.replaceReasons).toBeUndefined();
      // Pulumi's Node.js dynamic-provider host passes on no list of changed properties (its
      // DiffResult has none), so the document has no diffReasons or detailedDiff: the changes are
      // read from each step's old and new inputs, as above.
      expect(step.diffReasons).toBeUndefined();
      expect(step.detailedDiff).toBeNull();
    }
    expect((preview.json as { changeSummary: unknown }).changeSummary).toEqual({ same: 1, update: 2 });
    expect(JSON.stringify(preview.json)).not.toContain(firstSecret);
    expect(await world.audit()).toEqual(before);
  });

  it("up applies them in place: the scope is renamed (same id) and the integration updated", async () => {
    const before = await world.audit();
    const up = await stack.up();
    expect(up.ok).toBe(true);
    expect(up.changes).toEqual({ same: 1, update: 2 });

    const scopes = await world.list("auth-scopes");
    expect(scopes).toHaveLength(1);
    expect(scopes[0]).toMatchObject({ id: scopeId, name: "useraccount.read" });
    const apps = await world.list("integrations");
    expect(apps).toHaveLength(1);
    expect(apps[0]).toMatchObject({
      id: appId,
      clientId: firstClientId,
      accessTokenLifespan: 900,
      redirectUrls: [FIRST_URL, ADDED_URL],
      authScopes: ["useraccount.read"],
      clientSecretFingerprint: secretFingerprint(firstSecret),
    });
    // Two writes: the scope's rename, then the integration's new values. The server keeps scope
    // references by id, so the integration's authScopes already show the new name: no write needed.
    const writes = (await world.audit()).slice(before.length);
    expect(writes.map((e) => [e.action, e.recordId, fields(e)])).toEqual([
      ["update", scopeId, ["name"]],
      ["update", appId, ["accessTokenLifespan", "redirectUrls"]],
    ]);
    const again = await stack.preview({ expectNoChanges: true });
    expect(again.ok).toBe(true);
    expect(again.changes).toEqual({ same: 3 });
  });

  it("previews a changed clientId as a replacement, with reason clientId, and writes nothing", async () => {
    await stack.configure({ clientId: { value: NEW_CLIENT_ID } });
    const before = await world.audit();

    const preview = await stack.preview({ diff: true });
    expect(preview.ok).toBe(true);
    expect(preview.changes).toEqual({ replace: 1, same: 2 });
    const blocks = diffBlocks(preview.stdout);
    expect(blocks.map((b) => [b.marker, b.type, b.op])).toEqual([
      ["", "pulumi:pulumi:Stack", "same"],
      ["+-", APP_TYPE, "replace"],
    ]);
    // The server chose the first clientId, so it was no input: the diff shows it added; the
    // stack output shows the old → new value.
    const app = block(blocks, APP_TYPE);
    expect(Object.keys(app.changed)).toEqual(["clientId"]);
    expect(app.changed.clientId!.text).toMatch(new RegExp(`^ {6}\\+ clientId\\s+: "${NEW_CLIENT_ID}"$`));
    expect(preview.stdout).toMatch(
      new RegExp(`--outputs:--\\n\\s+~ clientId\\s+: "${firstClientId}" => "${NEW_CLIENT_ID}"`),
    );
    expect(preview.stdout).toMatch(/\+-1 to replace\n\s+2 unchanged/);

    const json = await stack.preview({ diff: true, json: true });
    expect(json.ok).toBe(true);
    const steps = jsonSteps(json);
    expect(steps.map((s) => [s.urn, s.op])).toEqual([
      [STACK_URN, "same"],
      [APP_URN, "replace"],
    ]);
    expect(steps[1]!.replaceReasons).toEqual(["clientId"]);
    expect(changedInputs(steps[1]!)).toEqual(["clientId"]);
    expect(steps[1]!.newState!.inputs!.clientId).toBe(NEW_CLIENT_ID);
    expect(JSON.stringify(json.json)).not.toContain(firstSecret);
    expect(await world.audit()).toEqual(before);
  });

  it("up replaces the integration: the old record deleted first, one integration left with the new clientId", async () => {
    const before = await world.audit();
    const up = await stack.up();
    expect(up.ok).toBe(true);
    expect(up.changes).toEqual({ replace: 1, same: 2 });

    const apps = await world.list("integrations");
    expect(apps).toHaveLength(1);
    const [app] = apps;
    expect(app!.id).not.toBe(appId);
    expect(app).toMatchObject({
      name: "Example web app",
      clientId: NEW_CLIENT_ID,
      accessTokenLifespan: 900,
      redirectUrls: [FIRST_URL, ADDED_URL],
      authScopes: ["useraccount.read"],
    });
    expect((await world.api("GET", `/api/v1/integrations/${appId}`)).status).toBe(404);
    // A new client gets a new secret, which Pulumi holds.
    const secret = up.outputs!.clientSecret!.value as string;
    expect(secret).not.toBe(firstSecret);
    expect(app!.clientSecretFingerprint).toBe(secretFingerprint(secret));
    expect(up.outputs!.clientId!.value).toBe(NEW_CLIENT_ID);
    // The same name stays unique: the old record goes before the new one is created.
    const writes = (await world.audit()).slice(before.length);
    expect(writes.map((e) => [e.action, e.recordId])).toEqual([
      ["delete", appId],
      ["create", app!.id],
    ]);
    expect((await world.list("auth-scopes")).map((s) => s.id)).toEqual([scopeId]);

    const again = await stack.preview({ expectNoChanges: true });
    expect(again.ok).toBe(true);
    expect(again.changes).toEqual({ same: 3 });
  });
});
