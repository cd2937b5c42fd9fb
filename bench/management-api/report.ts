// The management API bench's report: the Markdown tables and ratios.
import { mib, table } from "../lib/common";
import { databaseCell } from "../lib/database-target";
import { type GoalRow, metOver } from "../lib/goals";
import { type Machine, reportHead } from "../lib/report";
import type { SETTINGS, TargetKey, Workload } from "./settings";
import { TARGET_LABELS, type TargetResult, wanted } from "./targets";

export interface Ratio {
  target: TargetKey;
  workload: Workload;
  ratio: number;
  of: string;
}

export function ratios(targets: TargetResult[]): Ratio[] {
  const bare = targets.find((t) => t.key === "bare");
  const out: Ratio[] = [];
  for (const target of targets) {
    if (target.key === "bare") continue;
    for (const workload of ["get", "create"] as const) {
      const run = target.runs[workload];
      const base = bare?.runs[workload];
      if (!run || !base || !run.valid || !base.valid || base.requestsPerSecond === 0) continue;
      out.push({
        target: target.key,
        workload,
        ratio: Number((run.requestsPerSecond / base.requestsPerSecond).toFixed(3)),
        of: `${run.request} req/s ÷ bare ${base.request} req/s`,
      });
    }
  }
  return out;
}

/** The goals for GET one: ≥ 0.5× the bare route on SQLite, ≥ 0.3× on PostgreSQL. */
const GET_ONE_GOALS: Partial<Record<TargetKey, number>> = { sqlite: 0.5, postgres: 0.3 };

export function goals(measured: readonly Ratio[]): GoalRow[] {
  return Object.entries(GET_ONE_GOALS).map(([target, goal]) => {
    const ratio = measured.find((r) => r.target === target && r.workload === "get");
    return {
      measure: `management API GET one, ${TARGET_LABELS[target as TargetKey]}`,
      figure: ratio ? `${ratio.ratio.toFixed(2)}× the bare route (${ratio.of})` : "not measured",
      goal: `≥ ${goal}×`,
      met: ratio ? metOver([ratio.ratio >= goal!]) : "n/a",
    };
  });
}

export function markdown(report: Report): string {
  const ratioOf = new Map(report.ratios.map((r) => [`${r.target}/${r.workload}`, r.ratio]));
  const rows: string[][] = [];
  for (const target of report.targets) {
    for (const workload of ["get", "create"] as const) {
      const run = target.runs[workload];
      if (!run) {
        if (!target.error || !wanted(workload)) continue;
        rows.push([
          target.label,
          `${workload === "get" ? "GET one" : "create"} (did not run)`,
          ...Array(7).fill("—"),
        ]);
        continue;
      }
      const ratio =
        target.key === "bare" ? "1.00" : (ratioOf.get(`${target.key}/${workload}`)?.toFixed(2) ?? "n/a");
      rows.push([
        target.label,
        `${workload === "get" ? "GET one" : "create"}${run.valid ? "" : " (INVALID)"}`,
        run.requestsPerSecond.toFixed(0),
        String(run.latencyMs.p50),
        String(run.latencyMs.p99),
        ratio,
        String(run.requestsTotal),
        String(run.non2xx + run.errors + run.timeouts),
        [
          run.cpu.serverPercentOfCore,
          run.cpu.databasePercentOfCore,
          run.cpu.loadGeneratorPercentOfCore,
          run.cpu.restOfMachinePercentOfCore,
        ]
          .map((value) => (value === undefined ? "–" : String(value)))
          .join(" / "),
      ]);
    }
  }
  const main = table(
    [
      "Target",
      "Workload",
      "req/s",
      "p50 ms",
      "p99 ms",
      "× bare",
      "requests",
      "failed",
      "CPU % server / db / autocannon / rest",
    ],
    rows,
    new Set([2, 3, 4, 5, 6, 7, 8]),
  );
  const servers = table(
    ["Target", "Peak RSS (VmHWM)", "Database"],
    report.targets.map((t) => [t.label, mib(t.peakRssBytes), databaseCell(t.database)]),
    new Set([1]),
  );
  const m = report.machine;
  const s = report.settings;
  return [
    ...reportHead(
      "Management API benchmark",
      m,
      `fastify ${m.fastify}, autocannon ${m.autocannon}, pg ${m.pg}, SQLite ${m.sqlite}`,
      `${s.connections} connections, pipelining ${s.pipelining}, ${s.warmupSeconds} s warm-up + ` +
        `${s.durationSeconds} s measured per run; load generator in the parent process, each server a child process`,
    ),
    main,
    "",
    "× bare: this row's req/s ÷ the bare Fastify route's req/s for the same workload (GET one ÷ GET /bare, " +
      "create ÷ POST /bare). CPU: % of one core during the measured run (the machine has " +
      `${report.machine.nproc * 100} %): the server process, the PostgreSQL cluster started here (postmaster and backends), autocannon (the bench ` +
      "process), and the rest of the machine's busy time (kernel network work, other jobs). A large rest " +
      "means other work shared the machine: rerun before trusting the figures.",
    "",
    servers,
    "",
  ].join("\n");
}

export interface Report {
  benchmark: "management-api";
  generatedAt: string;
  machine: Machine & { fastify: string; autocannon: string; pg: string; sqlite: string };
  settings: typeof SETTINGS;
  targets: TargetResult[];
  ratios: Ratio[];
  /** The goals as judged by this run, for bench/goals.ts. */
  goals: GoalRow[];
  valid: boolean;
}
