// The measured phases: loops of flows, exchanges, refresh grants and logins (undici workers), and
// autocannon runs of introspection and JWKS; each with a warm-up and CPU accounting.
import os from "node:os";
import { isInterrupted } from "../lib/cleanup";
import { log, round } from "../lib/common";
import { CookieJar, type LoopOutcome, quantile, timedLoop } from "../lib/http";
import { autocannonLoad, type LoadOutcome, type LoadSpec, loadIsValid } from "../lib/load";
import {
  addStatements,
  type StatementCounter,
  type StatementCounts,
  statementsBetween,
  totalCalls,
} from "../lib/postgres-statements";
import { type CpuWindow, cpuPercentOfCore, startCpuWindow } from "../lib/procfs";
import type { ServerProcess } from "../lib/server-process";
import type { AuthorizedCode, Driver } from "./protocol";
import { benchUser, type Phase, SETTINGS, type TargetKey } from "./settings";

export interface PhaseResult {
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
  /** PostgreSQL targets whose server counts statements (pg_stat_statements): the measured part's. */
  database?: DatabaseStatements;
  note?: string;
}

/** The statements the server ran during a measured phase: each one database round trip. */
export interface DatabaseStatements {
  statements: number;
  statementsPerOperation: number;
  statementsPerRequest: number;
  /** The busiest statements (normalised text), with their calls per operation. */
  top: { query: string; calls: number; perOperation: number }[];
}

/** How many statements the JSON lists per phase. */
const TOP_STATEMENTS = 10;

function databaseStatements(
  counts: StatementCounts,
  operations: number,
  requests: number,
): DatabaseStatements | undefined {
  if (operations === 0) return undefined;
  const statements = totalCalls(counts);
  return {
    statements,
    statementsPerOperation: round(statements / operations, 2),
    statementsPerRequest: requests > 0 ? round(statements / requests, 2) : 0,
    top: [...counts].slice(0, TOP_STATEMENTS).map(([query, calls]) => ({
      query: query.replace(/\s+/g, " ").slice(0, 300),
      calls,
      perOperation: round(calls / operations, 3),
    })),
  };
}

/** Runs body and counts the statements the server ran meanwhile (when ctx counts them). */
async function countingStatements<T>(
  ctx: Context,
  body: () => Promise<T>,
): Promise<{ value: T; counts?: StatementCounts }> {
  const before = await ctx.statements?.snapshot();
  const value = await body();
  const after = await ctx.statements?.snapshot();
  return before && after ? { value, counts: statementsBetween(before, after) } : { value };
}

