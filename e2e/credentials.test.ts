/**
 * The credential a command runs with is the one given to that command (INBOUND_OAUTH_ADMIN_TOKEN in
 * its environment), never a copy left in the state. Pulumi records a dynamic provider's whole stack
 * config in the state (the `pulumi-nodejs` default provider's inputs), and a plain refresh, the
 * refresh phase of `up --refresh` and `destroy` configure the provider from that recorded copy, not
 * from the current stack config. The stack here starts as a user of an earlier version left it: the
 * admin token was in the stack config at the last `up`, so the state holds it, and then
 * `pulumi config rm inbound-oauth:adminToken` ran (the sequence). Then:
 * - drift-check.ts with a token the server rejects (a revoked viewer token, garbage) fails with
 *   neither 0 nor 7, a message naming the rejected token's variable, and no report;
 * - drift-check.ts with the viewer token runs as that token and its report names it (never its value);
 * - a plain refresh given no token refuses and says why, instead of using the recorded one;
 * - after the admin token is rotated out of band (the old one revoked), `up --refresh`, a refresh
 *   preview and `destroy` with the new token work without editing the state.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type CommandResult, offlineEnv, REPO_ROOT, run } from "../scripts/pulumi/cli";
import type { PulumiStack } from "../scripts/pulumi/stack";
import { createAdminToken, revokeAdminToken } from "../server/test/helpers/built-server";
import { World } from "./helpers/world";

jest.setTimeout(600_000);

const DRIFT = 7;
const DEFAULT_PROVIDER = "pulumi:providers:pulumi-nodejs";

let world: World;
let stack: PulumiStack;
let deployer: string;
let viewer: string;
let reportDir: string;

function driftCheck(token: string): Promise<CommandResult> {
  return run(
    process.execPath,
    ["examples/ci/drift-check.ts", "--stack", "dev", "--cwd", stack.dir, "--report-dir", reportDir],
    { cwd: REPO_ROOT, env: offlineEnv(stack.stateDir, { INBOUND_OAUTH_ADMIN_TOKEN: token }) },
  );
}

const reportWritten = () =>
  existsSync(join(reportDir, "drift-report.md")) || existsSync(join(reportDir, "drift-report.json"));

/** The inputs Pulumi recorded for the dynamic provider (the stack config of the last up). */
async function recordedProviderInputs(): Promise<Record<string, unknown>> {
  const { deployment } = await stack.exportState();
  const provider = deployment.resources?.find((resource) =>
    String(resource.type).startsWith(DEFAULT_PROVIDER),
  );
  return (provider?.inputs ?? {}) as Record<string, unknown>;
}

beforeAll(async () => {
  world = await World.start("credentials");
  deployer = await createAdminToken(world.server, "pulumi-deployer", "oauth_admin");
  viewer = await createAdminToken(world.server, "drift-job", "viewer");
  reportDir = join(world.dir, "reports");
  // As an earlier version advised: the deployer's token in the stack config.
  stack = await world.stack("basic", "examples/basic/index.ts", {
    projectName: "examples-basic",
    env: { INBOUND_OAUTH_ADMIN_TOKEN: deployer },
    config: { "inbound-oauth:adminToken": { value: deployer, secret: true } },
  });
  const up = await stack.up();
  if (!up.ok) throw new Error(`up failed: ${up.error}`);
  const removed = await stack.cli(["config", "rm", "inbound-oauth:adminToken"]);
  if (removed.code !== 0) throw new Error(`pulumi config rm failed: ${removed.stderr}`);
  // Drift, so that a job that ran with the recorded admin token would exit 7 with a full report.
  const [integration] = await world.list("integrations");
  const edit = await world.edit("integrations", String(integration?.id), { accessTokenLifespan: 60 });
  if (edit.status !== 200) throw new Error(`the out-of-band edit answered ${edit.status}`);
});

afterAll(async () => {
  await world?.stop();
});

