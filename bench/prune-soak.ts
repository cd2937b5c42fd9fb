// A bounded soak of pruning on a real server: the built server on a fresh SQLite file with
// `--prune-interval-seconds 5`, an integration with short lifespans (access 10 s, refresh 30 s),
// and WORKERS simulated clients that each start a grant (authorize → consent → code → token), refresh
// it every second for 20 s, abandon it and start another. Every 5 s it prints the row count of each
// pruned table (read from the server's file); the counts should level off once the longest
// retention (a code: 60 s life + 60 s grace) has passed. BENCH_SOAK_SECONDS (150) sets the length.
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { onCleanup } from "./lib/cleanup";
import { numberFromEnv, REPO, sleep } from "./lib/common";
import { CookieJar, HttpClient, parseForm } from "./lib/http";
import { startServer } from "./lib/server-process";

const SECONDS = numberFromEnv("BENCH_SOAK_SECONDS", 150, true);
const WORKERS = 4;
const GRANT_LIFE_MS = 20_000;
const TABLES = ["authorization_codes", "oauth_tokens", "login_sessions", "idempotency_keys"];
const REDIRECT = "https://app.example.com/callback";
const b64 = (bytes: Buffer) => bytes.toString("base64url");

async function main() {
  const dir = mkdtempSync(join(os.tmpdir(), "inbound-oauth-prune-soak-"));
  const removeDir = onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "soak.sqlite");
  const server = await startServer(
    "server-sqlite",
    join(REPO, "dist/server/src/cli.js"),
    ["serve", "--database", file, "--admin-token-file", join(dir, "admin-token"), "--dev"].concat([
      "--log-level",
      "warn",
      "--prune-interval-seconds",
      "5",
    ]),
    "/readyz",
  );
  const http = new HttpClient(server.url, WORKERS * 2);
  const admin = readFileSync(join(dir, "admin-token"), "utf8").trim();
  const created = await fetch(`${server.url}/api/v1/integrations`, {
    method: "POST",
    headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
    body: JSON.stringify({
      name: "Soak",
      providerName: "Acme",
      redirectUrls: [REDIRECT],
      accessTokenLifespan: 10,
      refreshTokenLifespan: 30,
    }),
  });
  const client = (await created.json()) as { clientId: string; clientSecret: string };
  const basic = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString("base64")}`;
  const token = async (form: Record<string, string>) =>
    JSON.parse(
      (await http.send("POST", "/oauth_token.do", { headers: { authorization: basic }, form, expect: 200 }))
        .body,
    ).refresh_token as string;

  const grant = async (jar: CookieJar) => {
    const verifier = b64(randomBytes(32));
    const challenge = b64(createHash("sha256").update(verifier).digest());
    const query = new URLSearchParams({
      response_type: "code",
      client_id: client.clientId,
      state: "s",
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    let page = await http.send("GET", `/oauth_auth.do?${query}`, { jar, expect: 200 });
    if (parseForm(page.body).action === "/oauth/login") {
      const login = parseForm(page.body).fields;
      const back = await http.send("POST", "/oauth/login", {
        jar,
        form: { ...login, username: "demo", password: "demo-password" },
        expect: 303,
      });
      page = await http.send("GET", http.localPath(back.location!)!, { jar, expect: 200 });
    }
    const approved = await http.send("POST", "/oauth/consent", {
      jar,
      form: { ...parseForm(page.body).fields, decision: "approve" },
      expect: 303,
    });
    const code = new URL(approved.location!).searchParams.get("code")!;
    return token({ grant_type: "authorization_code", code, code_verifier: verifier });
  };

  const end = Date.now() + SECONDS * 1000;
  let grants = 0;
  let refreshes = 0;
  const worker = async () => {
    const jar = new CookieJar();
    while (Date.now() < end) {
      let refreshToken = await grant(jar);
      grants++;
      const abandon = Date.now() + GRANT_LIFE_MS;
      while (Date.now() < Math.min(abandon, end)) {
        await sleep(1000);
        refreshToken = await token({ grant_type: "refresh_token", refresh_token: refreshToken });
        refreshes++;
      }
    }
  };
  const db = new DatabaseSync(file, { readOnly: true });
  const start = Date.now();
  const sample = () => {
    const counts = TABLES.map(
      (t) => `${t}=${(db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n}`,
    );
    process.stdout.write(
      `t=${String(Math.round((Date.now() - start) / 1000)).padStart(3)}s grants=${grants} refreshes=${refreshes} ${counts.join(" ")}\n`,
    );
  };
  const timer = setInterval(sample, 5000);
  await Promise.all(Array.from({ length: WORKERS }, worker));
  clearInterval(timer);
  sample();
  db.close();
  await http.close();
  await server.stop();
  await removeDir();
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
