// The targets: start each server (ours on SQLite or PostgreSQL, oidc-provider), register the
// client, run the phases against it, stop it.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { isInterrupted, onCleanup } from "../lib/cleanup";
import { log, messageOf, packageVersion } from "../lib/common";
import { CookieJar, HttpClient } from "../lib/http";
import { withPinnedLoadGenerator } from "../lib/pinning";
import { postgresCpuSeconds } from "../lib/postgres";
import { peakRssBytes } from "../lib/procfs";
import { type ServerProcess, startServer } from "../lib/server-process";
import { runTarget } from "../lib/targets";
import { oidcProviderDriver } from "./oidc-provider-driver";
import { ourDriver } from "./our-driver";
import {
  autocannonPhase,
  type Context,
  exchangePhase,
  flowPhase,
  loginPhase,
  type PhaseResult,
  refreshPhase,
} from "./phases";
import { base64url, describeTokens, type TokenDescription } from "./protocol";
import {
  benchUser,
  CLI,
  OIDC_PROVIDER_TARGET,
  ownVersion,
  type Phase,
  PINNING,
  REDIRECT_URI,
  SCOPE,
  SETTINGS,
  TARGET_LABELS,
  type TargetKey,
  USER_COUNT,
  wanted,
} from "./settings";

export interface TargetResult {
  key: TargetKey;
  /** The round (1 to BENCH_REPEAT) of this run: each round starts every target afresh. */
  round: number;
  label: string;
  software: string;
  database?: { kind: string; description: string; settings: Record<string, string> };
  tokens?: TokenDescription;
  phases: Partial<Record<Phase, PhaseResult>>;
  /** Phases the target cannot run, and why. */
  skipped: Partial<Record<Phase, string>>;
  /** VmHWM before the login phase (whose concurrent scrypt hashes need memory) and at the end. */
  peakRssBeforeLoginBytes?: number;
  peakRssBytes?: number;
  error?: string;
}

/** Runs the phases against a started server whose client is registered; fills result. */
export async function benchPhases(ctx: Context, result: TargetResult): Promise<void> {
  const { driver } = ctx;
  // One logged-in browser per flow worker, each its own user, one after the other (not measured).
  for (let i = 0; i < SETTINGS.connections.flow; i++) {
    const jar = new CookieJar();
    await driver.login(jar, benchUser(i));
    ctx.sessions.push(jar);
  }
  // One flow and one refresh, to check the tokens before measuring.
  const first = ctx.sessions[0]!;
  const tokens = await driver.exchange(await driver.authorize(first));
  const rotated = await driver.refresh(tokens.refresh_token);
  result.tokens = describeTokens(tokens, rotated);
  log(`${ctx.key}: access token ${result.tokens?.accessToken}; ID token ${result.tokens?.idToken}`);

  const record = (phaseResult: PhaseResult) => {
    result.phases[phaseResult.phase] = phaseResult;
    if (!phaseResult.valid) log(`${ctx.key} ${phaseResult.phase} FAILED: ${phaseResult.errors.join(" | ")}`);
  };
  if (wanted("flow")) record(await flowPhase(ctx));
  if (wanted("exchange") && !isInterrupted()) record(await exchangePhase(ctx));
  if (wanted("refresh") && !isInterrupted()) record(await refreshPhase(ctx));
  for (const [phase, kind] of [
    ["introspect", "refresh_token"],
    ["introspect-access", "access_token"],
  ] as const) {
    if (!wanted(phase) || isInterrupted()) continue;
    // A new login: oidc-provider's in-memory adapter may have evicted the sessions by now.
    const jar = new CookieJar();
    await driver.login(jar, benchUser(0));
    const fresh = await driver.exchange(await driver.authorize(jar));
    const spec = driver.introspection(
      kind === "refresh_token" ? fresh.refresh_token : fresh.access_token,
      kind,
    );
    if (spec) record(await autocannonPhase(ctx, phase, spec));
    else result.skipped[phase] = "oidc-provider does not introspect JWT (structured) access tokens";
  }
  if (wanted("jwks") && !isInterrupted()) record(await autocannonPhase(ctx, "jwks", driver.jwks));
  result.peakRssBeforeLoginBytes = peakRssBytes(ctx.server.pid);
  if (wanted("login") && !isInterrupted()) record(await loginPhase(ctx));
}

export /**
 * Runs body with an HTTP client for server; a failure carries the server's output. Then closes the
 * client, stops the server and records its peak RSS.
 */
