// The server-at-scale bench's goals (bench/lib/goals.ts): each request full within GOAL_RATIO× of
// empty, and the database size per million tokens (reported).
import { type GoalRow, metOver } from "../lib/goals";
import { perMillion, type Slowdown } from "./report";
import type { TargetResult } from "./scenario";
import { GOAL_RATIO, WORKLOAD_LABELS } from "./settings";

/** Each request's slowdown against ≤ GOAL_RATIO× (met per round), then the size per million tokens (reported). */
export function goals(
  targets: readonly TargetResult[],
  measured: readonly Slowdown[],
  seeded: { integrations: number; tokens: number },
): GoalRow[] {
  const count = (n: number) => n.toLocaleString("en-US");
  const held = `${count(seeded.integrations)} integrations and ${count(seeded.tokens)} tokens`;
  const rows: GoalRow[] = measured.map((s) => {
    const label = targets.find((t) => t.key === s.target)?.label ?? s.target;
    const delete_ = s.workload === "delete";
    return {
      measure: `${WORKLOAD_LABELS[s.workload]} with ${held}, ${label}`,
      figure: delete_
        ? `p50 ${s.p50?.toFixed(2) ?? "–"}× empty`
        : `${s.throughput.toFixed(2)}× empty (rounds ${s.perRound.map((r) => r.toFixed(2)).join(", ")})`,
      goal: `≤ ${GOAL_RATIO}× empty`,
      met: delete_ ? metOver([s.met]) : metOver(s.perRound.map((r) => r <= GOAL_RATIO)),
    };
  });
  for (const t of targets) {
    const { empty, full } = t.sizes;
    if (!empty || !full) continue;
    rows.push({
      measure: `database size per million tokens, ${t.label}`,
      figure: `token table ${perMillion(full.tokenTableBytes - empty.tokenTableBytes, full.tokens - empty.tokens)}, whole database ${perMillion(full.databaseBytes - empty.databaseBytes, full.tokens - empty.tokens)}`,
      goal: "reported",
      met: "n/a",
    });
  }
  return rows;
}
