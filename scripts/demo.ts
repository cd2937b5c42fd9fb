// `make demo`: the main job end to end on the embedded default (SQLite). Starts the reference
// server on a fresh SQLite file (development mode, with its demo user), declares an auth scope and
// an integration through the management API, changes it safely (If-Match), signs in through the
// authorization code grant with PKCE, calls a sample REST API with the token, rotates the secret,
// shows the audit trail, and stops the server. The Pulumi steps join it as they land.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { headlessLogin } from "./demo-login";

const CLI = join(__dirname, "..", "server", "src", "cli.js");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(base: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    try {
      const res = await request(`${base}/readyz`);
      await res.body.dump();
      if (res.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("server did not become ready in 10 s");
}

function mask(secret: string): string {
  return `${secret.slice(0, 4)}…(${secret.length} characters, shown once)`;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "inbound-oauth-demo-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const tokenFile = join(dir, "admin-token");
  const child = spawn(
    process.execPath,
    [
      CLI,
      "serve",
      "--port",
      String(port),
      "--database",
      join(dir, "registry.db"),
      "--admin-token-file",
      tokenFile,
      "--dev",
      "--log-level",
      "warn",
    ],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  const step = (text: string) => process.stdout.write(`\n▶ ${text}\n`);
  try {
    step(`Starting the reference server on SQLite (${join(dir, "registry.db")})`);
    await waitReady(base, child);
    const token = readFileSync(tokenFile, "utf8").trim();
    const api = async (
      method: "GET" | "POST" | "PUT" | "DELETE",
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const res = await request(`${base}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { "content-type": "application/json" } : {}),
          ...headers,
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.body.text();
      return {
        status: res.statusCode,
        etag: res.headers.etag as string | undefined,
        json: text ? JSON.parse(text) : undefined,
      };
    };

    step("Declaring the auth scope useraccount, limited to the built-in Table API");
    const scope = await api("POST", "/auth-scopes", {
      name: "useraccount",
      description: "Read your account",
      limitAuthorizationToApis: ["Table API"],
    });
    console.log(`  ${scope.status} ${scope.json.name} → ${scope.json.limitAuthorizationToApis.join(", ")}`);

    step("Creating the OAuth authorization code grant integration “Expense app”");
    const created = await api(
      "POST",
      "/integrations",
      {
        name: "Expense app",
        providerName: "Acme Expenses",
        redirectUrls: ["https://expenses.example.com/oauth/callback", "http://localhost:3000/callback"],
        authScopes: ["useraccount"],
        tokenFormat: "JWT",
      },
      { "idempotency-key": `demo-${Date.now()}-create-expense-app` },
    );
    const integration = created.json;
    console.log(`  ${created.status} id ${integration.id}`);
    console.log(`  clientId ${integration.clientId}`);
    console.log(
      `  clientSecret ${mask(integration.clientSecret)}; reads show only ${integration.clientSecretFingerprint}`,
    );
    console.log(
      `  defaults: accessTokenLifespan ${integration.accessTokenLifespan} s, refreshTokenLifespan ${integration.refreshTokenLifespan} s, active ${integration.active}`,
    );

    step("Changing it with If-Match (optimistic concurrency)");
    const desired = {
      name: "Expense app",
      providerName: "Acme Expenses",
      redirectUrls: ["https://expenses.example.com/oauth/callback"],
      authScopes: ["useraccount"],
      tokenFormat: "JWT",
      accessTokenLifespan: 900,
    };
    const changed = await api("PUT", `/integrations/${integration.id}`, desired, {
      "if-match": created.etag ?? "",
    });
    console.log(
      `  ${changed.status} version ${changed.json.version}, accessTokenLifespan ${changed.json.accessTokenLifespan}`,
    );
    const stale = await api(
      "PUT",
      `/integrations/${integration.id}`,
      { ...desired, active: false },
      { "if-match": created.etag ?? "" },
    );
    console.log(`  a second writer with the old ETag gets ${stale.status} ${stale.json.code}`);

    step("Signing in as the demo user: authorize → login page → consent page → code → token (PKCE S256)");
    const login = await headlessLogin({
      base,
      clientId: integration.clientId,
      clientSecret: integration.clientSecret,
      redirectUri: "https://expenses.example.com/oauth/callback",
      username: "demo",
      password: "demo-password",
    });
    console.log(`  consent page: “${login.consentTitle}”`);
    console.log(
      `  code received with iss=${login.iss}; token_type ${login.tokens.token_type}, expires_in ${login.tokens.expires_in} s, scope “${login.tokens.scope}”`,
    );
    const [, payload] = login.tokens.access_token.split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8"));
    console.log(`  JWT access token for ${claims.sub}, may reach: ${claims.apis.join(", ")}`);
    const incidents = await request(`${base}/api/now/table/incident`, {
      headers: { authorization: `Bearer ${login.tokens.access_token}` },
    });
    const body = (await incidents.body.json()) as { result: { number: string }[] };
    console.log(
      `  GET /api/now/table/incident → ${incidents.statusCode}, ${body.result.length} incidents (${body.result.map((r) => r.number).join(", ")})`,
    );
    const write = await request(`${base}/api/now/table/incident`, {
      method: "POST",
      headers: { authorization: `Bearer ${login.tokens.access_token}` },
    });
    const refusal = (await write.body.json()) as { rule: string; error_description: string };
    console.log(
      `  POST /api/now/table/incident → ${write.statusCode} (rule ${refusal.rule}: ${refusal.error_description})`,
    );

    step("Rotating the client secret (as a console user might, out of band)");
    const rotated = await api("POST", `/integrations/${integration.id}/rotate-secret`);
    console.log(`  ${rotated.status} new secret ${mask(rotated.json.clientSecret)}`);
    console.log(
      `  fingerprint ${integration.clientSecretFingerprint} → ${rotated.json.clientSecretFingerprint} (what drift detection sees)`,
    );

    step("The audit trail");
    const audit = await api("GET", `/audit?recordId=${integration.id}`);
    for (const event of audit.json.items) {
      const fields = event.changes.map((c: { field: string }) => c.field).join(", ");
      console.log(`  ${event.at} ${event.actor} ${event.action} ${event.recordName}: ${fields}`);
    }

    step("Summary");
    console.log(`  server ${base} on SQLite; 1 auth scope, 1 integration (version ${rotated.json.version})`);
    console.log(
      `  ${audit.json.items.length} audited writes; secrets stored hashed, shown once, never logged`,
    );
    console.log(
      `  1 authorization code login with PKCE for ${claims.sub}; the Table API allowed the read (${incidents.statusCode}) and refused the write by role (${write.statusCode})`,
    );
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    rmSync(dir, { recursive: true, force: true });
    process.stdout.write("\n▶ Server stopped; demo data removed.\n");
  }
}

main().catch((error) => {
  process.stderr.write(`demo failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