async function withServer(
  server: ServerProcess,
  result: TargetResult,
  body: (http: HttpClient) => Promise<void>,
): Promise<void> {
  const http = new HttpClient(server.url, SETTINGS.concurrency);
  try {
    await body(http);
  } catch (error) {
    throw new Error(`${messageOf(error)}\n--- ${server.name} output ---\n${server.output()}`);
  } finally {
    await http.close();
    result.peakRssBytes = await server.stop();
  }
}

const JSON_HEADERS = { "content-type": "application/json" };

/** The server process's name: its CPU profile's too (BENCH_CPU_PROF), so rounds after the first say so. */
function processName(result: TargetResult): string {
  return `oauth-flows-${result.key}${result.round > 1 ? `-round${result.round}` : ""}`;
}

const serverOptions = { cpuProfileDir: SETTINGS.cpuProfileDir, cpus: PINNING.serverCpu };

export async function benchOurServer(
  key: "sqlite" | "postgres",
  database: string,
  result: TargetResult,
): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), `inbound-oauth-bench-flows-${key}-`));
  const removeDir = onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, "admin-token");
  const server = await startServer(
    processName(result),
    CLI,
    ["serve", "--database", database, "--admin-token-file", tokenFile, "--log-level", "warn"],
    "/readyz",
    serverOptions,
  );
  try {
    await withServer(server, result, async (http) => {
      if (!existsSync(tokenFile)) {
        throw new Error(`the server wrote no admin token to ${tokenFile}: was the database not empty?`);
      }
      const auth = { authorization: `Bearer ${readFileSync(tokenFile, "utf8").trim()}` };
      const post = async (path: string, body: unknown) => {
        const response = await fetch(`${server.url}${path}`, {
          method: "POST",
          headers: { ...auth, ...JSON_HEADERS },
          body: JSON.stringify(body),
        });
        const text = await response.text();
        if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${text}`);
        return JSON.parse(text) as Record<string, unknown>;
      };
      await post("/api/v1/auth-scopes", { name: SCOPE, description: "Read the bench's sample data" });
      for (let i = 0; i < USER_COUNT; i++)
        await post("/api/v1/users", { name: benchUser(i).username, password: benchUser(i).password });
      const integration = await post("/api/v1/integrations", {
        name: "bench-oauth-flows",
        providerName: "Bench",
        redirectUrls: [REDIRECT_URI],
        authScopes: [SCOPE],
        tokenFormat: "JWT",
      });
      const driver = ourDriver(http, String(integration.clientId), String(integration.clientSecret));
      await withPinnedLoadGenerator(PINNING, () =>
        benchPhases(
          {
            key,
            server,
            driver,
            sessions: [],
            ...(key === "postgres" ? { databaseCpu: postgresCpuSeconds } : {}),
          },
          result,
        ),
      );
    });
  } finally {
    await removeDir();
  }
}

export async function benchOidcProvider(result: TargetResult): Promise<void> {
  result.database = {
    kind: "memory",
    description: "oidc-provider's in-memory adapter (an LRU of 1000 to 2000 entries, in the server process)",
    settings: {},
  };
  const clientId = "bench-client";
  const clientSecret = base64url(randomBytes(32));
  const server = await startServer(
    processName(result),
    OIDC_PROVIDER_TARGET,
    [
      "--client-id",
      clientId,
      "--client-secret",
      clientSecret,
      "--redirect-uri",
      REDIRECT_URI,
      "--resource-scope",
      SCOPE,
    ],
    "/.well-known/openid-configuration",
    serverOptions,
  );
  await withServer(server, result, (http) =>
    withPinnedLoadGenerator(PINNING, () =>
      benchPhases(
        {
          key: "oidc-provider",
          server,
          driver: oidcProviderDriver(http, clientId, clientSecret),
          sessions: [],
        },
        result,
      ),
    ),
  );
}

export async function benchTarget(key: TargetKey, round: number): Promise<TargetResult> {
  const result: TargetResult = {
    key,
    round,
    label: TARGET_LABELS[key],
    software:
      key === "oidc-provider"
        ? `oidc-provider ${packageVersion("oidc-provider")} (koa ${packageVersion("koa")})`
        : `inbound-oauth ${ownVersion()} (fastify ${packageVersion("fastify")}, jose ${packageVersion("jose")})`,
    phases: {},
    skipped: {},
  };
  return runTarget(
    result,
    () => benchOidcProvider(result),
    (db, location) => benchOurServer(db, location, result),
  );
}
