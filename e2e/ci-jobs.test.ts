/**
 * The CI jobs of examples/ci run as users run them, with the real CLI on PATH, on a stack of
 * examples/basic whose config holds only the endpoint (the admin token for `up` comes from the
 * environment, as the jobs' README advises):
 * - drift-check.ts, spawned as it is with a read-only viewer token: exit 0 and a "no drift" report
 *   on a converged stack, naming the token it ran as (`drift-job`, viewer); exit 7 after an out-of-band edit and a secret rotation, the report naming
 *   each property state → live and the secret only as "changed (secret)", never its value; with
 *   the server down, neither 0 nor 7, a message on stderr and no report. It writes nothing.
 * - preview-comment.ts on a real `preview --diff --json` document of a changed program (new
 *   redirect URL, new lifespan, a declared clientId): the PR comment lists those properties old →
 *   new and flags the replacement.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CommandResult, offlineEnv, REPO_ROOT, run } from "../scripts/pulumi/cli";
import type { PulumiStack } from "../scripts/pulumi/stack";
import { createAdminToken } from "../server/test/helpers/built-server";
import { World } from "./helpers/world";

jest.setTimeout(600_000);

const DRIFT_CHECK = "examples/ci/drift-check.ts";
const PREVIEW_COMMENT = "examples/ci/preview-comment.ts";

let world: World;
let stack: PulumiStack;
let viewer: string;
let reportDir: string;
/** The client secret Pulumi generated and holds (a stack output). */
let createdSecret: string;
let generatedClientId: string;

/** `node examples/ci/drift-check.ts ...` from the repository root, with the viewer token and the built CLI first on PATH. */
function driftCheck(token = viewer): Promise<CommandResult> {
  return run(
    process.execPath,
    [DRIFT_CHECK, "--stack", "dev", "--cwd", stack.dir, "--report-dir", reportDir],
    { cwd: REPO_ROOT, env: offlineEnv(stack.stateDir, { INBOUND_OAUTH_ADMIN_TOKEN: token }) },
  );
}

/** `node examples/ci/preview-comment.ts [file]`, the document on stdin when no file is given. */
function previewComment(args: string[], stdin = ""): Promise<CommandResult> {
  return run(process.execPath, [PREVIEW_COMMENT, ...args], { cwd: REPO_ROOT, env: {}, stdin });
}

const readReport = () => ({
  markdown: readFileSync(join(reportDir, "drift-report.md"), "utf8"),
  json: JSON.parse(readFileSync(join(reportDir, "drift-report.json"), "utf8")) as Record<string, unknown>,
});

beforeAll(async () => {
  world = await World.start("ci-jobs");
  viewer = await createAdminToken(world.server, "drift-job", "viewer");
  reportDir = join(world.dir, "reports");
  stack = await world.stack("basic", "examples/basic/index.ts", { projectName: "examples-basic" });
  const up = await stack.up();
  if (!up.ok) throw new Error(`up failed: ${up.error}`);
  createdSecret = String(up.outputs?.clientSecret?.value);
  generatedClientId = String(up.outputs?.clientId?.value);
});

afterAll(async () => {
  await world?.stop();
});

it("keeps the admin token out of the stack's config: the provider reads it from the environment", () => {
  const config = readFileSync(join(stack.dir, "Pulumi.dev.yaml"), "utf8");
  expect(config).toContain(`inbound-oauth:endpoint: ${world.server.base}`);
  expect(config).not.toContain("adminToken");
  expect(createdSecret).toMatch(/^\S{20,}$/);
});

it("drift-check exits 0 with a no-drift report on a converged stack, with the viewer token, writing nothing", async () => {
  const audit = await world.audit();
  const result = await driftCheck();
  expect(result.stderr).not.toContain("drift-check:");
  expect(result.code).toBe(0);
  const { markdown, json } = readReport();
  expect(result.stdout).toBe(markdown);
  expect(markdown).toContain("# Drift report: `examples-basic` (stack `dev`)");
  expect(markdown).toContain("**No drift**: all 3 resources of the stack match the live records.");
  expect(json).toMatchObject({
    project: "examples-basic",
    stack: "dev",
    status: "no-drift",
    exitCode: 0,
    resources: [],
    token: { name: "drift-job", role: "viewer" },
  });
  expect(markdown).toContain("as the token `drift-job` (role `viewer`)");
  expect(await world.audit()).toEqual(audit);
});

it("the preview renderer turns a real preview of a changed program into a PR comment", async () => {
  await stack.configure({
    redirectUrls: {
      value: JSON.stringify(["https://app.example.com/oauth/callback", "https://app.example.com/cb2"]),
    },
    accessTokenLifespan: { value: "900" },
    clientId: { value: "ci-jobs-web-app" },
  });
  try {
    const preview = await stack.preview({ diff: true, json: true });
    expect(preview.ok).toBe(true);
    expect(preview.json).toBeDefined();
    const file = join(world.dir, "preview.json");
    writeFileSync(file, JSON.stringify(preview.json));
    const rendered = await previewComment([file]);
    expect(rendered).toMatchObject({ code: 0, stderr: "" });
    const markdown = rendered.stdout;
    expect(markdown).toContain("**1 to replace** · 2 unchanged");
    expect(markdown).toContain("#### ± replace `AuthorizationCodeGrant` `web-app`");
    expect(markdown).toContain(
      "> **Replacement**: the record is deleted and created anew, forced by `clientId`.",
    );
    expect(markdown).toContain(
      `| \`clientId\` **(forces replacement)** | \`"${generatedClientId}"\` | \`"ci-jobs-web-app"\` |`,
    );
    expect(markdown).toContain("| `accessTokenLifespan` | `1800` | `900` |");
    expect(markdown).toContain(
      '| `redirectUrls` | `["https://app.example.com/oauth/callback"]` | `["https://app.example.com/oauth/callback","https://app.example.com/cb2"]` |',
    );
    const rows = markdown.split("\n").filter((line) => line.startsWith("| `"));
    expect(rows).toHaveLength(3); // exactly the three changed properties
    for (const hidden of [
      "__provider",
      "__resource",
      "exports.handler",
      createdSecret,
      world.server.adminToken,
    ]) {
      expect(markdown).not.toContain(hidden);
    }
    // The same document on stdin (`pulumi preview --diff --json | node preview-comment.ts`).
    expect(await previewComment([], JSON.stringify(preview.json))).toEqual(rendered);
  } finally {
    await stack.configure({}, ["redirectUrls", "accessTokenLifespan", "clientId"]);
  }
});

