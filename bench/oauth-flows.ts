// OAuth flows of our authorization server next to panva's oidc-provider, in one run.
//
//   npx tsc -p tsconfig.build.json && node dist/bench/oauth-flows.js
//
// Targets, each its own child process on 127.0.0.1 (the load generator runs in this process):
//   oidc-provider  bench/oidc-provider-target.mjs: oidc-provider v9, in-memory adapter, dev login
//                  and consent pages, ES256, PKCE required, JWT access tokens, rotating refresh
//   sqlite         our server (`serve --dev`) on a fresh SQLite file (WAL, synchronous=FULL)
//   postgres       our server on PostgreSQL: a throwaway cluster (fsync on), or a fresh database on
//                  BENCH_DATABASE_URL's server
// Phases per target (BENCH_DURATION seconds each, after a BENCH_WARMUP warm-up):
//   flow               authorize → consent → code → token, PKCE S256, with an established login
//                      session; concurrent workers (undici), each with its own cookie jar
//   exchange           code exchanges alone: codes are minted in batches, then exchanged
//   refresh            refresh grants, each worker spending the refresh token it got last
//   introspect         introspection of a refresh token (autocannon)
//   introspect-access  introspection of a JWT access token (ours only: oidc-provider refuses JWTs)
//   jwks               the JWKS document (autocannon)
//   login              from a fresh cookie jar to the consent page: login page, password, resume
// Any failed request (an unexpected status, a socket error, a timeout, a wrong answer) makes the
// run invalid and the exit code 1.
//
// Environment: BENCH_DURATION (seconds per phase, default 8; 3 for a quick run), BENCH_WARMUP
// (seconds, default min(2, BENCH_DURATION / 2)), BENCH_CONNECTIONS (concurrent workers and
// autocannon connections, default 8), BENCH_EXCHANGE_BATCH (codes minted per exchange batch,
// default 256), BENCH_TARGETS (default "oidc-provider,sqlite,postgres"), BENCH_PHASES (default
// all), BENCH_DATABASE_URL (use this PostgreSQL server), BENCH_CPU_PROF (a folder: run the servers
// with --cpu-prof; summarise the profiles with dist/bench/cpu-profile-top.js).
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import { isInterrupted, onCleanup, runMain } from "./lib/cleanup";
import {
  listFromEnv,
  log,
  machineInfo,
  messageOf,
  mib,
  numberFromEnv,
  packageVersion,
  REPO,
  RESULTS_DIR,
  round,
  table,
} from "./lib/common";
import { withBenchDatabase } from "./lib/database-target";
import { CookieJar, HttpClient, type LoopOutcome, parseForm, quantile, timedLoop } from "./lib/http";
import { autocannonLoad, type LoadSpec, loadIsValid } from "./lib/load";
import { postgresCpuSeconds } from "./lib/postgres";
import { type CpuWindow, cpuPercentOfCore, peakRssBytes, startCpuWindow } from "./lib/procfs";
import { type ServerProcess, startServer } from "./lib/server-process";

// ---------------------------------------------------------------------------------------------
// Settings

const CLI = join(REPO, "dist", "server", "src", "cli.js");
const OIDC_PROVIDER_TARGET = join(REPO, "bench", "oidc-provider-target.mjs");
const RESULTS_FILE = join(RESULTS_DIR, "oauth-flows.json");
/** Registered for the client on every target; nothing listens there: the bench reads the Location. */
const REDIRECT_URI = "http://127.0.0.1:9/cb";
const SCOPE = "bench.read";
const DEMO_USER = { username: "demo", password: "demo-password" };

const TARGET_KEYS = ["oidc-provider", "sqlite", "postgres"] as const;
type TargetKey = (typeof TARGET_KEYS)[number];
const PHASES = ["flow", "exchange", "refresh", "introspect", "introspect-access", "jwks", "login"] as const;
type Phase = (typeof PHASES)[number];

const durationSeconds = numberFromEnv("BENCH_DURATION", 8, false);
const SETTINGS = {
  durationSeconds,
  warmupSeconds: numberFromEnv("BENCH_WARMUP", Math.min(2, durationSeconds / 2), false),
  concurrency: numberFromEnv("BENCH_CONNECTIONS", 8, true),
  exchangeBatch: numberFromEnv("BENCH_EXCHANGE_BATCH", 256, true),
  targets: listFromEnv("BENCH_TARGETS", TARGET_KEYS.join(",")),
  phases: listFromEnv("BENCH_PHASES", PHASES.join(",")),
  cpuProfileDir: process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined,
  externalPostgres: Boolean(process.env.BENCH_DATABASE_URL),
};

const TARGET_LABELS: Record<TargetKey, string> = {
  "oidc-provider": "oidc-provider",
  sqlite: "server + SQLite",
  postgres: "server + PostgreSQL",
};

const PHASE_LABELS: Record<Phase, string> = {
  flow: "flow (authorize → consent → code → token)",
  exchange: "code exchange",
  refresh: "refresh grant (rotating)",
  introspect: "introspection (refresh token)",
  "introspect-access": "introspection (JWT access token)",
  jwks: "JWKS",
  login: "login (fresh browser → consent page)",
};

function ownVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

function wanted(phase: Phase): boolean {
  return SETTINGS.phases.includes(phase);
}

// ---------------------------------------------------------------------------------------------
// The protocol, per target

interface TokenSet {
  access_token: string;
  refresh_token: string;
  id_token?: string;
}

interface AuthorizedCode {
  code: string;
  verifier: string;
}

