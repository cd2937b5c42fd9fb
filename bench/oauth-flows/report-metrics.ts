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
  {
    id: "server-cpu-per-flow",
    label: "Server CPU ms per flow",
    value: phaseValue("flow", (p) => p.cpu.serverMsPerOperation),
    format: fixed(2),
    better: "lower",
    goal: { text: "≤ 0.5×", met: (r) => r <= 0.5 },
  },
  shown(
    "database-cpu-per-flow",
    "  + PostgreSQL CPU ms per flow",
    "flow",
    (p) => p.cpu.databaseMsPerOperation,
    2,
  ),
  rate("exchanges-per-second", "Code exchanges/s", "exchange", 0),
  latencyPair("exchange"),
  rate("refresh-per-second", "Refresh grants/s (rotating)", "refresh", 0, atLeast(2)),
  latencyPair("refresh"),
  rate("introspections-per-second", "Introspections/s (refresh token)", "introspect", 0, atLeast(1.5)),
  latencyPair("introspect"),
  shown(
    "access-introspections-per-second",
    "Introspections/s (JWT access token)",
    "introspect-access",
    (p) => p.perSecond,
    0,
  ),
  rate("jwks-per-second", "JWKS requests/s", "jwks", 0, atLeast(1)),
  rate("logins-per-second", "Logins/s (fresh browser → consent page)", "login", 1),
  latencyPair("login"),
  shown("requests-per-login", "  HTTP requests per login", "login", (p) => p.requestsPerOperation, 0),
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
  metric: string;
  target: TargetKey;
  value: number;
  baseline: number;
  /** value ÷ oidc-provider's value. */
  ratio: number;
  goal?: string;
  met?: boolean;
}

export function comparisons(targets: TargetResult[]): Comparison[] {
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

export function cell(metric: Metric, target: TargetResult): string {
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
