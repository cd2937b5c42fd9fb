// The rows of the report's main table, and the ratios of our figures to oidc-provider's.
import { round } from "../lib/common";
import type { PhaseResult } from "./phases";
import { PHASES, type Phase, type TargetKey } from "./settings";
import type { TargetResult } from "./targets";

export type Better = "higher" | "lower";

export interface Metric {
  id: string;
  label: string;
  value: (t: TargetResult) => number | undefined;
  format: (value: number) => string;
  /** Which way is better, for the ratio column; none for figures shown without a ratio. */
  better?: Better;
  goal?: { text: string; met: (ratio: number) => boolean };
}

export const phaseValue =
  (phase: Phase, pick: (p: PhaseResult) => number | undefined) =>
  (t: TargetResult): number | undefined => {
    const result = t.phases[phase];
    return result?.valid ? pick(result) : undefined;
  };

export const fixed = (digits: number) => (value: number) => value.toFixed(digits);
export const latencyPair = (phase: Phase): Metric => ({
  id: `${phase}-latency`,
  label: `  p50 / p99 ms`,
  value: phaseValue(phase, (p) => p.latencyMs.p50),
  format: fixed(1),
});

/** A goal for a ratio: at least n times oidc-provider's figure. */
const atLeast = (n: number): NonNullable<Metric["goal"]> => ({ text: `≥ ${n}×`, met: (r) => r >= n });

/** A row shown for every target, without a ratio. */
const shown = (
  id: string,
  label: string,
  phase: Phase,
  pick: (p: PhaseResult) => number | undefined,
  digits: number,
): Metric => ({ id, label, value: phaseValue(phase, pick), format: fixed(digits) });

/** An operations-per-second row, compared with oidc-provider's (higher is better). */
const rate = (id: string, label: string, phase: Phase, digits: number, goal?: Metric["goal"]): Metric => ({
  id,
  label,
  value: phaseValue(phase, (p) => p.perSecond),
  format: fixed(digits),
  better: "higher",
  ...(goal ? { goal } : {}),
});

/** The server's CPU time per operation, compared with oidc-provider's (lower is better; goal ≤ 0.5×). */
const serverCpu = (id: string, label: string, phase: Phase, digits: number): Metric => ({
  id,
  label,
  value: phaseValue(phase, (p) => p.cpu.serverMsPerOperation),
  format: fixed(digits),
  better: "lower",
  goal: { text: "≤ 0.5×", met: (r) => r <= 0.5 },
});

/**
 * The statements (database round trips) the server sent to PostgreSQL per operation of a phase,
 * counted with pg_stat_statements (PostgreSQL targets only).
 */
export const STATEMENTS_SUFFIX = "-statements";
const statements = (phase: Phase, what: string): Metric =>
  shown(
    `${phase}${STATEMENTS_SUFFIX}`,
    `  PostgreSQL statements (round trips) per ${what}`,
    phase,
    (p) => p.database?.statementsPerOperation,
    2,
  );

