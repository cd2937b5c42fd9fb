// The management API bench's report: the Markdown tables and ratios.
import { mib, table } from "../lib/common";
import { databaseCell } from "../lib/database-target";
import { type GoalRow, metOver } from "../lib/goals";
import { type Machine, reportHead } from "../lib/report";
import { type SETTINGS, type ServerKey, type TargetKey, WITHOUT_FSYNC, type Workload } from "./settings";
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

/** Creates on one database with and without fsync per commit, the server unchanged. */
export interface FsyncFigure {
  database: "sqlite" | "postgres";
  withFsync: number;
  withoutFsync: number;
  /** withFsync ÷ withoutFsync. */
  ratio: number;
  /** The share of a create's time that waiting for fsync takes: 1 − ratio. */
  fsyncShare: number;
  p50Ms: { withFsync: number; withoutFsync: number };
}

export function fsyncFigures(targets: TargetResult[]): FsyncFigure[] {
  const out: FsyncFigure[] = [];
  for (const [key, database] of Object.entries(WITHOUT_FSYNC) as [ServerKey, "sqlite" | "postgres"][]) {
    const synced = targets.find((t) => t.key === database)?.runs.create;
    const unsynced = targets.find((t) => t.key === key)?.runs.create;
    if (!synced?.valid || !unsynced?.valid || unsynced.requestsPerSecond === 0) continue;
    const ratio = synced.requestsPerSecond / unsynced.requestsPerSecond;
    out.push({
      database,
      withFsync: synced.requestsPerSecond,
      withoutFsync: unsynced.requestsPerSecond,
      ratio: Number(ratio.toFixed(3)),
      fsyncShare: Number((1 - ratio).toFixed(3)),
      p50Ms: { withFsync: synced.latencyMs.p50, withoutFsync: unsynced.latencyMs.p50 },
    });
  }
  return out;
}

function fsyncTable(figures: readonly FsyncFigure[]): string[] {
  if (!figures.length) return [];
  return [
    table(
      [
        "Creates",
        "req/s, fsync per commit",
        "req/s, no fsync",
        "with ÷ without",
        "fsync's share of a create",
        "p50 ms with / without",
      ],
      figures.map((f) => [
        f.database === "sqlite"
          ? "SQLite (WAL, synchronous=FULL; tmpfs)"
          : "PostgreSQL (fsync=on; fsync=off, synchronous_commit=off)",
        f.withFsync.toFixed(0),
        f.withoutFsync.toFixed(0),
        f.ratio.toFixed(2),
        `${Math.round(f.fsyncShare * 100)} %`,
        `${f.p50Ms.withFsync} / ${f.p50Ms.withoutFsync}`,
      ]),
      new Set([1, 2, 3, 4, 5]),
    ),
    "",
    "Creates with and without fsync per commit: the same server, build and settings (its durability is " +
      "unchanged: every acknowledged create is committed with the server's own pragmas), on a database " +
      "whose commits wait for no disk: the SQLite file on a tmpfs (fsync returns at once there) or a " +
      "PostgreSQL cluster started with fsync=off and synchronous_commit=off. fsync's share of a create: " +
      "1 − with ÷ without, the part of a create's time (at this concurrency) spent waiting for the disk.",
    "",
  ];
}

/** The goals for GET one: ≥ 0.5× the bare route on SQLite, ≥ 0.3× on PostgreSQL. */
const GET_ONE_GOALS: Partial<Record<TargetKey, number>> = { sqlite: 0.5, postgres: 0.3 };

/**
 * The goals as this run judged them: GET one against the bare route, and creates reported
 * with and without fsync per commit (one row per database, met when both were measured).
 */
export function goals(measured: readonly Ratio[], fsync: readonly FsyncFigure[]): GoalRow[] {
  const getOne = Object.entries(GET_ONE_GOALS).map(([target, goal]) => {
    const ratio = measured.find((r) => r.target === target && r.workload === "get");
    return {
      measure: `management API GET one, ${TARGET_LABELS[target as TargetKey]}`,
      figure: ratio ? `${ratio.ratio.toFixed(2)}× the bare route (${ratio.of})` : "not measured",
      goal: `≥ ${goal}×`,
      met: ratio ? metOver([ratio.ratio >= goal!]) : "n/a",
    };
  });
  const creates = (["sqlite", "postgres"] as const).map((database): GoalRow => {
    const figure = fsync.find((f) => f.database === database);
    return {
      measure: `management API creates with and without fsync per commit, ${TARGET_LABELS[database]}`,
      figure: figure
        ? `${figure.withFsync.toFixed(0)} vs ${figure.withoutFsync.toFixed(0)} req/s (${figure.ratio.toFixed(2)}×; fsync ${Math.round(figure.fsyncShare * 100)} % of a create)`
        : "not measured",
      goal: "reported; durability unchanged",
      met: figure ? "yes" : "n/a",
    };
  });
  return [...getOne, ...creates];
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
      const label = workload === "get" ? "GET one" : "create";
      rows.push([
        target.label,
        `${label}${run.valid ? "" : " (INVALID)"}`,
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
    ...fsyncTable(report.fsync),
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
  /** Creates with and without fsync per commit, per database. */
  fsync: FsyncFigure[];
  /** The goals as judged by this run, for bench/goals.ts. */
  goals: GoalRow[];
  valid: boolean;
}
