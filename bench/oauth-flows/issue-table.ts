// The table of issue 13, row for row: oidc-provider's figure, ours on SQLite, the ratio and the
// goal; then the PostgreSQL row. Each figure is the range over the rounds (BENCH_REPEAT), each
// ratio the range of the rounds' own ratios (ours ÷ oidc-provider's run of the same round).
import { table } from "../lib/common";
import { type GoalRow, metOver } from "../lib/goals";
import { type Comparison, METRICS, type Metric, rangeText } from "./report-metrics";
import type { PostgresKey } from "./settings";
import type { TargetResult } from "./targets";

/** A row of the issue's table: the metric it shows and the issue's goal for the ratio. */
interface IssueRow {
  metric: string;
  measure: string;
  goal: string;
}

const ROWS: IssueRow[] = [
  {
    metric: "flows-per-second",
    measure: "authorization-code + PKCE flows/s, login session established, {flow} concurrent",
    goal: "≥ 2×",
  },
  { metric: "server-cpu-per-flow", measure: "server CPU per flow", goal: "≤ 0.5×" },
  {
    metric: "refresh-per-second",
    measure:
      "refresh grants/s ({refresh} connections; ours rotates on every use, oidc-provider as its default does not)",
    goal: "≥ 2×",
  },
  { metric: "server-cpu-per-refresh", measure: "server CPU per refresh grant", goal: "≤ 0.5×" },
  { metric: "introspections-per-second", measure: "introspections/s (refresh token)", goal: "≥ 1.5×" },
  { metric: "jwks-per-second", measure: "JWKS requests/s", goal: "≥ 1× (keep)" },
  { metric: "peak-rss", measure: "peak RSS", goal: "< 1× (keep)" },
];

/** The figures of the PostgreSQL rows, in their order. */
const POSTGRES_METRICS = ["flows-per-second", "refresh-per-second", "introspections-per-second"];
/** The phases of the round-trips row (statements per operation), in its order. */
const STATEMENT_PHASES = ["flow", "exchange", "refresh", "introspect"] as const;

/** What the JSON keeps of each row (bench/results/oauth-flows.json, `issueTable`). */
export interface IssueTableRow {
  id: string;
  measure: string;
  target: "sqlite" | PostgresKey;
  goal: string;
  /** The ranges over the rounds, as printed. */
  oidcProvider: string;
  ours: string;
  ratio: string;
}

const thousands = (value: number) => Math.round(value).toLocaleString("en-US");
const twoDigits = (value: number) => value.toFixed(2);
/** How a row's figures are written, and their unit; rates are whole numbers with thousands separators. */
const FORMATS: Record<string, [(value: number) => string, string]> = {
  "server-cpu-per-flow": [twoDigits, " ms"],
  "server-cpu-per-refresh": [twoDigits, " ms"],
  "peak-rss": [thousands, " MiB"],
};

function metricOf(id: string): Metric {
  const metric = METRICS.find((m) => m.id === id);
  if (!metric) throw new Error(`no metric ${id}`);
  return metric;
}

/** One figure's three cells for target: oidc-provider's range, ours, the range of the ratios. */
function cells(
  id: string,
  targets: readonly TargetResult[],
  comparisons: readonly Comparison[],
  key: "sqlite" | PostgresKey,
): [string, string, string] {
  const metric = metricOf(id);
  const [format, unit] = FORMATS[id] ?? [thousands, ""];
  const ours = targets.filter((t) => t.key === key);
  // oidc-provider's runs of the rounds ours ran in (PostgreSQL runs in the first rounds only).
  const rounds = new Set(ours.map((t) => t.round));
  const base = targets.filter((t) => t.key === "oidc-provider" && rounds.has(t.round));
  const ratios = comparisons.filter((c) => c.target === key && c.metric === id).map((c) => c.ratio);
  return [
    rangeText(base.map(metric.value), format, unit) ?? "—",
    rangeText(ours.map(metric.value), format, unit) ?? "—",
    rangeText(ratios, twoDigits, "×") ?? "—",
  ];
}

/** The rows, for the JSON and for the Markdown table. */
export function issueTableRows(
  targets: readonly TargetResult[],
  comparisons: readonly Comparison[],
  connections: Record<string, number>,
): IssueTableRow[] {
  const rows: IssueTableRow[] = ROWS.map((row) => {
    const [oidcProvider, ours, ratio] = cells(row.metric, targets, comparisons, "sqlite");
    const measure = row.measure.replace(/\{(\w+)\}/g, (_, phase: string) => String(connections[phase]));
    return { id: row.metric, measure, target: "sqlite", goal: row.goal, oidcProvider, ours, ratio };
  });
  for (const [key, what] of [
    ["postgres", "on PostgreSQL"],
    ["postgres-2", "on PostgreSQL, two server instances splitting the load"],
  ] as const) {
    if (!targets.some((t) => t.key === key)) continue;
    const columns = POSTGRES_METRICS.map((id) => cells(id, targets, comparisons, key));
    const joined = (i: number) => columns.map((c) => c[i]).join(" · ");
    const rounds = targets.filter((t) => t.key === key).length;
    rows.push({
      id: key,
      measure: `${what} (${rounds} repetition(s)): flows/s · refresh/s · introspections/s`,
      target: key,
      goal: "≥ 1× each",
      oidcProvider: joined(0),
      ours: joined(1),
      ratio: joined(2),
    });
  }
  const postgres = targets.filter((t) => t.key === "postgres");
  if (postgres.length) {
    const measured = postgres.every((t) => t.statementCounts === "measured");
    const perOperation = STATEMENT_PHASES.map((phase) => {
      const values = postgres.map((t) => t.phases[phase]?.database?.statementsPerOperation);
      return rangeText(values, (v) => v.toFixed(1)) ?? "—";
    });
    rows.push({
      id: "postgres-round-trips",
      measure:
        "on PostgreSQL: database round trips (statements, pg_stat_statements) per flow · code exchange · refresh grant · introspection",
      target: "postgres",
      goal: "one per grant (aim)",
      oidcProvider: "— (in memory)",
      ours: measured ? perOperation.join(" · ") : "not measured",
      ratio: "",
    });
  }
  return rows;
}

