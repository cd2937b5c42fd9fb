// The provider bench's figures: samples and their summaries.
import type { ResourceClassName } from "../../provider/src/dynamic";
import { round } from "../lib/common";
import { quantile } from "../lib/http";
import type { cpuPercentOfCore } from "../lib/procfs";

export interface Stats {
  operations: number;
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

export function stats(values: number[], scale = 1): Stats {
  const scaled = values.map((v) => v * scale);
  const digits = scale === 1 ? 3 : 1;
  return {
    operations: scaled.length,
    mean: round(scaled.reduce((a, b) => a + b, 0) / Math.max(1, scaled.length), digits),
    p50: round(quantile(scaled, 0.5) ?? 0, digits),
    p99: round(quantile(scaled, 0.99) ?? 0, digits),
    max: round(Math.max(0, ...scaled), digits),
  };
}

export interface Comparison {
  /** Wall time per provider operation, ms. */
  providerMs: Stats;
  /** Wall time per bare HTTP request, ms. */
  bareMs: Stats;
  /** provider ÷ bare. */
  ratioMean: number;
  ratioP50: number;
}

export function compare(providerMs: number[], bareMs: number[]): Comparison {
  const p = stats(providerMs);
  const b = stats(bareMs);
  return {
    providerMs: p,
    bareMs: b,
    ratioMean: b.mean > 0 ? round(p.mean / b.mean, 3) : 0,
    ratioP50: b.p50 > 0 ? round(p.p50 / b.p50, 3) : 0,
  };
}

export interface KindResult {
  kind: ResourceClassName;
  path: string;
  create?: Comparison;
  read?: Comparison & { goal: number; goalMet: boolean };
  /** provider.diffInputs of unchanged inputs against the create's outputs, µs. */
  diffUs?: Stats & { reportedChanges: number };
  /** provider.checkInputs, µs. */
  checkUs?: Stats;
  /** CPU during the measured operations, % of one core. */
  cpu?: ReturnType<typeof cpuPercentOfCore>;
  error?: string;
}
