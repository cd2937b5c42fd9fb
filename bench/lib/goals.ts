// The goals as each benchmark judges them: every report JSON carries `goals`, rows of this
// shape, and bench/goals.ts prints them all in one table at the end of `make bench`.

/** One goal: what is measured, the figure, the goal and whether it was met. */
export interface GoalRow {
  /** The measure, as the issue names it (e.g. "refresh grants/s, SQLite"). */
  measure: string;
  /** The figure judged, usually a ratio with what it is a ratio of (e.g. "1.2–1.4× oidc-provider"). */
  figure: string;
  /** The goal, as the issue writes it (e.g. "≥ 2×"). */
  goal: string;
  /** "yes" when met in every round, "NO" in none, "partly" in some, "n/a" when not measured. */
  met: Met;
}

export type Met = "yes" | "NO" | "partly" | "n/a";

/** Whether a goal was met in every round, in none or in some; "n/a" without a round. */
export function metOver(rounds: readonly boolean[]): Met {
  if (rounds.length === 0) return "n/a";
  return rounds.every(Boolean) ? "yes" : rounds.some(Boolean) ? "partly" : "NO";
}
