// The server-at-scale bench's report: each request empty vs full with the slowdown against the
// goal, the seeding, and the database sizes per million tokens.
import { mib, table } from "../lib/common";
import { databaseCell } from "../lib/database-target";
import type { GoalRow } from "../lib/goals";
import { type Machine, reportHead } from "../lib/report";
import type { State, TargetResult } from "./scenario";
import { GOAL_RATIO, type SETTINGS, WORKLOAD_LABELS, WORKLOADS, type Workload } from "./settings";

export interface Slowdown {
  target: string;
  workload: Workload;
  /** Empty throughput ÷ full throughput (means over the rounds): 1.10 means 10 % fewer per second when full. */
  throughput: number;
  /** Each round's own empty ÷ full (the two ran back to back). */
  perRound: number[];
  /** Full p50 ÷ empty p50 (means over the rounds). */
  p50?: number;
  /** The server's CPU time per request, full ÷ empty: less moved by other jobs than throughput. */
  serverCpu?: number;
  met: boolean;
}

export interface Report {
  benchmark: "server-at-scale";
  generatedAt: string;
  machine: Machine & { pg: string; sqlite: string; autocannon: string };
  settings: typeof SETTINGS & { pinning: string };
  targets: TargetResult[];
  slowdowns: Slowdown[];
  /** The issue's goals as judged by this run (goals.ts), for bench/goals.ts. */
  goals: GoalRow[];
  valid: boolean;
}

const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b === 0 ? undefined : Number((a / b).toFixed(3));

const mean = (values: (number | undefined)[]) => {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length ? known.reduce((a, b) => a + b, 0) / known.length : undefined;
};

/** A state's figures for one request: the means over its rounds; valid when every round was. */
export function figures(target: TargetResult, state: State, workload: Workload) {
  const runs = target.runs.filter((r) => r.state === state && r.workload === workload);
  if (runs.length === 0) return undefined;
  return {
    valid: runs.every((r) => r.valid),
    perSecond: mean(runs.map((r) => r.perSecond)),
    p50: mean(runs.map((r) => r.latencyMs.p50)),
    p99: mean(runs.map((r) => r.latencyMs.p99)),
    serverMs: mean(runs.map((r) => r.serverMsPerOperation)),
    databaseMs: mean(runs.map((r) => r.databaseMsPerOperation)),
    rest: mean(runs.map((r) => r.restOfMachinePercentOfCore)),
    walKb: mean(runs.map((r) => (r.wal ? r.wal.bytesPerOperation / 1024 : undefined))),
    walFpi: mean(runs.map((r) => r.wal?.fullPageImagesPerOperation)),
  };
}

export function slowdowns(targets: TargetResult[]): Slowdown[] {
  const out: Slowdown[] = [];
  for (const target of targets) {
    for (const workload of WORKLOADS) {
      const empty = figures(target, "empty", workload);
      const full = figures(target, "full", workload);
      if (!empty?.valid || !full?.valid) continue;
      const throughput = ratio(empty.perSecond, full.perSecond)!;
      const rounds = [...new Set(target.runs.map((r) => r.round))];
      const perRound = rounds.flatMap((round) => {
        const of = (state: State) =>
          target.runs.find((r) => r.round === round && r.state === state && r.workload === workload)
            ?.perSecond;
        const value = ratio(of("empty"), of("full"));
        return value === undefined ? [] : [value];
      });
      const p50 = ratio(full.p50, empty.p50);
      const serverCpu = ratio(full.serverMs, empty.serverMs);
      out.push({
        target: target.key,
        workload,
        throughput,
        perRound,
        ...(p50 !== undefined ? { p50 } : {}),
        ...(serverCpu !== undefined ? { serverCpu } : {}),
        // The delete runs one at a time, a few of them: its p50 is its figure (one slow fsync moves the rate).
        met: (workload === "delete" ? (p50 ?? Infinity) : throughput) <= GOAL_RATIO,
      });
    }
  }
  return out;
}

const fmt = (value: number | undefined, digits = 0) => (value === undefined ? "–" : value.toFixed(digits));
const pair = (a: number | undefined, b: number | undefined, digits = 1) =>
  `${fmt(a, digits)} → ${fmt(b, digits)}`;
export const perMillion = (bytes: number, tokens: number) =>
  tokens > 0 ? mib((bytes / tokens) * 1e6) : "n/a";

function requestRows(report: Report): string[][] {
  const rows: string[][] = [];
  for (const target of report.targets) {
    for (const workload of WORKLOADS) {
      const empty = figures(target, "empty", workload);
      const full = figures(target, "full", workload);
      const slowdown = report.slowdowns.find((s) => s.target === target.key && s.workload === workload);
      const invalid = (f: typeof empty) => f !== undefined && !f.valid;
      rows.push([
        target.label,
        `${WORKLOAD_LABELS[workload]}${invalid(empty) || invalid(full) ? " (INVALID)" : ""}`,
        fmt(empty?.perSecond),
        fmt(full?.perSecond),
        slowdown
          ? `${slowdown.throughput.toFixed(2)}× (${slowdown.perRound.map((r) => r.toFixed(2)).join(", ")})`
          : "n/a",
        pair(empty?.p50, full?.p50),
        pair(empty?.p99, full?.p99),
        `${pair(empty?.serverMs, full?.serverMs, 3)}${slowdown?.serverCpu === undefined ? "" : ` (${slowdown.serverCpu.toFixed(2)}×)`}`,
        pair(empty?.databaseMs, full?.databaseMs, 3),
        pair(empty?.rest, full?.rest, 0),
        empty?.walKb === undefined
          ? "–"
          : `${pair(empty.walKb, full?.walKb, 1)} (${pair(empty.walFpi, full?.walFpi, 2)})`,
        slowdown ? (slowdown.met ? "met" : "**missed**") : "n/a",
      ]);
    }
  }
  return rows;
}

