// Proves drift detection on examples/basic with the plain Pulumi CLI, as a scheduled drift job
// runs it. An out-of-band edit through the management API makes
// `pulumi refresh --preview-only --expect-no-changes` exit with the engine's drift code 7, naming
// the edited properties and no other; so does a secret rotation through the API, without either
// secret's value in the output. A refresh preview writes nothing. `up --refresh` restores the
// declared state — after a rotation, the secret Pulumi holds (the token endpoint accepts it again
// and refuses the rotated one) — and then preview and the refresh preview find nothing.
import { fetch } from "undici";
import { secretFingerprint } from "../provider/src/fingerprint";
import type { CommandResult } from "../scripts/pulumi/cli";
import type { PulumiStack } from "../scripts/pulumi/stack";
import { World } from "./helpers/world";

jest.setTimeout(600_000);

const APP_TYPE = "pulumi-nodejs:dynamic/inbound-oauth:AuthorizationCodeGrant";
const SCOPE_TYPE = "pulumi-nodejs:dynamic/inbound-oauth:AuthScope";
/** The engine's exit code when `--expect-no-changes` finds changes. */
const DRIFT = 7;
/** What the server changes on every write: not declared, so not drift. */
const BOOKKEEPING = ["updatedAt", "version"];

/** The plain CLI drift check, in its summary form and in its `--diff` form. */
async function driftCheck(stack: PulumiStack): Promise<{ summary: CommandResult; diff: CommandResult }> {
  const args = ["refresh", "--preview-only", "--expect-no-changes"];
  return { summary: await stack.cli(args), diff: await stack.cli([...args, "--diff"]) };
}

/** The line of the summary form for one resource (e.g. ` ~  <type> web-app update [diff: ~a,b]`). */
function summaryLine(stdout: string, type: string, name: string): string {
  const lines = stdout
    .split("\n")
    .filter((line) => line.includes(`${type} ${name} `) && !/refreshing/.test(line));
  expect(lines).toHaveLength(1);
  return lines[0]!.trim();
}

/**
 * The top-level properties the `--diff` form marks as changed for one resource type, each with its
 * lines (nested ones included).
 */
function changedProperties(stdout: string, type: string): Record<string, string> {
  const lines = stdout.split("\n");
  const start = lines.findIndex((line) => line.includes(`${type}: (`));
  expect(start).toBeGreaterThanOrEqual(0);
  const changed: Record<string, string> = {};
  let current: string | undefined;
  for (const line of lines.slice(start + 1)) {
    if (/^\S| {2,4}(\+-|[~+-])?\s*[\w:/-]+: \(\w+\)$/.test(line)) break;
    const marked = /^ {6}[~+-] (\w+)\s*:/.exec(line);
    if (marked) {
      current = marked[1]!;
      changed[current] = line;
    } else if (/^ {8}\w+\s*:/.test(line)) {
      current = undefined;
    } else if (current) {
      changed[current] += `\n${line}`;
    }
  }
  return changed;
}

/** Authenticates as the client with client_secret_basic at the token endpoint (with an unknown code). */
async function tokenEndpointError(base: string, clientId: string, secret: string): Promise<string> {
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString(
    "base64",
  );
  const response = await fetch(`${base}/oauth_token.do`, {
    method: "POST",
    headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: "no-such-code",
      redirect_uri: "https://app.example.com/oauth/callback",
    }).toString(),
  });
  return ((await response.json()) as { error: string }).error;
}
/** invalid_grant: the client authenticated, only the code is wrong. invalid_client: a wrong secret. */
const ACCEPTED = "invalid_grant";
const REFUSED = "invalid_client";

