// The provider bench's report: the Markdown tables and the goal.
import { table } from "../lib/common";
import { type Machine, reportHead } from "../lib/report";
import type { Comparison, KindResult, Stats } from "./figures";
import { READ_GOAL, type SETTINGS } from "./settings";

export interface Report {
  benchmark: "provider-overhead";
  generatedAt: string;
  machine: Machine & { sqlite: string };
  settings: typeof SETTINGS & { readGoal: number; server: string };
  kinds: KindResult[];
  valid: boolean;
}

export function markdown(report: Report): string {
  const ms = (s: Stats) => [s.mean.toFixed(2), s.p50.toFixed(2), s.p99.toFixed(2)];
  const us = (s: Stats) => [s.mean.toFixed(1), s.p50.toFixed(1), s.p99.toFixed(1)];
  const ratio = (c: Comparison) => [c.ratioMean.toFixed(2), c.ratioP50.toFixed(2)];
  const row = (kind: string, operation: string, s: Stats, ratios: string[]) => [
    kind,
    operation,
    String(s.operations),
    ...ms(s),
    ...ratios,
  ];
  const rows: string[][] = [];
  for (const k of report.kinds) {
    if (k.error || !k.create || !k.read) {
      rows.push([k.kind, "(did not complete)", ...Array(6).fill("—")]);
      continue;
    }
    rows.push(row(k.kind, "create: provider.create", k.create.providerMs, ratio(k.create)));
    rows.push(row("", "create: bare POST", k.create.bareMs, ["1.00", "1.00"]));
    rows.push(row("", "read: provider.read", k.read.providerMs, ratio(k.read)));
    rows.push(row("", "read: bare GET", k.read.bareMs, ["1.00", "1.00"]));
  }
  const main = table(
    ["Kind", "Operation", "ops", "mean ms", "p50 ms", "p99 ms", "× bare (mean)", "× bare (p50)"],
    rows,
    new Set([2, 3, 4, 5, 6, 7]),
  );
  const done = report.kinds.filter((k) => !k.error && k.read && k.diffUs && k.checkUs);
  const local = table(
    [
      "Kind",
      "read × bare (p50)",
      `read goal < ${READ_GOAL}×`,
      "diff mean µs",
      "diff p50 µs",
      "diff p99 µs",
      "check mean µs",
      "check p50 µs",
      "check p99 µs",
      "CPU % server / bench / rest",
    ],
    done.map((k) => [
      k.kind,
      k.read!.ratioP50.toFixed(2),
      k.read!.goalMet ? "met" : "NOT met",
      ...us(k.diffUs!),
      ...us(k.checkUs!),
      k.cpu
        ? [k.cpu.serverPercentOfCore, k.cpu.loadGeneratorPercentOfCore, k.cpu.restOfMachinePercentOfCore]
            .map((v) => (v === undefined ? "–" : String(v)))
            .join(" / ")
        : "–",
    ]),
    new Set([1, 3, 4, 5, 6, 7, 8, 9]),
  );
  const m = report.machine;
  return [
    ...reportHead(
      "Provider overhead benchmark",
      m,
      `Node's HTTP client, SQLite ${m.sqlite}`,
      `${report.settings.operations} sequential operations per kind and operation, after ` +
        `${report.settings.warmupOperations} of warm-up; ${report.settings.server}; the provider and the bare ` +
        "client in this process, alternating",
    ),
    main,
    "",
    "Wall time per operation, one at a time. × bare: the provider's figure ÷ the bare HTTP request's " +
      "figure for the same kind, measured in the same run (create ÷ POST of the same JSON body to the same " +
      "collection, read ÷ GET of the same record).",
    "",
    local,
    "",
    `read goal: provider.read under ${READ_GOAL}× a bare GET of the same record (p50 ratio). diff: ` +
      "provider.diffInputs of unchanged inputs against the create's outputs; check: provider.checkInputs; " +
      "both without network. CPU: % of one core during the measured operations: the server, this process " +
      "(provider and bare client), and the rest of the machine (kernel network and fsync work, other jobs).",
    "",
  ].join("\n");
}