export function markdown(report: Report): string {
  const m = report.machine;
  const s = report.settings;
  const requests = table(
    [
      "Target",
      "Request",
      "empty /s",
      "full /s",
      "slowdown (rounds)",
      "p50 ms",
      "p99 ms",
      "server CPU ms/op",
      "db CPU ms/op",
      "rest % of core",
      "WAL KiB/op (FPI/op)",
      `goal ≤ ${GOAL_RATIO}×`,
    ],
    requestRows(report),
    new Set([2, 3, 4, 5, 6, 7, 8, 9, 10]),
  );
  const seeding = table(
    [
      "Target",
      "integrations",
      "users",
      "grants",
      "tokens",
      "usable refresh",
      "rotated refresh",
      "live access",
      "revoked",
      "expired",
      "seeding s",
      "VACUUM ANALYZE s",
    ],
    report.targets.flatMap((t) => {
      const c = t.seeded?.counts;
      if (!c) return [];
      return [
        [
          t.label,
          ...[
            c.integrations,
            c.users,
            c.grants,
            c.tokens,
            c.usableRefresh,
            c.rotatedRefresh,
            c.liveAccess,
            c.revoked,
            c.expired,
          ].map(String),
          String(t.seeded!.seconds.insert),
          fmt(t.seeded!.seconds.analyze, 1),
        ],
      ];
    }),
    new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
  );
  const sizes = table(
    [
      "Target",
      "database empty → full",
      "token table empty → full",
      "token table per 1M tokens",
      "database growth per 1M tokens",
      "peak RSS empty → full",
      "Database",
    ],
    report.targets.map((t) => {
      const { empty, full } = t.sizes;
      const added = empty && full ? full.tokens - empty.tokens : 0;
      return [
        t.label,
        empty && full ? `${mib(empty.databaseBytes)} → ${mib(full.databaseBytes)}` : "n/a",
        empty && full ? `${mib(empty.tokenTableBytes)} → ${mib(full.tokenTableBytes)}` : "n/a",
        empty && full ? perMillion(full.tokenTableBytes - empty.tokenTableBytes, added) : "n/a",
        empty && full ? perMillion(full.databaseBytes - empty.databaseBytes, added) : "n/a",
        `${mib(t.peakRssBytes.empty)} → ${mib(t.peakRssBytes.full)}`,
        databaseCell(t.database),
      ];
    }),
    new Set([1, 2, 3, 4, 5]),
  );
  const checks = report.targets.flatMap((t) => (t.checks ?? []).map((c) => `- ${t.label}: ${c}`));
  return [
    ...reportHead(
      "Server at scale benchmark",
      m,
      `autocannon ${m.autocannon}, pg ${m.pg}, SQLite ${m.sqlite}`,
      `${s.integrations} integrations, ${s.tokens} tokens, ${s.users} users; list page of ${s.listLimit}; ` +
        `${s.connections} connections, ${s.warmupSeconds} s warm-up + ${s.durationSeconds} s measured per request and server, ` +
        `${s.repeat} round(s), the order of the two servers flipping each round; ${s.pinning}`,
    ),
    requests,
    "",
    "empty: the fixtures only (one list page of integrations, 3 auth scopes, one user, the measured grants); " +
      `full: the same plus the seeded integrations, users and grants; both served at once, each by its own server process. ` +
      `Figures: means over the rounds. slowdown: empty /s ÷ full /s (the goal: ≤ ${GOAL_RATIO}×; for the delete, run one at a time, ` +
      "its p50 full ÷ empty is judged), then each round's own. " +
      "p50, p99, CPU per request (the server's: also full ÷ empty), PostgreSQL's write-ahead log per request " +
      "(pg_stat_wal: KiB and full-page images), and the rest of the machine's busy time (other jobs; large: rerun): empty → full.",
    "",
    seeding,
    "",
    "Seeded tokens by state: usable (the latest refresh token of a grant), rotated (spent, kept until they expire: a reuse " +
      "revokes the grant), live access tokens, revoked (a revoked grant's), expired (not yet pruned). seeding s: the one " +
      "transaction that makes and inserts every row.",
    "",
    sizes,
    "",
    "Sizes with the server stopped: SQLite's file + WAL after a checkpoint, and the token table's pages with its indexes " +
      "(dbstat); PostgreSQL's pg_database_size and pg_total_relation_size('oauth_tokens'). Per 1M tokens: the growth ÷ the " +
      "tokens added × 1,000,000; the database's growth also holds the seeded integrations, users, codes and audit events.",
    "",
    ...(checks.length ? ["Seeded rows checked through the API on the full database:", ...checks, ""] : []),
  ].join("\n");
}
