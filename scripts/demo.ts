// `make demo`: the main job end to end on the embedded default (SQLite). Starts the reference
// server on a fresh SQLite file (development mode, with its demo user), applies examples/basic with
// the real Pulumi CLI and engine, signs in through the created integration (authorization code
// grant with PKCE, headless), calls a sample REST API with the token, previews a change as a pull
// request would show it, detects drift with the scheduled job's script and a read-only token,
// restores the declared state, destroys the stack, prints a summary and stops the server.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import { headlessLogin } from "./demo-login";
import { freePort, waitReady } from "./lib/net";
import { offlineEnv, REPO_ROOT, run } from "./pulumi/cli";
import { PulumiStack } from "./pulumi/stack";

const SERVER_CLI = join(REPO_ROOT, "dist", "server", "src", "cli.js");
const PREVIEW_COMMENT = join(REPO_ROOT, "examples", "ci", "preview-comment.ts");
const DRIFT_CHECK = join(REPO_ROOT, "examples", "ci", "drift-check.ts");
const REDIRECT = "https://app.example.com/oauth/callback";

const mask = (secret: string) => `${secret.slice(0, 4)}…(${secret.length} characters)`;
const indent = (text: string) =>
  text
    .trimEnd()
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");

/** Fails the demo with the operation's own output when a Pulumi step did not succeed. */
function must<T extends { ok: boolean; stdout: string; stderr: string; error?: string }>(
  what: string,
  result: T,
): T {
  if (!result.ok)
    throw new Error(`${what} failed:\n${result.error ?? ""}\n${result.stdout}\n${result.stderr}`);
  return result;
}