/** How one target speaks the authorization code flow; every method throws on an unexpected answer. */
interface Driver {
  http: HttpClient;
  /** From a fresh cookie jar to the consent page: login page, password, back to the request. */
  login(jar: CookieJar): Promise<void>;
  /** With an established session: authorize → consent → the code in the redirect. */
  authorize(jar: CookieJar): Promise<AuthorizedCode>;
  exchange(grant: AuthorizedCode): Promise<TokenSet>;
  refresh(refreshToken: string): Promise<TokenSet>;
  /** Introspection of a token, for autocannon; undefined when the target cannot introspect that kind. */
  introspection(token: string, kind: "refresh_token" | "access_token"): LoadSpec | undefined;
  jwks: LoadSpec;
}

function base64url(bytes: Buffer): string {
  return bytes.toString("base64url");
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = base64url(randomBytes(32));
  return { verifier, challenge: base64url(createHash("sha256").update(verifier).digest()) };
}

function basicAuth(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, "+");
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString("base64")}`;
}

/** The code from the client's redirect, after checking state (the redirect goes to REDIRECT_URI). */
function codeFrom(location: string | undefined, state: string): string {
  if (!location) throw new Error("the consent step answered without a Location");
  const url = new URL(location, REDIRECT_URI);
  if (`${url.origin}${url.pathname}` !== REDIRECT_URI) throw new Error(`unexpected redirect to ${location}`);
  const error = url.searchParams.get("error");
  if (error)
    throw new Error(`the authorization failed: ${error} ${url.searchParams.get("error_description")}`);
  if (url.searchParams.get("state") !== state) throw new Error(`state mismatch in ${location}`);
  const code = url.searchParams.get("code");
  if (!code) throw new Error(`no code in ${location}`);
  return code;
}

function tokenSet(body: string): TokenSet {
  const parsed = JSON.parse(body) as Partial<TokenSet>;
  if (typeof parsed.access_token !== "string" || typeof parsed.refresh_token !== "string") {
    throw new Error(`the token response lacks an access or refresh token: ${body.slice(0, 300)}`);
  }
  return parsed as TokenSet;
}

function activeCheck(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { active?: unknown }).active === true ? undefined : "not active";
  } catch {
    return "not JSON";
  }
}

function jwksCheck(body: string): string | undefined {
  try {
    const keys = (JSON.parse(body) as { keys?: unknown[] }).keys;
    return Array.isArray(keys) && keys.length > 0 ? undefined : "no keys";
  } catch {
    return "not JSON";
  }
}

const REDIRECT = [302, 303] as const;
const FORM = { "content-type": "application/x-www-form-urlencoded" };

/** Our server: /oauth_auth.do, the built-in login and consent pages, /oauth_token.do. */
function ourDriver(http: HttpClient, clientId: string, clientSecret: string): Driver {
  const authorization = basicAuth(clientId, clientSecret);
  const authorizePath = (state: string, challenge: string) =>
    `/oauth_auth.do?${new URLSearchParams({
      response_type: "code",
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      scope: SCOPE,
      state,
      code_challenge: challenge,
      code_challenge_method: "S256",
    })}`;
  return {
    http,
    async login(jar) {
      const { challenge } = pkce();
      const page = await http.send("GET", authorizePath(base64url(randomBytes(8)), challenge), {
        jar,
        expect: 200,
      });
      const form = parseForm(page.body);
      if (form.action !== "/oauth/login")
        throw new Error("GET /oauth_auth.do without a session showed no login form");
      const signedIn = await http.send("POST", "/oauth/login", {
        jar,
        form: { ...form.fields, ...DEMO_USER },
        expect: 303,
      });
      const back = signedIn.location && http.localPath(signedIn.location);
      if (!back) throw new Error(`POST /oauth/login redirected to ${signedIn.location}`);
      const consent = await http.send("GET", back, { jar, expect: 200 });
      if (parseForm(consent.body).action !== "/oauth/consent")
        throw new Error("after login, no consent form");
    },
    async authorize(jar) {
      const { verifier, challenge } = pkce();
      const state = base64url(randomBytes(8));
      const page = await http.send("GET", authorizePath(state, challenge), { jar, expect: 200 });
      const form = parseForm(page.body);
      if (form.action !== "/oauth/consent")
        throw new Error("GET /oauth_auth.do with a session showed no consent form");
      const approved = await http.send("POST", "/oauth/consent", {
        jar,
        form: { ...form.fields, decision: "approve" },
        expect: 303,
      });
      return { code: codeFrom(approved.location, state), verifier };
    },
    async exchange({ code, verifier }) {
      const answer = await http.send("POST", "/oauth_token.do", {
        headers: { authorization },
        form: { grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: REDIRECT_URI },
        expect: 200,
      });
      return tokenSet(answer.body);
    },
    async refresh(refreshToken) {
      const answer = await http.send("POST", "/oauth_token.do", {
        headers: { authorization },
        form: { grant_type: "refresh_token", refresh_token: refreshToken },
        expect: 200,
      });
      return tokenSet(answer.body);
    },
    introspection: (token, kind) => ({
      method: "POST",
      path: "/oauth/introspect",
      headers: { authorization, ...FORM },
      body: () => new URLSearchParams({ token, token_type_hint: kind }).toString(),
      check: activeCheck,
    }),
    jwks: { method: "GET", path: "/api/now/oauth/jwks", headers: {}, check: jwksCheck },
  };
}

/** oidc-provider: /auth, its dev interactions at /interaction/:uid, /token. */
function oidcProviderDriver(http: HttpClient, clientId: string, clientSecret: string): Driver {
  const authorization = basicAuth(clientId, clientSecret);
  const authorizePath = (state: string, challenge: string) =>
    `/auth?${new URLSearchParams({
      response_type: "code",
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      // Refresh tokens need offline_access, which oidc-provider grants only with openid and prompt=consent.
      scope: `openid offline_access ${SCOPE}`,
      prompt: "consent",
      state,
      code_challenge: challenge,
      code_challenge_method: "S256",
    })}`;
  const follow = (location: string | undefined, from: string): string => {
    const path = location && http.localPath(location);
    if (!path) throw new Error(`${from} redirected to ${location}`);
    return path;
  };
  /** GET /auth (or a resume at /auth/:uid) → its interaction page; returns the page's form. */
  const interaction = async (jar: CookieJar, path: string, prompt: "login" | "consent") => {
    const started = await http.send("GET", path, { jar, expect: REDIRECT });
    const pagePath = follow(started.location, `GET ${path.split("?")[0]}`);
    const page = await http.send("GET", pagePath, { jar, expect: 200 });
    const form = parseForm(page.body);
    if (!form.action || form.fields.prompt !== prompt)
      throw new Error(`expected the ${prompt} page at ${pagePath}`);
    return { action: form.action, fields: form.fields };
  };
  return {
    http,
    async login(jar) {
      const { challenge } = pkce();
      const login = await interaction(jar, authorizePath(base64url(randomBytes(8)), challenge), "login");
      const submitted = await http.send("POST", login.action, {
        jar,
        form: { ...login.fields, login: DEMO_USER.username, password: DEMO_USER.password },
        expect: REDIRECT,
      });
      await interaction(jar, follow(submitted.location, "the login form"), "consent");
    },
    async authorize(jar) {
      const { verifier, challenge } = pkce();
      const state = base64url(randomBytes(8));
      const consent = await interaction(jar, authorizePath(state, challenge), "consent");
      const submitted = await http.send("POST", consent.action, {
        jar,
        form: consent.fields,
        expect: REDIRECT,
      });
      const resume = follow(submitted.location, "the consent form");
      const done = await http.send("GET", resume, { jar, expect: REDIRECT });
      return { code: codeFrom(done.location, state), verifier };
    },
    async exchange({ code, verifier }) {
      const answer = await http.send("POST", "/token", {
        headers: { authorization },
        form: { grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: REDIRECT_URI },
        expect: 200,
      });
      return tokenSet(answer.body);
    },
    async refresh(refreshToken) {
      const answer = await http.send("POST", "/token", {
        headers: { authorization },
        form: { grant_type: "refresh_token", refresh_token: refreshToken },
        expect: 200,
      });
      return tokenSet(answer.body);
    },
    // oidc-provider refuses to introspect structured (JWT) tokens: UnsupportedTokenType.
    introspection: (token, kind) =>
      kind === "access_token"
        ? undefined
        : {
            method: "POST",
            path: "/token/introspection",
            headers: { authorization, ...FORM },
            body: () => new URLSearchParams({ token, token_type_hint: kind }).toString(),
            check: activeCheck,
          },
    jwks: { method: "GET", path: "/jwks", headers: {}, check: jwksCheck },
  };
}

/** What the tokens look like: the access token's JOSE header, and whether an ID token comes along. */
function describeTokens(tokens: TokenSet, rotated: TokenSet): TargetResult["tokens"] {
  const parts = tokens.access_token.split(".");
  let accessToken = "opaque";
  if (parts.length === 3) {
    const header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8")) as {
      alg?: string;
      typ?: string;
    };
    accessToken = `JWT, alg ${header.alg}, typ ${header.typ}`;
  }
  let idToken = "none";
  if (tokens.id_token) {
    const header = JSON.parse(Buffer.from(tokens.id_token.split(".")[0]!, "base64url").toString("utf8")) as {
      alg?: string;
    };
    idToken = `JWT, alg ${header.alg}`;
  }
  return { accessToken, idToken, refreshRotates: rotated.refresh_token !== tokens.refresh_token };
}

// ---------------------------------------------------------------------------------------------
// Phases

interface PhaseResult {
  phase: Phase;
  /** Operations per second: flows, grants, requests... */
  perSecond: number;
  operations: number;
  seconds: number;
  latencyMs: { p50?: number; p99?: number };
  /** HTTP requests the bench sent in the measured part, per operation. */
  requestsPerOperation: number;
  cpu: ReturnType<typeof cpuPercentOfCore> & {
    serverMsPerOperation?: number;
    databaseMsPerOperation?: number;
  };
  failures: number;
  errors: string[];
  valid: boolean;
  warmup: { operations: number; failures: number };
  note?: string;
}

function addWindows(a: CpuWindow | undefined, b: CpuWindow): CpuWindow {
  if (!a) return b;
  const sum = (x: number | undefined, y: number | undefined) =>
    x === undefined || y === undefined ? undefined : x + y;
  const server = sum(a.serverSeconds, b.serverSeconds);
  const database = sum(a.databaseSeconds, b.databaseSeconds);
  const wall = a.wallSeconds + b.wallSeconds;
  return {
    wallSeconds: wall,
    ...(server !== undefined ? { serverSeconds: server } : {}),
    ...(database !== undefined ? { databaseSeconds: database } : {}),
    loadGeneratorSeconds: a.loadGeneratorSeconds + b.loadGeneratorSeconds,
    machineBusyFraction:
      (a.machineBusyFraction * a.wallSeconds + b.machineBusyFraction * b.wallSeconds) / wall,
  };
}

function cpuOf(window: CpuWindow, operations: number): PhaseResult["cpu"] {
  const perOperation = (seconds: number | undefined) =>
    seconds === undefined || operations === 0 ? undefined : round((seconds * 1000) / operations, 3);
  const server = perOperation(window.serverSeconds);
  const database = perOperation(window.databaseSeconds);
  return {
    ...cpuPercentOfCore(window, os.availableParallelism()),
    ...(server !== undefined ? { serverMsPerOperation: server } : {}),
    ...(database !== undefined ? { databaseMsPerOperation: database } : {}),
  };
}

function loopResult(
  phase: Phase,
  measured: LoopOutcome,
  window: CpuWindow,
  requests: number,
  warm: { operations: number; failures: number; errors: string[] },
): PhaseResult {
  const latency = (q: number) => {
    const value = quantile(measured.latenciesMs, q);
    return value === undefined ? undefined : round(value, 1);
  };
  const p50 = latency(0.5);
  const p99 = latency(0.99);
  const failures = measured.failures + warm.failures;
  return {
    phase,
    perSecond: measured.wallSeconds > 0 ? round(measured.operations / measured.wallSeconds, 1) : 0,
    operations: measured.operations,
    seconds: round(measured.wallSeconds, 2),
    latencyMs: { ...(p50 !== undefined ? { p50 } : {}), ...(p99 !== undefined ? { p99 } : {}) },
    requestsPerOperation: measured.operations > 0 ? round(requests / measured.operations, 2) : 0,
    cpu: cpuOf(window, measured.operations),
    failures,
    errors: [...warm.errors, ...measured.errors.filter((e) => !warm.errors.includes(e))].slice(0, 5),
    valid: failures === 0 && measured.operations > 0,
    warmup: { operations: warm.operations, failures: warm.failures },
  };
}

const NOTHING_MEASURED: LoopOutcome = {
  operations: 0,
  wallSeconds: 0,
  latenciesMs: [],
  failures: 0,
  errors: [],
};

interface Context {
  key: TargetKey;
  server: ServerProcess;
  driver: Driver;
  /** One logged-in browser per worker. */
  sessions: CookieJar[];
  databaseCpu?: () => number | undefined;
}

/** A loop phase: warm-up, then the measured run with CPU accounting. */
async function loopPhase<W>(
  ctx: Context,
  phase: Phase,
  workers: readonly W[],
  operation: (worker: W) => Promise<void>,
): Promise<PhaseResult> {
  log(`${ctx.key} ${phase}: warm-up ${SETTINGS.warmupSeconds} s, then ${SETTINGS.durationSeconds} s`);
  const warm = await timedLoop(workers, SETTINGS.warmupSeconds, operation);
  const warmInfo = { operations: warm.operations, failures: warm.failures, errors: warm.errors };
  if (warm.failures > 0)
    return loopResult(phase, NOTHING_MEASURED, startCpuWindow(ctx.server.pid)(), 0, warmInfo);
  const requestsBefore = ctx.driver.http.requests;
  const window = startCpuWindow(ctx.server.pid, ctx.databaseCpu);
  const measured = await timedLoop(workers, SETTINGS.durationSeconds, operation);
  const cpu = window();
  return loopResult(phase, measured, cpu, ctx.driver.http.requests - requestsBefore, warmInfo);
}

/** Full flows with established sessions: authorize → consent → code → token. */
function flowPhase(ctx: Context): Promise<PhaseResult> {
  return loopPhase(ctx, "flow", ctx.sessions, async (jar) => {
    await ctx.driver.exchange(await ctx.driver.authorize(jar));
  });
}

/**
 * Code exchanges alone. Codes live 60 s on both servers, and oidc-provider's in-memory adapter
 * keeps only its last 1000 to 2000 artifacts, so codes are minted in batches (not measured) and
 * each batch exchanged at once (measured), until the exchanges have run BENCH_DURATION seconds.
 */
async function exchangePhase(ctx: Context): Promise<PhaseResult> {
  const { driver } = ctx;
  const batch = SETTINGS.exchangeBatch;
  const workers = Array.from({ length: SETTINGS.concurrency }, (_, i) => i);
  log(
    `${ctx.key} exchange: batches of ${batch} codes, warm-up one batch, then ${SETTINGS.durationSeconds} s of exchanges`,
  );
  const runBatch = async (seconds: number) => {
    const codes: AuthorizedCode[] = [];
    const minted = await timedLoop(
      ctx.sessions,
      120,
      async (jar) => {
        codes.push(await driver.authorize(jar));
      },
      () => codes.length < batch,
    );
    if (minted.failures > 0) return { outcome: minted, window: undefined, requests: 0 };
    const requestsBefore = driver.http.requests;
    const window = startCpuWindow(ctx.server.pid, ctx.databaseCpu);
    const outcome = await timedLoop(
      workers,
      seconds,
      async () => {
        const grant = codes.pop();
        if (grant) await driver.exchange(grant);
      },
      () => codes.length > 0,
    );
    return { outcome, window: window(), requests: driver.http.requests - requestsBefore };
  };

  const warm = await runBatch(SETTINGS.durationSeconds);
  const warmInfo = {
    operations: warm.outcome.operations,
    failures: warm.outcome.failures,
    errors: warm.outcome.errors,
  };
  let total = NOTHING_MEASURED;
  let cpu: CpuWindow | undefined;
  let requests = 0;
  let batches = 0;
  while (
    warm.outcome.failures === 0 &&
    total.failures === 0 &&
    total.wallSeconds < SETTINGS.durationSeconds
  ) {
    if (isInterrupted()) break;
    const { outcome, window, requests: sent } = await runBatch(SETTINGS.durationSeconds - total.wallSeconds);
    batches++;
    total = {
      operations: total.operations + outcome.operations,
      wallSeconds: total.wallSeconds + (window ? outcome.wallSeconds : 0),
      latenciesMs: total.latenciesMs.concat(outcome.latenciesMs),
      failures: total.failures + outcome.failures,
      errors: [...total.errors, ...outcome.errors].slice(0, 5),
    };
    if (window) cpu = addWindows(cpu, window);
    requests += sent;
  }
  const result = loopResult("exchange", total, cpu ?? startCpuWindow(ctx.server.pid)(), requests, warmInfo);
  result.note = `${batches} batch(es) of up to ${batch} codes; the time counted is the exchanges' only`;
  return result;
}

