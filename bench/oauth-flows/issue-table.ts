// The table of issue 13, row for row: oidc-provider's figure, ours on SQLite, the ratio and the
// goal; then the PostgreSQL row. Each figure is the range over the rounds (BENCH_REPEAT), each
// ratio the range of the rounds' own ratios (ours ÷ oidc-provider's run of the same round).
import { table } from "../lib/common";
import { type GoalRow, metOver } from "../lib/goals";
import { type Comparison, METRICS, type Metric, rangeText } from "./report-metrics";
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

/** The figures of the PostgreSQL row, in its order. */
const POSTGRES_METRICS = ["flows-per-second", "refresh-per-second", "introspections-per-second"];

/** What the JSON keeps of each row (bench/results/oauth-flows.json, `issueTable`). */
export interface IssueTableRow {
  id: string;
  measure: string;
  target: "sqlite" | "postgres";
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
  key: "sqlite" | "postgres",
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
  if (targets.some((t) => t.key === "postgres")) {
    const columns = POSTGRES_METRICS.map((id) => cells(id, targets, comparisons, "postgres"));
    const joined = (i: number) => columns.map((c) => c[i]).join(" · ");
    const rounds = targets.filter((t) => t.key === "postgres").length;
    rows.push({
      id: "postgres",
      measure: `on PostgreSQL (${rounds} repetition(s)): flows/s · refresh/s · introspections/s`,
      target: "postgres",
      goal: "≥ 1× each",
      oidcProvider: joined(0),
      ours: joined(1),
      ratio: joined(2),
    });
  }
  return rows;
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
export function issueGoals(rows: readonly IssueTableRow[], comparisons: readonly Comparison[]): GoalRow[] {
  const judged = (target: "sqlite" | "postgres", id: string) =>
    comparisons.filter((c) => c.target === target && c.metric === id);
  const goals: GoalRow[] = rows
    .filter((row) => row.target === "sqlite")
    .map((row) => ({
      measure: `${row.measure}, SQLite`,
      figure: `${row.ratio} oidc-provider (${row.ours} vs ${row.oidcProvider})`,
      goal: row.goal,
      met: metOver(judged("sqlite", row.id).flatMap((c) => (c.met === undefined ? [] : [c.met]))),
    }));
  if (rows.some((row) => row.target === "postgres")) {
    for (const id of POSTGRES_METRICS) {
      const ratios = judged("postgres", id).map((c) => c.ratio);
      goals.push({
        measure: `${metricOf(id).label}, PostgreSQL`,
        figure: `${rangeText(ratios, twoDigits, "×") ?? "—"} oidc-provider (in memory)`,
        goal: "≥ 1×",
        met: metOver(ratios.map((ratio) => ratio >= 1)),
      });
    }
  }
  return goals;
}