async function main() {
  const started = Date.now();
  // Inside the repository (ignored), so the stack's program resolves the SDK from its node_modules.
  mkdirSync(join(REPO_ROOT, ".data"), { recursive: true });
  const dataDir = mkdtempSync(join(REPO_ROOT, ".data", "demo-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const database = join(dataDir, "registry.db");
  const tokenFile = join(dataDir, "admin-token");
  const child = spawn(
    process.execPath,
    [
      SERVER_CLI,
      "serve",
      "--port",
      String(port),
      "--database",
      database,
      "--admin-token-file",
      tokenFile,
    ].concat(["--dev", "--log-level", "warn"]),
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  const step = (text: string) => process.stdout.write(`\n▶ ${text}\n`);
  const summary: string[] = [];
  try {
    step(`Starting the reference server on SQLite (${database.slice(REPO_ROOT.length + 1)}), port ${port}`);
    await waitReady(`${base}/readyz`, {
      timeoutMs: 10_000,
      exited: () => (child.exitCode === null ? undefined : `code ${child.exitCode}`),
    });
    const adminToken = readFileSync(tokenFile, "utf8").trim();
    const viewerToken = execFileSync(
      process.execPath,
      [
        SERVER_CLI,
        "admin-token",
        "create",
        "--name",
        "drift-job",
        "--role",
        "viewer",
        "--database",
        database,
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    ).trim();
    console.log("  admin token for pulumi up; a read-only viewer token for the drift job");

    // The admin token reaches the provider through the environment (a CI secret), the endpoint
    // through stack config: the drift job then runs the same stack with the viewer token instead.
    const stack = new PulumiStack({
      dir: join(dataDir, "stack"),
      program: "examples/basic/index.ts",
      projectName: "examples-basic",
      env: { INBOUND_OAUTH_ADMIN_TOKEN: adminToken },
    });
    await stack.configure({ "inbound-oauth:endpoint": { value: base } });

    step("pulumi preview --diff (examples/basic on a new stack: nothing is written yet)");
    const plan = must("preview", await stack.preview({ diff: true }));
    console.log(`  ${JSON.stringify(plan.changes)}`);

    step("pulumi up");
    const up = must("up", await stack.up());
    const outputs = up.outputs ?? {};
    const clientId = String(outputs.clientId?.value);
    const clientSecret = String(outputs.clientSecret?.value);
    console.log(`  ${JSON.stringify(up.changes)} in ${stack.stackName}`);
    console.log(`  clientId ${clientId}`);
    console.log(
      `  clientSecret ${mask(clientSecret)} — a secret output: masked by the CLI, encrypted in the state`,
    );
    console.log(`  authorizeUrl ${outputs.authorizeUrl?.value}`);
    summary.push(`pulumi up created 1 auth scope and 1 integration (client ${clientId})`);

    step("Signing in through the new integration: authorize → login → consent → code → token (PKCE S256)");
    const login = await headlessLogin({
      base,
      clientId,
      clientSecret,
      redirectUri: REDIRECT,
      username: "demo",
      password: "demo-password",
    });
    console.log(`  consent page: “${login.consentTitle}”`);
    console.log(
      `  code received (iss ${login.iss}); ${login.tokens.token_type} token, expires_in ${login.tokens.expires_in} s, scope “${login.tokens.scope}”`,
    );
    const incidents = await request(`${base}/api/now/table/incident`, {
      headers: { authorization: `Bearer ${login.tokens.access_token}` },
    });
    const body = (await incidents.body.json()) as { result: { number: string }[] };
    console.log(`  GET /api/now/table/incident → ${incidents.statusCode}, ${body.result.length} incidents`);
    summary.push(
      `the demo user signed in with PKCE; the Table API answered ${incidents.statusCode} with the access token`,
    );

    step("A pull request changes the program: a second redirect URL and a 15-minute access token");
    await stack.configure({
      redirectUrls: { value: JSON.stringify([REDIRECT, "http://127.0.0.1:8400/oauth/callback"]) },
      accessTokenLifespan: { value: "900" },
    });
    const change = must("preview", await stack.preview({ diff: true, json: true }));
    const previewFile = join(dataDir, "preview.json");
    writeFileSync(previewFile, JSON.stringify(change.json));
    const comment = await run(process.execPath, [PREVIEW_COMMENT, previewFile], { cwd: REPO_ROOT, env: {} });
    if (comment.code !== 0) throw new Error(`preview-comment failed: ${comment.stderr}`);
    console.log("  The PR comment (examples/ci/preview-comment.ts on `pulumi preview --diff --json`):\n");
    console.log(indent(comment.stdout));
    await stack.configure({}, ["redirectUrls", "accessTokenLifespan"]);
    summary.push(`the change's preview: ${JSON.stringify(change.changes)}, nothing written`);

    step("Someone edits the integration in the console and rotates its secret (out of band)");
    const integrations = await request(
      `${base}/api/v1/integrations?name=${encodeURIComponent("Example web app")}`,
      {
        headers: { authorization: `Bearer ${adminToken}` },
      },
    );
    const [record] = ((await integrations.body.json()) as { items: Array<Record<string, unknown>> }).items;
    if (!record) throw new Error("the integration is missing");
    const read = await request(`${base}/api/v1/integrations/${record.id}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const { id, version, createdAt, updatedAt, clientSecretFingerprint, ...current } =
      (await read.body.json()) as Record<string, unknown>;
    const edit = await request(`${base}/api/v1/integrations/${id}`, {
      method: "PUT",
      headers: {
        authorization: `Bearer ${adminToken}`,
        "content-type": "application/json",
        "if-match": String(read.headers.etag),
      },
      body: JSON.stringify({ ...current, accessTokenLifespan: 60 }),
    });
    await edit.body.dump();
    const rotate = await request(`${base}/api/v1/integrations/${id}/rotate-secret`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}` },
    });
    await rotate.body.dump();
    console.log(`  PUT accessTokenLifespan 60 → ${edit.statusCode}; rotate-secret → ${rotate.statusCode}`);

    const driftJob = async (label: string) => {
      const reportDir = join(dataDir, `drift-${label}`);
      mkdirSync(reportDir, { recursive: true });
      const result = await run(
        process.execPath,
        [DRIFT_CHECK, "--stack", stack.stackName, "--cwd", stack.dir, "--report-dir", reportDir],
        { cwd: stack.dir, env: offlineEnv(stack.stateDir, { INBOUND_OAUTH_ADMIN_TOKEN: viewerToken }) },
      );
      if (result.code !== 0 && result.code !== 7) {
        throw new Error(`the drift job failed (exit ${result.code}):\n${result.stderr}`);
      }
      return result;
    };
    step(
      "The scheduled drift job (examples/ci/drift-check.ts, viewer token): pulumi refresh --preview-only --expect-no-changes",
    );
    const drift = await driftJob("after-edit");
    console.log(`  exit code ${drift.code} (0 no drift, 7 drift, other: the job failed). The report:\n`);
    console.log(indent(drift.stdout));
    summary.push(
      `the drift job exited ${drift.code} and reported the edited lifespan and the rotated secret`,
    );

    step("pulumi up --refresh restores the declared state (lifespan and Pulumi's secret)");
    const restore = must("up --refresh", await stack.up({ refresh: true }));
    console.log(`  ${JSON.stringify(restore.changes)}`);
    const clean = await driftJob("after-restore");
    console.log(`  drift job again: exit code ${clean.code}`);
    summary.push(`up --refresh restored it; the drift job then exited ${clean.code}`);

    step("pulumi destroy (plain CLI)");
    const destroyed = await stack.cli(["destroy", "--yes"]);
    if (destroyed.code !== 0)
      throw new Error(`pulumi destroy failed:\n${destroyed.stdout}\n${destroyed.stderr}`);
    const left = await request(`${base}/api/v1/integrations`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const remaining = ((await left.body.json()) as { items: unknown[] }).items.length;
    console.log(
      `  ${destroyed.stdout.match(/- \d+ deleted/)?.[0] ?? "deleted"}; integrations left on the server: ${remaining}`,
    );
    summary.push(`pulumi destroy left ${remaining} integrations on the server`);

    step(`Summary (${Math.round((Date.now() - started) / 1000)} s)`);
    for (const line of summary) console.log(`  • ${line}`);
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    rmSync(dataDir, { recursive: true, force: true });
    process.stdout.write("\n▶ Server stopped; demo data removed.\n");
  }
}

main().catch((error) => {
  process.stderr.write(`demo failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