/** Refresh grants: each worker starts from the tokens of one flow, then spends its latest refresh token. */
async function refreshPhase(ctx: Context): Promise<PhaseResult> {
  const chains: { refreshToken: string }[] = [];
  for (const jar of ctx.sessions) {
    const tokens = await ctx.driver.exchange(await ctx.driver.authorize(jar));
    chains.push({ refreshToken: tokens.refresh_token });
  }
  return loopPhase(ctx, "refresh", chains, async (chain) => {
    const tokens = await ctx.driver.refresh(chain.refreshToken);
    if (tokens.refresh_token === chain.refreshToken)
      throw new Error("the refresh grant did not rotate the refresh token");
    chain.refreshToken = tokens.refresh_token;
  });
}

/** Logins from a fresh browser (cookie jar) each time, until the consent page shows. */
function loginPhase(ctx: Context): Promise<PhaseResult> {
  const workers = Array.from({ length: SETTINGS.concurrency }, (_, i) => i);
  return loopPhase(ctx, "login", workers, async () => {
    await ctx.driver.login(new CookieJar());
  });
}

/** An autocannon phase (stateless requests), with the same accounting. */
async function autocannonPhase(ctx: Context, phase: Phase, spec: LoadSpec): Promise<PhaseResult> {
  log(
    `${ctx.key} ${phase}: warm-up ${SETTINGS.warmupSeconds} s, then ${SETTINGS.durationSeconds} s (${spec.method} ${spec.path})`,
  );
  const options = { connections: SETTINGS.concurrency, pipelining: 1 };
  const warm = await autocannonLoad(ctx.server.url, spec, { ...options, seconds: SETTINGS.warmupSeconds });
  const window = startCpuWindow(ctx.server.pid, ctx.databaseCpu);
  const measured = await autocannonLoad(ctx.server.url, spec, {
    ...options,
    seconds: SETTINGS.durationSeconds,
  });
  const cpu = window();
  const { result } = measured;
  const failuresOf = (outcome: typeof measured) =>
    outcome.result.non2xx + outcome.result.errors + outcome.result.timeouts + outcome.wrongBodies;
  return {
    phase,
    perSecond: round(result.requests.average, 1),
    operations: result.requests.total,
    seconds: result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
    requestsPerOperation: 1,
    cpu: cpuOf(cpu, result.requests.total),
    failures: failuresOf(measured) + failuresOf(warm),
    errors: [...warm.failed, ...measured.failed].slice(0, 5).map((f) => `${f.status} ${f.body}`),
    valid: loadIsValid(measured) && loadIsValid(warm),
    warmup: { operations: warm.result.requests.total, failures: failuresOf(warm) },
  };
}

