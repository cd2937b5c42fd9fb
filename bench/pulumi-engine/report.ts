// The engine bench's report: the Markdown tables, noisy operations and the Pulumi CLI version.
import { join } from "node:path";
import { PULUMI_BIN, run as runCommand } from "../../scripts/pulumi/cli";
import { REPO, table } from "../lib/common";
import { type Machine, reportHead } from "../lib/report";
import type { PhaseSample, PhaseSummary } from "./figures";
import { GOAL, type Phase, type Side } from "./settings";

/** An operation during which the rest of the machine was busier than this (% of one core) is flagged. */
export const NOISY_REST_PERCENT = 50;

export function noisyOperations(samples: PhaseSample[]): string[] {
  return samples
    .filter((x) => (x.restCpuSeconds / x.seconds) * 100 > NOISY_REST_PERCENT)
    .map(
      (x) => `round ${x.round} ${x.side} ${x.phase} (${Math.round((x.restCpuSeconds / x.seconds) * 100)} %)`,
    );
}

export interface Report {
  benchmark: "pulumi-engine";
  generatedAt: string;
  machine: Machine & { pulumiCli: string; pulumiSdk: string; sqlite: string };
  settings: {
    count: number;
    rounds: number;
    parallel: string;
    goal: number;
    server: string;
    programs: Record<Side, string>;
    operations: Record<Phase, string>;
  };
  phases: PhaseSummary[];
  total?: PhaseSummary;
  samples: PhaseSample[];
  /** Operations during which other work used more than NOISY_REST_PERCENT % of a core. */
  noisyOperations: string[];
  valid: boolean;
  error?: string;
}

export function markdown(report: Report): string {
  const s = (value: number) => value.toFixed(2);
  const main = table(
    [
      "Phase",
      "integrations s",
      "no-op s",
      "× no-op",
      "× no-op (paired)",
      `goal ≤ ${GOAL}×`,
      "extra ms / resource",
      "server CPU s",
      "Pulumi CPU s (int. / no-op)",
    ],
    [...report.phases, ...(report.total ? [report.total] : [])].map((p) => [
      p.phase,
      s(p.integrationsSeconds),
      s(p.noopSeconds),
      p.ratio.toFixed(3),
      p.pairedRatio.toFixed(3),
      p.goalMet ? "met" : "NOT met",
      p.extraMsPerResource.toFixed(1),
      s(p.integrationsServerCpuSeconds),
      `${s(p.integrationsPulumiCpuSeconds)} / ${s(p.noopPulumiCpuSeconds)}`,
    ]),
    new Set([1, 2, 3, 4, 6, 7, 8]),
  );
  const rounds = table(
    ["Round", "Stack", "Phase", "wall s", "server CPU s", "Pulumi CPU s", "rest CPU s"],
    report.samples.map((x) => [
      String(x.round),
      x.side,
      x.phase,
      s(x.seconds),
      x.serverCpuSeconds === undefined ? "–" : s(x.serverCpuSeconds),
      s(x.pulumiCpuSeconds),
      s(x.restCpuSeconds),
    ]),
    new Set([0, 3, 4, 5, 6]),
  );
  const m = report.machine;
  const st = report.settings;
  return [
    ...reportHead(
      "Pulumi engine benchmark",
      m,
      `Pulumi CLI ${m.pulumiCli}, @pulumi/pulumi ${m.pulumiSdk}, SQLite ${m.sqlite}`,
      `${st.count} resources per stack, ${st.rounds} rounds (the two stacks alternate, which goes ` +
        `first alternates too); --parallel ${st.parallel}; ${st.server}`,
    ),
    main,
    "",
    "Medians over the rounds of each operation's wall time. integrations: " +
      `${st.count} AuthorizationCodeGrant of this provider; no-op: ${st.count} resources of a dynamic provider ` +
      "that does no I/O (the engine's own cost). × no-op: integrations ÷ no-op of the medians, same run " +
      "(judged against the goal); paired: the median of each round's own ratio. total: the " +
      "three phases of a round added up (median of the rounds). extra ms / resource: (integrations − " +
      `no-op) ÷ ${st.count}. server CPU: the server process during the integrations' operation; Pulumi ` +
      "CPU: the processes the operation ran (runner, CLI, plugins; sampled every 100 ms).",
    "",
    `Operations: up = ${st.operations.up}; refresh = ${st.operations.refresh}; destroy = ${st.operations.destroy}.`,
    "",
    "### Every operation",
    "",
    rounds,
    "",
    "rest CPU: the machine's busy time minus the server's, this process's and the operation's " +
      "processes': other jobs and kernel work (loopback, fsync). A large figure means another job ran " +
      "during that operation: rerun before trusting the ratios.",
    "",
    ...(report.noisyOperations.length
      ? [
          `**Noisy**: other work used more than ${NOISY_REST_PERCENT} % of a core during ` +
            `${report.noisyOperations.join(", ")}.`,
          "",
        ]
      : []),
  ].join("\n");
}

export async function pulumiVersion(): Promise<string> {
  const result = await runCommand(join(PULUMI_BIN, "pulumi"), ["version"], {
    cwd: REPO,
    env: { PULUMI_SKIP_UPDATE_CHECK: "true" },
  });
  return result.code === 0 ? result.stdout.trim() : "unknown";
}