/**
 * Two instances ÷ one on PostgreSQL, per figure of the PostgreSQL row and round: the line under
 * the issue's table; undefined without both targets.
 */
export function instancesLine(targets: readonly TargetResult[], pinned: boolean): string | undefined {
  const one = targets.filter((t) => t.key === "postgres");
  const two = targets.filter((t) => t.key === "postgres-2");
  if (!one.length || !two.length) return undefined;
  const parts = POSTGRES_METRICS.map((id) => {
    const metric = metricOf(id);
    const ratios = two.map((t) => {
      const base = one.find((o) => o.round === t.round);
      const a = metric.value(t);
      const b = base && metric.value(base);
      return a === undefined || b === undefined || b === 0 ? undefined : a / b;
    });
    return `${metric.label.split(" (")[0]} ${rangeText(ratios, twoDigits, "×") ?? "—"}`;
  });
  return (
    `Two server instances on one PostgreSQL ÷ one instance, same round: ${parts.join(", ")}. ` +
    "The machine has 2 cores, shared by both instances, PostgreSQL and the load generator: this shows " +
    "that the instances work together on one database, not how they would scale on machines of their own." +
    (pinned
      ? " Pinned: the one instance runs on CPU 0, the two on either core (BENCH_PIN=off compares them alike)."
      : "")
  );
}

/** The Markdown table; its first header cell says how the processes were pinned. */
export function issueTableMarkdown(
  rows: readonly IssueTableRow[],
  oidcProviderVersion: string,
  pinning: string,
) {
  return table(
    [`measure (${pinning})`, `oidc-provider ${oidcProviderVersion}`, "this server (SQLite)", "ratio", "goal"],
    rows.map((r) => [r.measure, r.oidcProvider, r.ours, r.ratio, r.goal]),
    new Set([1, 2, 3]),
  );
}

/** The issue's goals as this run judged them (bench/lib/goals.ts): the SQLite rows, then PostgreSQL's ≥ 1× each. */
export function issueGoals(
  rows: readonly IssueTableRow[],
  comparisons: readonly Comparison[],
  targets: readonly TargetResult[],
): GoalRow[] {
  const judged = (target: "sqlite" | PostgresKey, id: string) =>
    comparisons.filter((c) => c.target === target && c.metric === id);
  const goals: GoalRow[] = rows
    .filter((row) => row.target === "sqlite")
    .map((row) => ({
      measure: `${row.measure}, SQLite`,
      figure: `${row.ratio} oidc-provider (${row.ours} vs ${row.oidcProvider})`,
      goal: row.goal,
      met: metOver(judged("sqlite", row.id).flatMap((c) => (c.met === undefined ? [] : [c.met]))),
    }));
  for (const [key, where] of [
    ["postgres", "PostgreSQL"],
    ["postgres-2", "two server instances on PostgreSQL"],
  ] as const) {
    if (!rows.some((row) => row.id === key)) continue;
    for (const id of POSTGRES_METRICS) {
      const ratios = judged(key, id).map((c) => c.ratio);
      goals.push({
        measure: `${metricOf(id).label}, ${where}`,
        figure: `${rangeText(ratios, twoDigits, "×") ?? "—"} oidc-provider (in memory)`,
        goal: "≥ 1×",
        met: metOver(ratios.map((ratio) => ratio >= 1)),
      });
    }
  }
  // The aim of one round trip per grant: the code exchange and the refresh grant of each run.
  const roundTrips = rows.find((row) => row.id === "postgres-round-trips");
  if (roundTrips) {
    const perGrant = targets
      .filter((t) => t.key === "postgres" && t.statementCounts === "measured")
      .flatMap((t) => [t.phases.exchange?.database, t.phases.refresh?.database])
      .filter((d) => d !== undefined);
    goals.push({
      measure: "PostgreSQL round trips per grant (code exchange, refresh grant)",
      figure: `${roundTrips.ours} per flow · code exchange · refresh grant · introspection`,
      goal: "reported; one per grant (aim)",
      met: metOver(perGrant.map((d) => d.statementsPerOperation <= 1)),
    });
  }
  return goals;
}