it("reproduces the issue's state: the token is gone from the stack config but recorded in the state", async () => {
  expect(readFileSync(join(stack.dir, "Pulumi.dev.yaml"), "utf8")).not.toContain("adminToken");
  const inputs = await recordedProviderInputs();
  expect(inputs["inbound-oauth:endpoint"]).toBe(world.server.base);
  expect(inputs["inbound-oauth:adminToken"]).toMatchObject({ ciphertext: expect.any(String) });
});

it.each([
  ["a revoked viewer token", "revoked"],
  ["a string that is no token", "not-a-token"],
])(
  "drift-check with %s fails (neither 0 nor 7) with no report, instead of using the recorded token",
  async (_label, which) => {
    let token = which;
    if (which === "revoked") {
      token = await createAdminToken(world.server, "revoked-viewer", "viewer");
      await revokeAdminToken(world.server, "revoked-viewer");
    }
    const result = await driftCheck(token);
    expect([0, DRIFT]).not.toContain(result.code);
    expect(result.stderr).toContain("no drift report was written");
    expect(result.stderr).toContain(
      "rejected the admin token from the environment variable INBOUND_OAUTH_ADMIN_TOKEN",
    );
    expect(result.stdout).toBe("");
    expect(reportWritten()).toBe(false);
    for (const text of [result.stdout, result.stderr]) {
      expect(text).not.toContain(deployer);
      if (which === "revoked") expect(text).not.toContain(token);
    }
  },
);

it("drift-check with the viewer token runs as that token and names it in both reports, never its value", async () => {
  const result = await driftCheck(viewer);
  expect(result.code).toBe(DRIFT);
  const markdown = readFileSync(join(reportDir, "drift-report.md"), "utf8");
  const json = JSON.parse(readFileSync(join(reportDir, "drift-report.json"), "utf8"));
  expect(json.token).toEqual({ name: "drift-job", role: "viewer" });
  expect(markdown).toContain("as the token `drift-job` (role `viewer`)");
  for (const text of [result.stdout, result.stderr, markdown, JSON.stringify(json)]) {
    expect(text).not.toContain(viewer);
    expect(text).not.toContain(deployer);
  }
});

it("a plain refresh given no token refuses and says why, instead of using the recorded one", async () => {
  const result = await stack.cli(["refresh", "--preview-only", "--expect-no-changes"], {
    INBOUND_OAUTH_ADMIN_TOKEN: "",
  });
  expect([0, DRIFT]).not.toContain(result.code);
  const output = result.stdout + result.stderr;
  expect(output).toContain("set the environment variable INBOUND_OAUTH_ADMIN_TOKEN");
  expect(output).toContain("inbound-oauth:adminToken is not used");
  expect(output).not.toContain(deployer);
});

it("after the admin token is rotated out of band, up --refresh, refresh and destroy work with the new token", async () => {
  const rotated = await createAdminToken(world.server, "pulumi-deployer-2", "oauth_admin");
  await revokeAdminToken(world.server, "pulumi-deployer");
  stack.useEnv({ INBOUND_OAUTH_ADMIN_TOKEN: rotated });

  const up = await stack.up({ refresh: true });
  expect(up.error).toBeUndefined();
  expect(up.ok).toBe(true);
  const [integration] = await world.list("integrations");
  expect(integration).toMatchObject({ accessTokenLifespan: 1800 }); // the drift put back
  const writes = (await world.audit()).filter((event) => event.actor === "pulumi-deployer-2");
  expect(writes.length).toBeGreaterThan(0);

  const check = await stack.cli(["refresh", "--preview-only", "--expect-no-changes"]);
  expect(check.stderr).toBe("");
  expect(check.code).toBe(0);

  const destroy = await stack.cli(["destroy", "--yes"]);
  expect(destroy.stderr).toBe("");
  expect(destroy.code).toBe(0);
  expect(await world.list("integrations")).toEqual([]);
  expect(await world.list("auth-scopes")).toEqual([]);
  for (const text of [up.stdout, up.stderr, check.stdout, destroy.stdout]) {
    expect(text).not.toContain(rotated);
    expect(text).not.toContain(deployer);
  }
});