describe("drift on examples/basic, found by the plain CLI's refresh preview", () => {
  let world: World;
  let stack: PulumiStack;
  let appId: string;
  let clientId: string;
  /** The secret Pulumi holds (the stack output). */
  let pulumiSecret: string;
  /** The integration as up created it: the declared state. */
  let declared: Record<string, unknown>;
  /** The secret a rotation through the API set. */
  let rotated: string;

  const withoutBookkeeping = (record: Record<string, unknown>) => {
    const { version: _v, updatedAt: _u, ...rest } = record;
    return rest;
  };

  beforeAll(async () => {
    world = await World.start("drift");
    stack = await world.stack("basic", "examples/basic/index.ts", { projectName: "examples-basic" });
    const up = await stack.up();
    expect(up.ok).toBe(true);
    clientId = up.outputs!.clientId!.value as string;
    pulumiSecret = up.outputs!.clientSecret!.value as string;
    const [app] = await world.list("integrations");
    appId = String(app!.id);
    declared = app!;
  });

  afterAll(async () => {
    await world?.stop();
  });

  it("finds no drift right after up", async () => {
    const { summary } = await driftCheck(stack);
    expect(summary.code).toBe(0);
  });

  it("an out-of-band edit: exit 7, naming accessTokenLifespan and redirectUrls only; the check writes nothing", async () => {
    const edit = await world.edit("integrations", appId, {
      accessTokenLifespan: 60,
      redirectUrls: ["https://drift.example.com/cb"],
    });
    expect(edit.status).toBe(200);
    const before = await world.audit();

    const { summary, diff } = await driftCheck(stack);
    expect(summary.code).toBe(DRIFT);
    expect(summary.stderr).toContain("no changes were expected for refresh but changes were proposed");
    expect(summaryLine(summary.stdout, APP_TYPE, "web-app")).toBe(
      `~  ${APP_TYPE} web-app update [diff: ~accessTokenLifespan,redirectUrls]`,
    );
    expect(summaryLine(summary.stdout, SCOPE_TYPE, "useraccount")).toBe(`${SCOPE_TYPE} useraccount`);
    expect(summary.stdout).toMatch(/~ 1 to update\n\s+2 unchanged/);

    expect(diff.code).toBe(DRIFT);
    const changed = changedProperties(diff.stdout, APP_TYPE);
    expect(Object.keys(changed).sort()).toEqual(["accessTokenLifespan", "redirectUrls", ...BOOKKEEPING]);
    expect(changed.accessTokenLifespan).toMatch(/~ accessTokenLifespan\s+: 1800 => 60$/);
    expect(changed.redirectUrls).toContain(
      `~ [0]: "https://app.example.com/oauth/callback" => "https://drift.example.com/cb"`,
    );
    expect(diff.stdout).not.toContain(`${SCOPE_TYPE}: (`);
    for (const output of [summary, diff]) expect(output.stdout + output.stderr).not.toContain(pulumiSecret);

    expect(await world.audit()).toEqual(before);
  });

  it("up --refresh restores the edited properties; then preview and the drift check find nothing", async () => {
    const up = await stack.up({ refresh: true });
    expect(up.ok).toBe(true);
    expect(up.changes).toEqual({ same: 2, update: 1 });
    const live = await world.api("GET", `/api/v1/integrations/${appId}`);
    expect(withoutBookkeeping(live.body)).toEqual(withoutBookkeeping(declared));

    const preview = await stack.preview({ expectNoChanges: true });
    expect(preview.ok).toBe(true);
    expect(preview.changes).toEqual({ same: 3 });
    const { summary } = await driftCheck(stack);
    expect(summary.code).toBe(0);
  });

  it("a secret rotation through the API: exit 7, naming the client secret by its fingerprint, never by value", async () => {
    expect(await tokenEndpointError(world.server.base, clientId, pulumiSecret)).toBe(ACCEPTED);
    const rotation = await world.api("POST", `/api/v1/integrations/${appId}/rotate-secret`, { body: {} });
    expect(rotation.status).toBe(200);
    rotated = rotation.body.clientSecret as string;
    expect(rotated).toEqual(expect.any(String));
    expect(await tokenEndpointError(world.server.base, clientId, pulumiSecret)).toBe(REFUSED);
    const before = await world.audit();

    const { summary, diff } = await driftCheck(stack);
    expect(summary.code).toBe(DRIFT);
    expect(summary.stderr).toContain("no changes were expected for refresh but changes were proposed");
    // The summary form lists changed inputs only, and a generated secret is no input: the
    // integration is flagged for update without a property list.
    expect(summaryLine(summary.stdout, APP_TYPE, "web-app")).toBe(`~  ${APP_TYPE} web-app update`);
    expect(summaryLine(summary.stdout, SCOPE_TYPE, "useraccount")).toBe(`${SCOPE_TYPE} useraccount`);

    expect(diff.code).toBe(DRIFT);
    const changed = changedProperties(diff.stdout, APP_TYPE);
    expect(Object.keys(changed).sort()).toEqual(["clientSecretFingerprint", ...BOOKKEEPING]);
    expect(changed.clientSecretFingerprint).toMatch(
      new RegExp(
        `~ clientSecretFingerprint\\s+: "${secretFingerprint(pulumiSecret)}" => "${secretFingerprint(rotated)}"$`,
      ),
    );
    expect(diff.stdout).toMatch(/^ {8}clientSecret\s+: \[secret\]$/m);
    for (const output of [summary, diff]) {
      expect(output.stdout + output.stderr).not.toContain(pulumiSecret);
      expect(output.stdout + output.stderr).not.toContain(rotated);
    }
    expect(await world.audit()).toEqual(before);
  });

  it("up --refresh puts Pulumi's secret back; then preview and the drift check find nothing", async () => {
    const rotatedFingerprint = (await world.api("GET", `/api/v1/integrations/${appId}`)).body
      .clientSecretFingerprint;
    const up = await stack.up({ refresh: true });
    expect(up.ok).toBe(true);
    expect(up.changes).toEqual({ same: 2, update: 1 });
    expect(up.outputs!.clientSecret!.value).toBe(pulumiSecret);
    expect(up.stdout).not.toContain(pulumiSecret);

    const live = await world.api("GET", `/api/v1/integrations/${appId}`);
    expect(live.body.clientSecretFingerprint).toBe(secretFingerprint(pulumiSecret));
    expect(live.body.clientSecretFingerprint).not.toBe(rotatedFingerprint);
    expect(withoutBookkeeping(live.body)).toEqual(withoutBookkeeping(declared));
    expect(await tokenEndpointError(world.server.base, clientId, pulumiSecret)).toBe(ACCEPTED);
    expect(await tokenEndpointError(world.server.base, clientId, rotated)).toBe(REFUSED);

    const preview = await stack.preview({ expectNoChanges: true });
    expect(preview.ok).toBe(true);
    expect(preview.changes).toEqual({ same: 3 });
    const { summary } = await driftCheck(stack);
    expect(summary.code).toBe(0);
  });
});
