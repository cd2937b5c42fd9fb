// The figures of one benchmark's results JSON (bench/results/<name>.json), flattened to
// "sqlite / refresh / perSecond" → number, so two runs of the same benchmark (two commits) can be
// compared figure by figure without knowing each benchmark's layout. Array items are named by
// their identifying fields (a repeated bench's first round unnamed, so it lines up with an older
// bench that ran once); the settings, machine and warm-up parts are not figures.
import { readFileSync } from "node:fs";

export type Figures = Map<string, number>;

/** Fields that name an array item, in order of preference. */
const LABELS = ["key", "target", "workload", "phase", "id", "name", "side", "round"];
/** Parts of a result that describe the run rather than measure it. */
const NOT_FIGURES = new Set(["settings", "machine", "warmup", "durationSeconds", "warmupSeconds"]);
/** What a figure is called: throughput, CPU per operation, latency, memory, wall time. */
const FIGURE = /perSecond$|MsPerOperation$|^p50$|^p99$|peakRss|Seconds$|^seconds$|^ratio$/i;

function labelOf(item: unknown, index: number): string {
  if (item && typeof item === "object") {
    const labels = LABELS.map((field) =>
      // The first round goes unnamed, so a run with BENCH_REPEAT=1 lines up with a bench that had no rounds.
      field === "round" && (item as Record<string, unknown>)[field] === 1
        ? undefined
        : (item as Record<string, unknown>)[field],
    ).filter((value) => typeof value === "string" || typeof value === "number");
    if (labels.length > 0) return labels.join(" ");
  }
  return String(index);
}

function walk(value: unknown, path: string[], out: Figures): void {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) walk(item, [...path, labelOf(item, index)], out);
    return;
  }
  if (!value || typeof value !== "object") return;
  for (const [field, child] of Object.entries(value)) {
    if (NOT_FIGURES.has(field)) continue;
    if (typeof child === "number" && FIGURE.test(field)) out.set([...path, field].join(" / "), child);
    else walk(child, [...path, field], out);
  }
}

export function flattenFigures(results: unknown): Figures {
  const out: Figures = new Map();
  walk(results, [], out);
  return out;
}

export function figuresOf(file: string): Figures {
  return flattenFigures(JSON.parse(readFileSync(file, "utf8")));
}