// ---------------------------------------------------------------------------------------------
// Targets

interface TargetResult {
  key: TargetKey;
  label: string;
  software: string;
  database?: { kind: string; description: string; settings: Record<string, string> };
  tokens?: { accessToken: string; idToken: string; refreshRotates: boolean };
  phases: Partial<Record<Phase, PhaseResult>>;
  /** Phases the target cannot run, and why. */
  skipped: Partial<Record<Phase, string>>;
  /** VmHWM before the login phase (whose concurrent scrypt hashes need memory) and at the end. */
  peakRssBeforeLoginBytes?: number;
  peakRssBytes?: number;
  error?: string;
}

/** Runs the phases against a started server whose client is registered; fills result. */
async function benchPhases(ctx: Context, result: TargetResult): Promise<void> {
  const { driver } = ctx;
  // One logged-in browser per worker, one after the other (not measured).
  for (let i = 0; i < SETTINGS.concurrency; i++) {
    const jar = new CookieJar();
    await driver.login(jar);
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
    await driver.login(jar);
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

const JSON_HEADERS = { "content-type": "application/json" };

async function benchOurServer(
  key: "sqlite" | "postgres",
  database: string,
  result: TargetResult,
): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), `inbound-oauth-bench-flows-${key}-`));
  const removeDir = onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, "admin-token");
  const server = await startServer(
    `oauth-flows-${key}`,
    CLI,
    ["serve", "--database", database, "--admin-token-file", tokenFile, "--dev", "--log-level", "warn"],
    "/readyz",
    { cpuProfileDir: SETTINGS.cpuProfileDir },
  );
  const http = new HttpClient(server.url, SETTINGS.concurrency);
  try {
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
    const integration = await post("/api/v1/integrations", {
      name: "bench-oauth-flows",
      providerName: "Bench",
      redirectUrls: [REDIRECT_URI],
      authScopes: [SCOPE],
      tokenFormat: "JWT",
    });
    const driver = ourDriver(http, String(integration.clientId), String(integration.clientSecret));
    await benchPhases(
      {
        key,
        server,
        driver,
        sessions: [],
        ...(key === "postgres" ? { databaseCpu: postgresCpuSeconds } : {}),
      },
      result,
    );
  } catch (error) {
    throw new Error(`${messageOf(error)}\n--- ${server.name} output ---\n${server.output()}`);
  } finally {
    await http.close();
    result.peakRssBytes = await server.stop();
    await removeDir();
  }
}

