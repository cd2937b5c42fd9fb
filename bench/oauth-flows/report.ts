// The Markdown report: the main table, the notes, the per-phase details and the servers.
import { mib, table } from "../lib/common";
import { databaseCell } from "../lib/database-target";
import { type GoalRow, metOver } from "../lib/goals";
import type { Pinning } from "../lib/pinning";
import { type Machine, reportHead } from "../lib/report";
import { type IssueTableRow, instancesLine, issueTableMarkdown } from "./issue-table";
import { type Comparison, cell, METRICS, rangeText } from "./report-metrics";
import { PHASE_LABELS, PHASES, type Phase, type SETTINGS } from "./settings";
import type { TargetResult } from "./targets";

/** What the figures mean and where the targets differ, printed under the main table. */
export const NOTES = [
  "Each figure is the range over the rounds (BENCH_REPEAT; each round starts every target afresh: a new " +
    "server process, a fresh SQLite file or database). × oidc-provider: the range of each round's ratio, our " +
    "figure ÷ oidc-provider's of the same round (for rates higher is better, for CPU and memory lower). Met: " +
    "against the issue's goal, for each of our targets in the order of the columns (SQLite / PostgreSQL / two " +
    "instances on PostgreSQL): yes in every round, NO in none, partly otherwise.",
  "PostgreSQL statements (round trips) per operation: the calls pg_stat_statements counted in the server's " +
    "database during the measured phase (BEGIN and COMMIT included: track_utility on), ÷ operations; the " +
    "bench reads them through another database, so its own queries are not counted. Each statement is one " +
    "round trip (node-postgres sends one query at a time per connection). The JSON lists each phase's " +
    "busiest statements (`database.top`). With BENCH_DATABASE_URL they are counted only when that server " +
    "loads pg_stat_statements and has it created in its admin database.",
  "Two server instances (2 servers + PostgreSQL): two processes of our server on one database, same issuer " +
    "(--issuer: tokens of one verify at the other), neither pinned; each operation goes to the next instance " +
    "in turn (a login, an authorization, a grant), so sessions, codes and refresh tokens cross between them; " +
    "autocannon phases split their connections between the two. Server CPU and RSS are both processes' sums; " +
    "p50 and p99 of autocannon phases the higher of the two instances'.",
  "Client: one confidential client on both, client_secret_basic at the token and introspection endpoints " +
    "in every phase. Ours rotates the refresh token on every use (the bench checks it) and revokes the " +
    "grant when a spent one comes back; oidc-provider runs its default rotateRefreshToken, which for a " +
    "confidential client rotates only past 70 % of the token's lifetime, so it answers the same refresh " +
    "token again, as in the issue's measurement.",
  "Flows: with a login session already established (one per worker), PKCE S256, consent every time. Ours: " +
    "GET /oauth_auth.do (consent page), POST /oauth/consent (303 with the code), POST /oauth_token.do. " +
    "oidc-provider: GET /auth (303), GET /interaction/:uid (consent page), POST /interaction/:uid (303), " +
    "GET /auth/:uid (303 with the code), POST /token; prompt=consent, so that its development consent page " +
    "shows every time as ours does.",
  "Tokens: both sign one ES256 JWT access token (typ at+jwt) per code exchange and per refresh grant and " +
    "issue an opaque refresh token; no ID token (the requests are plain OAuth 2.0, without openid: the " +
    "oidc-provider target issues refresh tokens without offline_access).",
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

/** Whether a goal was met in every round, in none or in some (bench/lib/goals.ts). */
function metText(comparisons: readonly Comparison[]): string {
  return metOver(comparisons.flatMap((c) => (c.met === undefined ? [] : [c.met])));
}

/** Every metric, one column per target (the range over its rounds), ratios as ranges. */
function allFigures(report: Report): string {
  const keys = [...new Set(report.targets.map((t) => t.key))];
  const runsOf = (key: string) => report.targets.filter((t) => t.key === key);
  const ours = keys.filter((key) => key !== "oidc-provider");
  const headers = ["Metric"];
  for (const key of keys) {
    headers.push(runsOf(key)[0]!.label);
    if (key !== "oidc-provider") headers.push("× oidc-provider");
  }
  headers.push("Goal", "Met");
  const rows = METRICS.map((metric) => {
    const compared = (key: string) =>
      report.comparisons.filter((c) => c.target === key && c.metric === metric.id);
    const row = [metric.label];
    for (const key of keys) {
      row.push(cell(metric, runsOf(key)));
      if (key === "oidc-provider") continue;
      row.push(
        rangeText(
          compared(key).map((c) => c.ratio),
          (r) => r.toFixed(2),
        ) ?? "",
      );
    }
    row.push(metric.goal?.text ?? "");
    row.push(metric.goal ? ours.map((key) => metText(compared(key))).join(" / ") : "");
    return row;
  });
  return table(
    headers,
    rows,
    new Set(headers.map((_, i) => i).filter((i) => i > 0 && i < headers.length - 2)),
  );
}

/** The logins/s line under the issue's table: reported apart, bounded by the password hash. */
function loginLine(report: Report): string {
  const logins = (key: string) =>
    rangeText(
      report.targets
        .filter((t) => t.key === key)
        .map((t) => (t.phases.login?.valid ? t.phases.login.perSecond : undefined)),
      (v) => v.toFixed(1),
    ) ?? "—";
  return (
    `Logins/s, reported apart (a fresh browser to the consent page, ${report.settings.connections.login} workers, ` +
    `each its own user): oidc-provider ${logins("oidc-provider")} (development pages: no password hash), ` +
    `ours ${logins("sqlite")} on SQLite${report.targets.some((t) => t.key === "postgres") ? `, ${logins("postgres")} on PostgreSQL` : ""}` +
    `${report.targets.some((t) => t.key === "postgres-2") ? `, ${logins("postgres-2")} with two instances on PostgreSQL` : ""}. ` +
    "Ours is bounded by the password hash by design (scrypt per sign-in, off the event loop)."
  );
}

export function markdown(report: Report): string {
  const main = allFigures(report);

  const detailRows: string[][] = [];
  for (const target of report.targets) {
    for (const phase of PHASES) {
      const result = target.phases[phase];
      if (!result) {
        if (target.skipped[phase])
          detailRows.push([
            `${target.label} #${target.round}`,
            `${PHASE_LABELS[phase]}: not supported`,
            ...Array(10).fill("n/a"),
          ]);
        continue;
      }
      detailRows.push([
        `${target.label} #${target.round}`,
        `${PHASE_LABELS[phase]}${result.valid ? "" : " (INVALID)"}`,
        String(result.operations),
        result.perSecond.toFixed(1),
        String(result.latencyMs.p50 ?? "—"),
        String(result.latencyMs.p99 ?? "—"),
        result.requestsPerOperation.toFixed(2),
        result.cpu.serverMsPerOperation?.toFixed(3) ?? "–",
        result.cpu.databaseMsPerOperation?.toFixed(3) ?? "–",
        result.database?.statementsPerOperation.toFixed(2) ?? "–",
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
      "db stmts/op",
      "CPU % server / db / bench / rest",
      "failed",
    ],
    detailRows,
    new Set([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
  );
  const servers = table(
    ["Target", "Software", "Storage", "Access token", "ID token", "Peak RSS (VmHWM)"],
    report.targets.map((t) => [
      `${t.label} #${t.round}`,
      t.software,
      databaseCell(t.database),
      t.tokens?.accessToken ?? "—",
      t.tokens?.idToken ?? "—",
      mib(t.peakRssBytes),
    ]),
    new Set([5]),
  );
  const m = report.machine;
  const s = report.settings;
  return [
    ...reportHead(
      "OAuth flows benchmark: our server next to oidc-provider",
      m,
      `undici ${m.undici}, autocannon ${m.autocannon}`,
      `connections per phase ${Object.entries(s.connections)
        .map(([phase, n]) => `${phase} ${n}`)
        .join(", ")} (undici workers with a cookie jar each, or autocannon connections); ` +
        `${s.warmupSeconds} s warm-up + ${s.durationSeconds} s measured per phase; ${s.repeat} round(s), ` +
        `PostgreSQL in ${Math.min(s.postgresRepeat, s.repeat)}; code exchanges in batches of ${s.exchangeBatch}; ` +
        `both servers run on this Node (${m.node}, ${process.execPath}) as child processes, the load generator ` +
        `in the parent; ${report.pinning.description}`,
    ),
    issueTableMarkdown(
      report.issueTable,
      m.oidcProvider,
      report.pinning.serverCpu ? "pinned: server CPU 0, bench CPU 1" : "not pinned",
    ),
    "",
    ...[instancesLine(report.targets, report.pinning.serverCpu !== undefined)]
      .filter((line) => line !== undefined)
      .flatMap((line) => [line, ""]),
    loginLine(report),
    "",
    "All figures:",
    "",
    main,
    "",
    ...NOTES.map((note) => `- ${note}`),
    ...new Set(
      report.targets.flatMap((t) =>
        Object.entries(t.skipped).map(
          ([phase, why]) => `- ${t.label}, ${PHASE_LABELS[phase as Phase]}: ${why}.`,
        ),
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
export const NOISY_REST_PERCENT = 50;

export function noisyPhases(targets: TargetResult[]): string[] {
  return targets.flatMap((t) =>
    Object.values(t.phases)
      .filter((p) => p.cpu.restOfMachinePercentOfCore > NOISY_REST_PERCENT)
      .map((p) => `${t.label} #${t.round} ${p.phase} (${p.cpu.restOfMachinePercentOfCore} %)`),
  );
}

export interface Report {
  benchmark: "oauth-flows";
  generatedAt: string;
  machine: Machine & { undici: string; autocannon: string; oidcProvider: string };
  settings: typeof SETTINGS;
  pinning: Pinning;
  targets: TargetResult[];
  comparisons: Comparison[];
  /** The issue's table, as printed first. */
  issueTable: IssueTableRow[];
  /** The issue's goals as judged by this run, for bench/goals.ts. */
  goals: GoalRow[];
  /** Phases during which other work used the machine (rest of the machine > NOISY_REST_PERCENT). */
  noisyPhases: string[];
  valid: boolean;
}

// ---------------------------------------------------------------------------------------------
