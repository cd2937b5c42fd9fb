// Reads schemathesis's NDJSON event report: every request it sent and the status it got, per
// operation of the OpenAPI document (METHOD /path/{template}).
import { readFileSync } from "node:fs";

export interface OperationTally {
  /** Requests sent. */
  cases: number;
  /** Requests per response status ("no response" for a connection failure or timeout). */
  statuses: Map<string, number>;
}

interface RecordedCase {
  value?: { method?: string; path?: string };
}
interface Interaction {
  response?: { status_code?: number } | null;
}
interface ScenarioFinished {
  recorder?: { cases?: Record<string, RecordedCase>; interactions?: Record<string, Interaction> };
}

/** Operation → tally, over every phase (examples, coverage, fuzzing, stateful). */
export function tallyReport(ndjsonPath: string): Map<string, OperationTally> {
  const tallies = new Map<string, OperationTally>();
  for (const line of readFileSync(ndjsonPath, "utf8").split("\n")) {
    if (!line.startsWith('{"ScenarioFinished"')) continue;
    const { recorder } = (JSON.parse(line) as { ScenarioFinished: ScenarioFinished }).ScenarioFinished;
    for (const [id, interaction] of Object.entries(recorder?.interactions ?? {})) {
      const value = recorder?.cases?.[id]?.value;
      const operation = `${value?.method ?? "?"} ${value?.path ?? "?"}`;
      const tally = tallies.get(operation) ?? { cases: 0, statuses: new Map() };
      const status = String(interaction.response?.status_code ?? "no response");
      tally.cases += 1;
      tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
      tallies.set(operation, tally);
    }
  }
  return tallies;
}

const count = (tally: OperationTally | undefined, test: (status: string) => boolean) =>
  [...(tally?.statuses ?? [])].reduce((sum, [status, n]) => sum + (test(status) ? n : 0), 0);

export const is5xx = (status: string) => /^5\d\d$/.test(status);
export const is2xx = (status: string) => /^2\d\d$/.test(status);

/** What the fuzz tier requires of a run, as sentences; empty when it holds. */
export function findProblems(tallies: Map<string, OperationTally>, documented: string[]): string[] {
  const problems: string[] = [];
  for (const [operation, tally] of tallies) {
    const errors = count(tally, is5xx);
    if (errors > 0) problems.push(`${operation}: ${errors} responses with a 5xx status`);
    const lost = count(tally, (status) => status === "no response");
    if (lost > 0) problems.push(`${operation}: ${lost} requests got no response (crash, reset or timeout)`);
  }
  for (const operation of documented) {
    const tally = tallies.get(operation);
    if (!tally) problems.push(`${operation}: no case was run`);
    else if (/^(POST|PUT) /.test(operation) && count(tally, is2xx) === 0) {
      problems.push(`${operation}: no case got a 2xx answer, so only its refusals were tested`);
    }
  }
  return problems;
}

function formatStatuses(statuses: Map<string, number>): string {
  return [...statuses]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status}×${n}`)
    .join(" ");
}

/** A Markdown table of the documented operations, and one row for the methods they do not have. */
export function formatTable(tallies: Map<string, OperationTally>, documented: string[]): string {
  const rows = documented.map((operation) => {
    const tally = tallies.get(operation);
    return `| ${operation} | ${tally?.cases ?? 0} | ${formatStatuses(tally?.statuses ?? new Map())} |`;
  });
  const others: OperationTally = { cases: 0, statuses: new Map() };
  for (const [operation, tally] of tallies) {
    if (documented.includes(operation)) continue;
    others.cases += tally.cases;
    for (const [status, n] of tally.statuses)
      others.statuses.set(status, (others.statuses.get(status) ?? 0) + n);
  }
  rows.push(`| other methods on these paths | ${others.cases} | ${formatStatuses(others.statuses)} |`);
  return ["| operation | cases | statuses |", "| --- | ---: | --- |", ...rows].join("\n");
}