export const METRICS: Metric[] = [
  rate(
    "flows-per-second",
    "Flows/s (authorize → consent → code → token, PKCE, logged in)",
    "flow",
    0,
    atLeast(2),
  ),
  latencyPair("flow"),
  shown("requests-per-flow", "  HTTP requests per flow", "flow", (p) => p.requestsPerOperation, 0),
  serverCpu("server-cpu-per-flow", "Server CPU ms per flow", "flow", 2),
  shown(
    "database-cpu-per-flow",
    "  + PostgreSQL CPU ms per flow",
    "flow",
    (p) => p.cpu.databaseMsPerOperation,
    2,
  ),
  statements("flow", "flow"),
  rate("exchanges-per-second", "Code exchanges/s", "exchange", 0),
  latencyPair("exchange"),
  statements("exchange", "code exchange"),
  rate("refresh-per-second", "Refresh grants/s (rotating)", "refresh", 0, atLeast(2)),
  latencyPair("refresh"),
  serverCpu("server-cpu-per-refresh", "Server CPU ms per refresh grant", "refresh", 3),
  statements("refresh", "refresh grant"),
  rate("introspections-per-second", "Introspections/s (refresh token)", "introspect", 0, atLeast(1.5)),
  latencyPair("introspect"),
  statements("introspect", "introspection"),
  shown(
    "access-introspections-per-second",
    "Introspections/s (JWT access token)",
    "introspect-access",
    (p) => p.perSecond,
    0,
  ),
  statements("introspect-access", "introspection (JWT)"),
  rate("jwks-per-second", "JWKS requests/s", "jwks", 0, atLeast(1)),
  statements("jwks", "JWKS request"),
  rate("logins-per-second", "Logins/s (fresh browser → consent page)", "login", 1),
  latencyPair("login"),
  shown("requests-per-login", "  HTTP requests per login", "login", (p) => p.requestsPerOperation, 0),
  statements("login", "login"),
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

export interface Comparison {
  /** The metric's id again, so that bench/compare-figures.ts names each comparison apart. */
  id: string;
  metric: string;
  target: TargetKey;
  /** The round of both figures: each round's ratio pairs two runs made close together. */
  round: number;
  value: number;
  baseline: number;
  /** value ÷ oidc-provider's value. */
  ratio: number;
  goal?: string;
  met?: boolean;
}

/** oidc-provider's run of the same round as target, else its first run. */
export function baselineOf(targets: TargetResult[], target: TargetResult): TargetResult | undefined {
  const runs = targets.filter((t) => t.key === "oidc-provider");
  return runs.find((t) => t.round === target.round) ?? runs[0];
}

/** Every run of ours against oidc-provider's run of the same round, metric by metric. */
export function comparisons(targets: TargetResult[]): Comparison[] {
  const out: Comparison[] = [];
  for (const target of targets) {
    if (target.key === "oidc-provider") continue;
    const baseline = baselineOf(targets, target);
    if (!baseline) continue;
    for (const metric of METRICS) {
      if (!metric.better) continue;
      const value = metric.value(target);
      const base = metric.value(baseline);
      if (value === undefined || base === undefined || base === 0) continue;
      const ratio = round(value / base, 3);
      out.push({
        id: metric.id,
        metric: metric.id,
        target: target.key,
        round: target.round,
        value: round(value, 3),
        baseline: round(base, 3),
        ratio,
        ...(metric.goal ? { goal: metric.goal.text, met: metric.goal.met(ratio) } : {}),
      });
    }
  }
  return out;
}

/**
 * The values' range as text: "min–max" and the unit once ("0.30–0.33 ms"), or one figure when both
 * read the same; undefined for none.
 */
export function rangeText(
  values: readonly (number | undefined)[],
  format: (value: number) => string,
  unit = "",
): string | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  if (known.length === 0) return undefined;
  const low = format(Math.min(...known));
  const high = format(Math.max(...known));
  return `${low === high ? low : `${low}–${high}`}${unit}`;
}

/** A metric's cell for the runs of one target (one per round): the range over the rounds. */
export function cell(metric: Metric, runs: readonly TargetResult[]): string {
  const skipped = (phase: Phase | undefined) =>
    phase !== undefined && runs.some((t) => t.skipped[phase]) ? "n/a" : "—";
  if (metric.id.endsWith("-latency")) {
    const phase = metric.id.slice(0, -"-latency".length) as Phase;
    const valid = runs.map((t) => t.phases[phase]).filter((p) => p?.valid);
    if (valid.length === 0) return skipped(phase);
    const p50 =
      rangeText(
        valid.map((p) => p?.latencyMs.p50),
        fixed(1),
      ) ?? "—";
    const p99 =
      rangeText(
        valid.map((p) => p?.latencyMs.p99),
        fixed(1),
      ) ?? "—";
    return `${p50} / ${p99}`;
  }
  // A PostgreSQL server whose statements could not be counted (BENCH_DATABASE_URL without
  // pg_stat_statements) says so; other targets have no statements to count.
  if (
    metric.id.endsWith(STATEMENTS_SUFFIX) &&
    runs.some((t) => t.statementCounts?.startsWith("not measured"))
  )
    return "not measured";
  return (
    rangeText(runs.map(metric.value), metric.format) ?? skipped(PHASES.find((p) => metric.id.startsWith(p)))
  );
}