export function addWindows(a: CpuWindow | undefined, b: CpuWindow): CpuWindow {
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

export function cpuOf(window: CpuWindow, operations: number): PhaseResult["cpu"] {
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

export function loopResult(
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

export const NOTHING_MEASURED: LoopOutcome = {
  operations: 0,
  wallSeconds: 0,
  latenciesMs: [],
  failures: 0,
  errors: [],
};

export interface Context {
  key: TargetKey;
  /** The server's instances (two for postgres-2, on one database); the driver spreads the load. */
  servers: ServerProcess[];
  driver: Driver;
  /** One logged-in browser per worker. */
  sessions: CookieJar[];
  databaseCpu?: () => number | undefined;
  /** Counts the server's statements (PostgreSQL with pg_stat_statements). */
  statements?: StatementCounter;
}

const pidsOf = (ctx: Context) => ctx.servers.map((server) => server.pid);

/** A loop phase: warm-up, then the measured run with CPU accounting. */
export async function loopPhase<W>(
  ctx: Context,
  phase: Phase,
  workers: readonly W[],
  operation: (worker: W) => Promise<void>,
): Promise<PhaseResult> {
  log(`${ctx.key} ${phase}: warm-up ${SETTINGS.warmupSeconds} s, then ${SETTINGS.durationSeconds} s`);
  const warm = await timedLoop(workers, SETTINGS.warmupSeconds, operation);
  const warmInfo = { operations: warm.operations, failures: warm.failures, errors: warm.errors };
  if (warm.failures > 0)
    return loopResult(phase, NOTHING_MEASURED, startCpuWindow(pidsOf(ctx))(), 0, warmInfo);
  const requestsBefore = ctx.driver.requests();
  const { value, counts } = await countingStatements(ctx, async () => {
    const window = startCpuWindow(pidsOf(ctx), ctx.databaseCpu);
    const measured = await timedLoop(workers, SETTINGS.durationSeconds, operation);
    return { measured, cpu: window() };
  });
  const requests = ctx.driver.requests() - requestsBefore;
  const result = loopResult(phase, value.measured, value.cpu, requests, warmInfo);
  const database = counts && databaseStatements(counts, value.measured.operations, requests);
  return database ? { ...result, database } : result;
}

/** Full flows with established sessions: authorize → consent → code → token. */
export function flowPhase(ctx: Context): Promise<PhaseResult> {
  return loopPhase(ctx, "flow", ctx.sessions, async (jar) => {
    await ctx.driver.exchange(await ctx.driver.authorize(jar));
  });
}

/**
 * Code exchanges alone. Codes live 60 s on both servers, and oidc-provider's in-memory adapter
 * keeps only its last 1000 to 2000 artifacts, so codes are minted in batches (not measured) and
 * each batch exchanged at once (measured), until the exchanges have run BENCH_DURATION seconds.
 */
export async function exchangePhase(ctx: Context): Promise<PhaseResult> {
  const { driver } = ctx;
  const batch = SETTINGS.exchangeBatch;
  const workers = Array.from({ length: SETTINGS.connections.exchange }, (_, i) => i);
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
    if (minted.failures > 0) return { outcome: minted, window: undefined, requests: 0, counts: undefined };
    const requestsBefore = driver.requests();
    const { value, counts } = await countingStatements(ctx, async () => {
      const window = startCpuWindow(pidsOf(ctx), ctx.databaseCpu);
      const outcome = await timedLoop(
        workers,
        seconds,
        async () => {
          const grant = codes.pop();
          if (grant) await driver.exchange(grant);
        },
        () => codes.length > 0,
      );
      return { outcome, window: window() };
    });
    return { ...value, counts, requests: driver.requests() - requestsBefore };
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
  let statements: StatementCounts | undefined;
  while (
    warm.outcome.failures === 0 &&
    total.failures === 0 &&
    total.wallSeconds < SETTINGS.durationSeconds
  ) {
    if (isInterrupted()) break;
    const {
      outcome,
      window,
      requests: sent,
      counts,
    } = await runBatch(SETTINGS.durationSeconds - total.wallSeconds);
    batches++;
    if (counts) statements = addStatements(statements ?? new Map(), counts);
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
  const result = loopResult("exchange", total, cpu ?? startCpuWindow(pidsOf(ctx))(), requests, warmInfo);
  result.note = `${batches} batch(es) of up to ${batch} codes; the time counted is the exchanges' only`;
  const database = statements && databaseStatements(statements, total.operations, requests);
  return database ? { ...result, database } : result;
}

/**
 * Refresh grants on SETTINGS.connections.refresh workers: each starts from the tokens of one flow
 * of a browser that has just logged in (not measured), then spends its latest refresh token.
 *
 * A fresh login per chain gives each chain a grant of its own on oidc-provider: it keeps one grant
 * per session and client, and its in-memory adapter walks all of a grant's tokens (until they
 * expire) on every save. Chains started from the flow phase's browsers, whose grants hold the
 * thousands of codes and tokens of the flow and exchange phases, measured 642–644 grants/s at
 * 1.28–1.30 ms of CPU each instead of 807–906 at 0.83–0.91 ms (two runs of each, alternating).
 */
export async function refreshPhase(ctx: Context): Promise<PhaseResult> {
  const chains: { refreshToken: string }[] = [];
  for (let i = 0; i < SETTINGS.connections.refresh; i++) {
    const jar = new CookieJar();
    await ctx.driver.login(jar, benchUser(i));
    const tokens = await ctx.driver.exchange(await ctx.driver.authorize(jar));
    chains.push({ refreshToken: tokens.refresh_token });
  }
  return loopPhase(ctx, "refresh", chains, async (chain) => {
    const tokens = await ctx.driver.refresh(chain.refreshToken);
    if (ctx.driver.rotatesRefreshTokens && tokens.refresh_token === chain.refreshToken)
      throw new Error("the refresh grant did not rotate the refresh token");
    chain.refreshToken = tokens.refresh_token;
  });
}

/**
 * Logins from a fresh browser (cookie jar) each time, until the consent page shows; each worker as
 * its own user (benchUser), so that the per-user sign-in limit never sees concurrent attempts.
 */
export function loginPhase(ctx: Context): Promise<PhaseResult> {
  const workers = Array.from({ length: SETTINGS.connections.login }, (_, i) => benchUser(i));
  return loopPhase(ctx, "login", workers, async (user) => {
    await ctx.driver.login(new CookieJar(), user);
  });
}

/** An autocannon phase (stateless requests), with the same accounting. */
export async function autocannonPhase(ctx: Context, phase: Phase, spec: LoadSpec): Promise<PhaseResult> {
  log(
    `${ctx.key} ${phase}: warm-up ${SETTINGS.warmupSeconds} s, then ${SETTINGS.durationSeconds} s (${spec.method} ${spec.path})`,
  );
  const connections = SETTINGS.connections[phase];
  const warm = await spreadLoad(ctx, spec, connections, SETTINGS.warmupSeconds);
  const { value, counts } = await countingStatements(ctx, async () => {
    const window = startCpuWindow(pidsOf(ctx), ctx.databaseCpu);
    const measured = await spreadLoad(ctx, spec, connections, SETTINGS.durationSeconds);
    return { measured, cpu: window() };
  });
  const { measured, cpu } = value;
  const { result } = measured;
  const database = counts && databaseStatements(counts, result.requests.total, result.requests.total);
  const failuresOf = (outcome: typeof measured) =>
    outcome.result.non2xx + outcome.result.errors + outcome.result.timeouts + outcome.wrongBodies;
  return {
    phase,
    // Over the measured window, as the loop phases count (autocannon's requests.average is the
    // mean of its per-second samples, which a short last second pulls down).
    perSecond: result.duration > 0 ? round(result.requests.total / result.duration, 1) : 0,
    operations: result.requests.total,
    seconds: result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
    requestsPerOperation: 1,
    cpu: cpuOf(cpu, result.requests.total),
    failures: failuresOf(measured) + failuresOf(warm),
    errors: [...warm.failed, ...measured.failed].slice(0, 5).map((f) => `${f.status} ${f.body}`),
    valid: loadIsValid(measured) && loadIsValid(warm),
    warmup: { operations: warm.result.requests.total, failures: failuresOf(warm) },
    ...(database ? { database } : {}),
  };
}

/**
 * autocannon against every instance at once, the connections split between them (10 over two: 5
 * each), as one outcome: the requests and failures added up, the longest duration, and the
 * higher of the instances' p50 and p99 (percentiles do not add up).
 */
async function spreadLoad(
  ctx: Context,
  spec: LoadSpec,
  connections: number,
  seconds: number,
): Promise<LoadOutcome> {
  const count = ctx.servers.length;
  const outcomes = await Promise.all(
    ctx.servers.map((server, i) =>
      autocannonLoad(server.url, spec, {
        connections: Math.floor(connections / count) + (i < connections % count ? 1 : 0),
        pipelining: 1,
        seconds,
      }),
    ),
  );
  if (outcomes.length === 1) return outcomes[0]!;
  const sum = (pick: (o: LoadOutcome) => number) => outcomes.reduce((total, o) => total + pick(o), 0);
  const most = (pick: (o: LoadOutcome) => number) => Math.max(...outcomes.map(pick));
  const first = outcomes[0]!.result;
  return {
    result: {
      ...first,
      requests: { ...first.requests, total: sum((o) => o.result.requests.total) },
      duration: most((o) => o.result.duration),
      latency: {
        ...first.latency,
        p50: most((o) => o.result.latency.p50),
        p99: most((o) => o.result.latency.p99),
      },
      non2xx: sum((o) => o.result.non2xx),
      errors: sum((o) => o.result.errors),
      timeouts: sum((o) => o.result.timeouts),
    },
    failed: outcomes.flatMap((o) => o.failed).slice(0, 5),
    wrongBodies: sum((o) => o.wrongBodies),
  };
}