async function benchOidcProvider(result: TargetResult): Promise<void> {
  const clientId = "bench-client";
  const clientSecret = base64url(randomBytes(32));
  const server = await startServer(
    "oauth-flows-oidc-provider",
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
    { cpuProfileDir: SETTINGS.cpuProfileDir },
  );
  const http = new HttpClient(server.url, SETTINGS.concurrency);
  try {
    await benchPhases(
      {
        key: "oidc-provider",
        server,
        driver: oidcProviderDriver(http, clientId, clientSecret),
        sessions: [],
      },
      result,
    );
  } catch (error) {
    throw new Error(`${messageOf(error)}\n--- ${server.name} output ---\n${server.output()}`);
  } finally {
    await http.close();
    result.peakRssBytes = await server.stop();
  }
}

async function benchTarget(key: TargetKey): Promise<TargetResult> {
  const result: TargetResult = {
    key,
    label: TARGET_LABELS[key],
    software:
      key === "oidc-provider"
        ? `oidc-provider ${packageVersion("oidc-provider")} (koa ${packageVersion("koa")})`
        : `inbound-oauth ${ownVersion()} (fastify ${packageVersion("fastify")}, jose ${packageVersion("jose")})`,
    phases: {},
    skipped: {},
  };
  try {
    if (key === "oidc-provider") {
      result.database = {
        kind: "memory",
        description:
          "oidc-provider's in-memory adapter (an LRU of 1000 to 2000 entries, in the server process)",
        settings: {},
      };
      await benchOidcProvider(result);
    } else {
      await withBenchDatabase(
        key === "sqlite" ? "sqlite" : "postgres",
        (info) => {
          result.database = info;
        },
        (location) => benchOurServer(key === "sqlite" ? "sqlite" : "postgres", location, result),
      );
    }
  } catch (error) {
    result.error = messageOf(error);
    log(`${key} failed: ${result.error}`);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Report

type Better = "higher" | "lower";

interface Metric {
  id: string;
  label: string;
  value: (t: TargetResult) => number | undefined;
  format: (value: number) => string;
  /** Which way is better, for the ratio column; none for figures shown without a ratio. */
  better?: Better;
  goal?: { text: string; met: (ratio: number) => boolean };
}

const phaseValue =
  (phase: Phase, pick: (p: PhaseResult) => number | undefined) =>
  (t: TargetResult): number | undefined => {
    const result = t.phases[phase];
    return result?.valid ? pick(result) : undefined;
  };

const fixed = (digits: number) => (value: number) => value.toFixed(digits);
const latencyPair = (phase: Phase): Metric => ({
  id: `${phase}-latency`,
  label: `  p50 / p99 ms`,
  value: phaseValue(phase, (p) => p.latencyMs.p50),
  format: fixed(1),
});

const METRICS: Metric[] = [
  {
    id: "flows-per-second",
    label: "Flows/s (authorize → consent → code → token, PKCE, logged in)",
    value: phaseValue("flow", (p) => p.perSecond),
    format: fixed(0),
    better: "higher",
    goal: { text: "≥ 2×", met: (r) => r >= 2 },
  },
  latencyPair("flow"),
  {
    id: "requests-per-flow",
    label: "  HTTP requests per flow",
    value: phaseValue("flow", (p) => p.requestsPerOperation),
    format: fixed(0),
  },
  {
    id: "server-cpu-per-flow",
    label: "Server CPU ms per flow",
    value: phaseValue("flow", (p) => p.cpu.serverMsPerOperation),
    format: fixed(2),
    better: "lower",
    goal: { text: "≤ 0.5×", met: (r) => r <= 0.5 },
  },
  {
    id: "database-cpu-per-flow",
    label: "  + PostgreSQL CPU ms per flow",
    value: phaseValue("flow", (p) => p.cpu.databaseMsPerOperation),
    format: fixed(2),
  },
  {
    id: "exchanges-per-second",
    label: "Code exchanges/s",
    value: phaseValue("exchange", (p) => p.perSecond),
    format: fixed(0),
    better: "higher",
  },
  latencyPair("exchange"),
  {
    id: "refresh-per-second",
    label: "Refresh grants/s (rotating)",
    value: phaseValue("refresh", (p) => p.perSecond),
    format: fixed(0),
    better: "higher",
    goal: { text: "≥ 2×", met: (r) => r >= 2 },
  },
  latencyPair("refresh"),
  {
    id: "introspections-per-second",
    label: "Introspections/s (refresh token)",
    value: phaseValue("introspect", (p) => p.perSecond),
    format: fixed(0),
    better: "higher",
    goal: { text: "≥ 1.5×", met: (r) => r >= 1.5 },
  },
  latencyPair("introspect"),
  {
    id: "access-introspections-per-second",
    label: "Introspections/s (JWT access token)",
    value: phaseValue("introspect-access", (p) => p.perSecond),
    format: fixed(0),
  },
  {
    id: "jwks-per-second",
    label: "JWKS requests/s",
    value: phaseValue("jwks", (p) => p.perSecond),
    format: fixed(0),
    better: "higher",
    goal: { text: "≥ 1×", met: (r) => r >= 1 },
  },
  {
    id: "logins-per-second",
    label: "Logins/s (fresh browser → consent page)",
    value: phaseValue("login", (p) => p.perSecond),
    format: fixed(1),
    better: "higher",
  },
  latencyPair("login"),
  {
    id: "requests-per-login",
    label: "  HTTP requests per login",
    value: phaseValue("login", (p) => p.requestsPerOperation),
    format: fixed(0),
  },
  {
    id: "peak-rss-before-login",
    label: "Peak RSS before the login phase (MiB)",
    value: (t) =>
      t.peakRssBeforeLoginBytes === undefined ? undefined : t.peakRssBeforeLoginBytes / 1024 / 1024,
    format: fixed(0),
    better: "lower",
  },
  {
    id: "peak-rss",
    label: "Peak RSS, whole run (MiB)",
    value: (t) => (t.peakRssBytes === undefined ? undefined : t.peakRssBytes / 1024 / 1024),
    format: fixed(0),
    better: "lower",
    goal: { text: "< 1×", met: (r) => r < 1 },
  },
];

interface Comparison {
  metric: string;
  target: TargetKey;
  value: number;
  baseline: number;
  /** value ÷ oidc-provider's value. */
  ratio: number;
  goal?: string;
  met?: boolean;
}

function comparisons(targets: TargetResult[]): Comparison[] {
  const baseline = targets.find((t) => t.key === "oidc-provider");
  const out: Comparison[] = [];
  if (!baseline) return out;
  for (const target of targets) {
    if (target.key === "oidc-provider") continue;
    for (const metric of METRICS) {
      if (!metric.better) continue;
      const value = metric.value(target);
      const base = metric.value(baseline);
      if (value === undefined || base === undefined || base === 0) continue;
      const ratio = round(value / base, 3);
      out.push({
        metric: metric.id,
        target: target.key,
        value: round(value, 3),
        baseline: round(base, 3),
        ratio,
        ...(metric.goal ? { goal: metric.goal.text, met: metric.goal.met(ratio) } : {}),
      });
    }
  }
  return out;
}

function cell(metric: Metric, target: TargetResult): string {
  if (metric.id.endsWith("-latency")) {
    const phase = metric.id.slice(0, -"-latency".length) as Phase;
    const result = target.phases[phase];
    if (!result?.valid) return target.skipped[phase] ? "n/a" : "—";
    const { p50, p99 } = result.latencyMs;
    return `${p50 === undefined ? "—" : p50.toFixed(1)} / ${p99 === undefined ? "—" : p99.toFixed(1)}`;
  }
  const value = metric.value(target);
  if (value === undefined) {
    const phase = PHASES.find((p) => metric.id.startsWith(p));
    return phase && target.skipped[phase] ? "n/a" : "—";
  }
  return metric.format(value);
}

/** What the figures mean and where the targets differ, printed under the main table. */
const NOTES = [
  "× oidc-provider: our figure ÷ oidc-provider's, both measured in this run (for rates higher is better, for " +
    "CPU and memory lower). Met: against the issue's goal, for SQLite / PostgreSQL.",
  "Flows: with a login session already established (one per worker), PKCE S256, consent every time. Ours: " +
    "GET /oauth_auth.do (consent page), POST /oauth/consent (303 with the code), POST /oauth_token.do. " +
    "oidc-provider: GET /auth (303), GET /interaction/:uid (consent page), POST /interaction/:uid (303), " +
    "GET /auth/:uid (303 with the code), POST /token; prompt=consent and openid + offline_access, which it " +
    "needs to issue a refresh token.",
  "Tokens: both sign an ES256 JWT access token (typ at+jwt) per code exchange and per refresh grant; " +
    "oidc-provider also signs an ES256 ID token each time (openid is in the scope), i.e. two signatures to our one.",
  "Server CPU: utime + stime of the server process (/proc/<pid>/stat) over the measured phase ÷ operations. " +
    "PostgreSQL's own processes are counted apart (+ PostgreSQL row) and are in no server's RSS.",
  "Storage: ours writes every session, code and token to SQLite (fsync per commit) or PostgreSQL; " +
    "oidc-provider's default adapter keeps them in an in-process LRU of 1000 to 2000 entries (lost on " +
    "restart; older sessions and tokens are evicted, which is why codes are exchanged in batches).",
  "Introspection is compared on refresh tokens (opaque on both). oidc-provider refuses JWT access tokens at " +
    "its introspection endpoint; ours verifies the signature and reads the token's record.",
  "Logins: ours checks the password with scrypt (N=32768, r=8: ~32 MiB and ~100 ms of CPU per login, by " +
    "design), so logins/s is bounded by the KDF; oidc-provider's development interactions accept any user " +
    "name and password and hash nothing. Peak RSS before the login phase leaves out the concurrent scrypt " +
    "buffers; the whole-run peak includes them.",
];

function markdown(report: Report): string {
  const ours = report.targets.filter((t) => t.key !== "oidc-provider");
  const comparisonOf = new Map(report.comparisons.map((c) => [`${c.target}/${c.metric}`, c]));
  const headers = ["Metric", ...report.targets.map((t) => t.label)];
  for (const target of ours) headers.splice(headers.indexOf(target.label) + 1, 0, "× oidc-provider");
  headers.push("Goal", "Met");
  const rows = METRICS.map((metric) => {
    const row = [metric.label];
    for (const target of report.targets) {
      row.push(cell(metric, target));
      if (target.key === "oidc-provider") continue;
      const comparison = comparisonOf.get(`${target.key}/${metric.id}`);
      row.push(comparison ? comparison.ratio.toFixed(2) : "");
    }
    row.push(metric.goal?.text ?? "");
    row.push(
      metric.goal
        ? ours
            .map((t) => {
              const met = comparisonOf.get(`${t.key}/${metric.id}`)?.met;
              return met === undefined ? "n/a" : met ? "yes" : "NO";
            })
            .join(" / ")
        : "",
    );
    return row;
  });
  const main = table(
    headers,
    rows,
    new Set(headers.map((_, i) => i).filter((i) => i > 0 && i < headers.length - 2)),
  );

  const detailRows: string[][] = [];
  for (const target of report.targets) {
    for (const phase of PHASES) {
      const result = target.phases[phase];
      if (!result) {
        if (target.skipped[phase])
          detailRows.push([target.label, `${PHASE_LABELS[phase]}: not supported`, ...Array(9).fill("n/a")]);
        continue;
      }
      detailRows.push([
        target.label,
        `${PHASE_LABELS[phase]}${result.valid ? "" : " (INVALID)"}`,
        String(result.operations),
        result.perSecond.toFixed(1),
        String(result.latencyMs.p50 ?? "—"),
        String(result.latencyMs.p99 ?? "—"),
        result.requestsPerOperation.toFixed(2),
        result.cpu.serverMsPerOperation?.toFixed(3) ?? "–",
        result.cpu.databaseMsPerOperation?.toFixed(3) ?? "–",
        [
          result.cpu.serverPercentOfCore,
          result.cpu.databasePercentOfCore,
          result.cpu.loadGeneratorPercentOfCore,
          result.cpu.restOfMachinePercentOfCore,
        ]
          .map((value) => (value === undefined ? "–" : String(value)))
          .join(" / "),
        String(result.failures),
      ]);
    }
  }
  const details = table(
    [
      "Target",
      "Phase",
      "ops",
      "ops/s",
      "p50 ms",
      "p99 ms",
      "HTTP req/op",
      "server CPU ms/op",
      "db CPU ms/op",
      "CPU % server / db / bench / rest",
      "failed",
    ],
    detailRows,
    new Set([2, 3, 4, 5, 6, 7, 8, 9, 10]),
  );
  const servers = table(
    ["Target", "Software", "Storage", "Access token", "ID token", "Peak RSS (VmHWM)"],
    report.targets.map((t) => [
      t.label,
      t.software,
      t.database
        ? `${t.database.description}${Object.keys(t.database.settings).length ? "; " : ""}${Object.entries(
            t.database.settings,
          )
            .filter(([k]) => k !== "note")
            .map(([k, v]) => `${k}=${v}`)
            .join(", ")}`
        : "—",
      t.tokens?.accessToken ?? "—",
      t.tokens?.idToken ?? "—",
      mib(t.peakRssBytes),
    ]),
    new Set([5]),
  );
  const m = report.machine;
  const s = report.settings;
  return [
    "## OAuth flows benchmark: our server next to oidc-provider",
    "",
    `Machine: ${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.kernel}; Node ${m.node}; ` +
      `undici ${m.undici}, autocannon ${m.autocannon}`,
    `Settings: ${s.concurrency} concurrent workers (undici, a cookie jar each) or autocannon connections; ` +
      `${s.warmupSeconds} s warm-up + ${s.durationSeconds} s measured per phase; code exchanges in batches of ` +
      `${s.exchangeBatch}; load generator in the parent process, each server a child process`,
    "",
    main,
    "",
    ...NOTES.map((note) => `- ${note}`),
    ...report.targets.flatMap((t) =>
      Object.entries(t.skipped).map(
        ([phase, why]) => `- ${t.label}, ${PHASE_LABELS[phase as Phase]}: ${why}.`,
      ),
    ),
    "",
    details,
    "",
    "CPU %: of one core during the measured phase (the machine has " +
      `${m.nproc * 100} %): the server process, the PostgreSQL cluster started here, the bench process ` +
      "(undici or autocannon) and the rest of the machine's busy time. HTTP req/op: requests the bench sent " +
      "per operation (a flow, a login, a grant). A large rest means other work shared the machine: rerun " +
      "before trusting the figures.",
    ...(report.noisyPhases.length
      ? [
          "",
          `**Noisy**: other work used more than ${NOISY_REST_PERCENT} % of a core during ` +
            `${report.noisyPhases.join(", ")}: rerun before trusting the ratios of those phases.`,
        ]
      : []),
    "",
    servers,
    "",
  ].join("\n");
}

/** A phase during which the rest of the machine was busier than this (% of one core) is flagged. */
const NOISY_REST_PERCENT = 50;

function noisyPhases(targets: TargetResult[]): string[] {
  return targets.flatMap((t) =>
    Object.values(t.phases)
      .filter((p) => p.cpu.restOfMachinePercentOfCore > NOISY_REST_PERCENT)
      .map((p) => `${t.label} ${p.phase} (${p.cpu.restOfMachinePercentOfCore} %)`),
  );
}

interface Report {
  benchmark: "oauth-flows";
  generatedAt: string;
  machine: ReturnType<typeof machineInfo> & { undici: string; autocannon: string; oidcProvider: string };
  settings: typeof SETTINGS;
  targets: TargetResult[];
  comparisons: Comparison[];
  /** Phases during which other work used the machine (rest of the machine > NOISY_REST_PERCENT). */
  noisyPhases: string[];
  valid: boolean;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  for (const key of SETTINGS.targets) {
    if (!TARGET_KEYS.includes(key as TargetKey)) throw new Error(`unknown target "${key}" in BENCH_TARGETS`);
  }
  for (const phase of SETTINGS.phases) {
    if (!PHASES.includes(phase as Phase)) throw new Error(`unknown phase "${phase}" in BENCH_PHASES`);
  }
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -p tsconfig.build.json)`);
  if (SETTINGS.targets.includes("oidc-provider") && packageVersion("oidc-provider") === "unknown") {
    throw new Error("oidc-provider is not installed: npm install (it is a dev dependency)");
  }
  if (SETTINGS.cpuProfileDir) mkdirSync(SETTINGS.cpuProfileDir, { recursive: true });

  const targets: TargetResult[] = [];
  for (const key of TARGET_KEYS) {
    if (!SETTINGS.targets.includes(key) || isInterrupted()) continue;
    targets.push(await benchTarget(key));
  }

  const report: Report = {
    benchmark: "oauth-flows",
    generatedAt: new Date().toISOString(),
    machine: {
      ...machineInfo(),
      undici: packageVersion("undici"),
      autocannon: packageVersion("autocannon"),
      oidcProvider: packageVersion("oidc-provider"),
    },
    settings: SETTINGS,
    targets,
    comparisons: comparisons(targets),
    noisyPhases: noisyPhases(targets),
    valid: false,
  };
  report.valid = targets.every((t) => !t.error && Object.values(t.phases).every((p) => p.valid));

  process.stdout.write(`${markdown(report)}\n`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${RESULTS_FILE}`);

  if (!report.valid) {
    process.stdout.write("\n**INVALID RUN**: some requests failed or a target did not run.\n\n");
    for (const target of targets) {
      if (target.error) process.stdout.write(`- ${target.label}: ${target.error}\n`);
      for (const phase of Object.values(target.phases)) {
        if (phase.valid) continue;
        process.stdout.write(
          `- ${target.label} ${phase.phase}: ${phase.failures} failure(s), ${phase.operations} operation(s)\n`,
        );
        for (const error of phase.errors) process.stdout.write(`    ${error}\n`);
      }
    }
    return 1;
  }
  return 0;
}

runMain(main);