it("drift-check reads with the token in the environment: an unknown one fails the check", async () => {
  const result = await driftCheck("not-a-token");
  expect([0, 7]).not.toContain(result.code);
  expect(result.stderr).toContain("no drift report was written");
  expect(result.stderr).toMatch(/401|UNAUTHORIZED|UNAUTHENTICATED/i);
  expect(existsSync(join(reportDir, "drift-report.md"))).toBe(false);
});

it("the viewer token cannot write: the management API refuses its PUT and its secret rotation", async () => {
  const [integration] = await world.list("integrations");
  const put = await world.edit("integrations", String(integration?.id), { accessTokenLifespan: 61 }, viewer);
  expect(put.status).toBe(403);
  const rotate = await world.api("POST", `/api/v1/integrations/${integration?.id}/rotate-secret`, {
    token: viewer,
  });
  expect(rotate.status).toBe(403);
  expect((await world.list("integrations"))[0]).toEqual(integration);
});

it("drift-check exits 7 after an out-of-band edit and a secret rotation, naming each property, never the secret", async () => {
  const [integration] = await world.list("integrations");
  const id = String(integration?.id);
  expect(
    (
      await world.edit("integrations", id, {
        redirectUrls: ["https://evil.example.com/cb"],
        accessTokenLifespan: 60,
      })
    ).status,
  ).toBe(200);
  const rotated = await world.api("POST", `/api/v1/integrations/${id}/rotate-secret`);
  expect(rotated.status).toBe(200);
  const rotatedSecret = String(rotated.body.clientSecret);
  expect(rotatedSecret).toMatch(/^\S{20,}$/);
  const audit = await world.audit();

  const result = await driftCheck();
  expect(result.code).toBe(7);
  const { markdown, json } = readReport();
  expect(result.stdout).toBe(markdown);
  expect(json).toMatchObject({
    project: "examples-basic",
    stack: "dev",
    status: "drift",
    exitCode: 7,
    unchanged: 2,
    token: { name: "drift-job", role: "viewer" },
  });
  expect(json.resources).toEqual([
    {
      urn: "urn:pulumi:dev::examples-basic::pulumi-nodejs:dynamic/inbound-oauth:AuthorizationCodeGrant::web-app",
      type: "pulumi-nodejs:dynamic/inbound-oauth:AuthorizationCodeGrant",
      name: "web-app",
      id,
      drift: "changed",
      properties: [
        { property: "accessTokenLifespan", secret: false, state: 1800, live: 60 },
        { property: "clientSecret", secret: true },
        {
          property: "redirectUrls",
          secret: false,
          state: ["https://app.example.com/oauth/callback"],
          live: ["https://evil.example.com/cb"],
        },
      ],
    },
  ]);
  expect(markdown).toContain("## ~ changed: `AuthorizationCodeGrant` `web-app`");
  expect(markdown).toContain("| `accessTokenLifespan` | `1800` | `60` |");
  expect(markdown).toContain("| `clientSecret` | `[secret]` | `changed (secret)` |");
  expect(markdown).toContain(
    '| `redirectUrls` | `["https://app.example.com/oauth/callback"]` | `["https://evil.example.com/cb"]` |',
  );
  const fingerprints = [
    String(integration?.clientSecretFingerprint),
    String(rotated.body.clientSecretFingerprint),
  ];
  for (const text of [result.stdout, result.stderr, markdown, JSON.stringify(json)]) {
    for (const secret of [createdSecret, rotatedSecret, ...fingerprints, viewer, world.server.adminToken]) {
      expect(text).not.toContain(secret);
    }
  }
  // A check, not a repair: the server saw only reads.
  expect(await world.audit()).toEqual(audit);
  expect((await world.list("integrations"))[0]).toMatchObject({ accessTokenLifespan: 60 });
});

it("drift-check fails with neither 0 nor 7, a message and no report when the server is down", async () => {
  expect(existsSync(join(reportDir, "drift-report.md"))).toBe(true); // left by the previous check
  await world.server.kill();
  const result = await driftCheck();
  expect([0, 7]).not.toContain(result.code);
  expect(result.stderr).toContain(
    "drift-check: `pulumi refresh --preview-only --expect-no-changes --json --non-interactive --stack dev` failed",
  );
  expect(result.stderr).toContain("no drift report was written");
  expect(result.stderr).toContain("NETWORK_ERROR");
  expect(result.stdout).toBe("");
  expect(existsSync(join(reportDir, "drift-report.md"))).toBe(false);
  expect(existsSync(join(reportDir, "drift-report.json"))).toBe(false);
});
