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
import { openStatementCounter, type StatementCounter } from "../lib/postgres-statements";
import { peakRssBytes } from "../lib/procfs";
import { type ServerProcess, startServer } from "../lib/server-process";
import { runTarget } from "../lib/targets";
import { balancedDriver } from "./balanced-driver";
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
  INSTANCES,
  isPostgres,
  OIDC_PROVIDER_TARGET,
  ownVersion,
  type Phase,
  PINNING,
  type PostgresKey,
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
  /** Server processes on the one database (postgres-2: two); RSS figures are their sum. */
  instances: number;
  /**
   * PostgreSQL targets: "measured" when the server's statements were counted per phase
   * (pg_stat_statements; PhaseResult.database), else why not.
   */
  statementCounts?: string;
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
  result.peakRssBeforeLoginBytes = sumOf(ctx.servers.map((server) => peakRssBytes(server.pid)));
  if (wanted("login") && !isInterrupted()) record(await loginPhase(ctx));
}

/** The sum, or undefined when a value is unknown. */
function sumOf(values: readonly (number | undefined)[]): number | undefined {
  return values.some((v) => v === undefined) ? undefined : values.reduce<number>((a, v) => a + v!, 0);
}

/**
 * Starts the servers one after the other (start(i) starts the i-th) and runs body with an HTTP
 * client for each; a failure carries the servers' output. Then closes the clients, stops the
 * servers and records their peak RSS (added up).
 */
async function withServers(
  count: number,
  start: (index: number) => Promise<ServerProcess>,
  result: TargetResult,
  body: (servers: ServerProcess[], https: HttpClient[]) => Promise<void>,
): Promise<void> {
  const servers: ServerProcess[] = [];
  const https: HttpClient[] = [];
  try {
    for (let i = 0; i < count; i++) {
      servers.push(await start(i));
      https.push(new HttpClient(servers[i]!.url, SETTINGS.concurrency));
    }
    await body(servers, https);
  } catch (error) {
    const outputs = servers.map((server) => `\n--- ${server.name} output ---\n${server.output()}`);
    throw new Error(`${messageOf(error)}${outputs.join("")}`);
  } finally {
    await Promise.all(https.map((http) => http.close()));
    const peaks: (number | undefined)[] = [];
    for (const server of servers) peaks.push(await server.stop());
    result.peakRssBytes = sumOf(peaks);
  }
}

const JSON_HEADERS = { "content-type": "application/json" };

/**
 * The server process's name: its CPU profile's too (BENCH_CPU_PROF), so rounds after the first and
 * instances after the first say so.
 */
function processName(result: TargetResult, instance = 0): string {
  return `oauth-flows-${result.key}${instance > 0 ? `-instance${instance + 1}` : ""}${result.round > 1 ? `-round${result.round}` : ""}`;
}

/**
 * Pinned (BENCH_PIN), a target's one server runs on the server CPU. Two instances are not pinned:
 * on this 2-core machine they share both cores with the load generator and PostgreSQL.
 */
const serverOptions = (instances: number) => ({
  cpuProfileDir: SETTINGS.cpuProfileDir,
  ...(instances === 1 ? { cpus: PINNING.serverCpu } : {}),
});

/** The statement counter of a PostgreSQL target, or undefined; result says which. */
async function statementCounterFor(
  key: "sqlite" | PostgresKey,
  database: string,
  result: TargetResult,
): Promise<StatementCounter | undefined> {
  if (!isPostgres(key)) return undefined;
  if (!SETTINGS.statementCounts) {
    result.statementCounts = "not measured: BENCH_STATEMENT_COUNTS=off";
    return undefined;
  }
  const opened = await openStatementCounter(database);
  if ("unavailable" in opened) {
    result.statementCounts = `not measured: ${opened.unavailable}`;
    log(`${key}: statements ${result.statementCounts}`);
    return undefined;
  }
  result.statementCounts = "measured";
  // Closed at the end of the target, or by the clean-up on Ctrl-C (whichever comes first).
  const close = onCleanup("close the statement counter", () => opened.close());
  return { snapshot: opened.snapshot, close };
}

export async function benchOurServer(
  key: "sqlite" | PostgresKey,
  database: string,
  result: TargetResult,
): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), `inbound-oauth-bench-flows-${key}-`));
  const removeDir = onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, "admin-token");
  const count = INSTANCES[key];
  // The first instance finds the database empty and writes the admin token; the others find it
  // made. Instances behind one name share the issuer (iss, which the token checks compare): the
  // first's URL, its default; without --issuer each would name its own URL and refuse the other's
  // JWT access tokens at introspection.
  let issuer: string | undefined;
  const start = async (i: number) => {
    const server = await startServer(
      processName(result, i),
      CLI,
      [
        ...["serve", "--database", database, "--log-level", "warn"],
        ...["--admin-token-file", i === 0 ? tokenFile : join(dir, `admin-token-${i + 1}`)],
        ...(issuer ? ["--issuer", issuer] : []),
      ],
      "/readyz",
      serverOptions(count),
    );
    issuer ??= server.url;
    return server;
  };
  const statements = await statementCounterFor(key, database, result);
  try {
    await withServers(count, start, result, async (servers, https) => {
      const server = servers[0]!;
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
      const driver = balancedDriver(
        https.map((http) =>
          ourDriver(http, String(integration.clientId), String(integration.clientSecret), issuer),
        ),
      );
      await withPinnedLoadGenerator(PINNING, () =>
        benchPhases(
          {
            key,
            servers,
            driver,
            sessions: [],
            ...(isPostgres(key) ? { databaseCpu: postgresCpuSeconds } : {}),
            ...(statements ? { statements } : {}),
          },
          result,
        ),
      );
    });
  } finally {
    await statements?.close();
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
  const start = () =>
    startServer(
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
      serverOptions(1),
    );
  await withServers(1, start, result, (servers, [http]) =>
    withPinnedLoadGenerator(PINNING, () =>
      benchPhases(
        {
          key: "oidc-provider",
          servers,
          driver: oidcProviderDriver(http!, clientId, clientSecret),
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
    instances: key === "oidc-provider" ? 1 : INSTANCES[key],
    phases: {},
    skipped: {},
  };
  return runTarget(
    result,
    () => benchOidcProvider(result),
    (_, location) => benchOurServer(key as Exclude<TargetKey, "oidc-provider">, location, result),
    // PostgreSQL with pg_stat_statements, to count the server's statements per phase.
    isPostgres(key) ? { kind: "postgres", options: { statementStats: SETTINGS.statementCounts } } : undefined,
  );
}
