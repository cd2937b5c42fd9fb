// The engine bench's report: the Markdown tables (per size and phase, flatness, state), noisy
// operations and the Pulumi CLI version.
import { join } from "node:path";
import { PULUMI_BIN, run as runCommand } from "../../scripts/pulumi/cli";
import { REPO, table } from "../lib/common";
import { type GoalRow, metOver } from "../lib/goals";
import { type Machine, reportHead } from "../lib/report";
import type { FlatnessSummary, PhaseSample, PhaseSummary } from "./figures";
import type { PackedInstall } from "./packed-install";
import { FLATNESS_FROM, FLATNESS_GOAL, FLATNESS_TO, GOAL, PHASES, type Phase, type Side } from "./settings";
import type { StateFigures } from "./state";

/** An operation during which the rest of the machine was busier than this (% of one core) is flagged. */
export const NOISY_REST_PERCENT = 50;

export function noisyOperations(samples: PhaseSample[]): string[] {
  return samples
    .filter((x) => (x.restCpuSeconds / x.seconds) * 100 > NOISY_REST_PERCENT)
    .map(
      (x) =>
        `size ${x.size} round ${x.round} ${x.side} ${x.phase} (${Math.round((x.restCpuSeconds / x.seconds) * 100)} %)`,
    );
}

export interface Report {
  benchmark: "pulumi-engine";
  generatedAt: string;
  machine: Machine & { pulumiCli: string; pulumiSdk: string; sqlite: string };
  settings: {
    sizes: number[];
    rounds: Record<string, number>;
    parallel: string;
    goal: number;
    flatnessGoal: number;
    server: string;
    sides: Record<Side, { label: string; program: string }>;
    operations: Record<Phase, string>;
  };
  /** The packed install: the tarball, what npm installed, how long it took. */
  packed?: Omit<PackedInstall, "dir" | "program" | "stackDir">;
  phases: PhaseSummary[];
  flatness: FlatnessSummary[];
  state: StateFigures[];
  samples: PhaseSample[];
  /** Operations during which other work used more than NOISY_REST_PERCENT % of a core. */
  noisyOperations: string[];
  /** The whole run's wall time, s. */
  wallSeconds: number;
  /** The issue's goals as judged by this run, for bench/goals.ts. */
  goals: GoalRow[];
  valid: boolean;
  error?: string;
}

const s2 = (value: number) => value.toFixed(2);
const x3 = (value: number) => `${value.toFixed(3)}×`;

function phaseTable(report: Report): string {
  return table(
    [
      "Size",
      "Phase",
      "no-op s",
      "linked s",
      "packed s",
      "linked × no-op",
      "packed × no-op (paired)",
      `goal ≤ ${GOAL}× (packed)`,
      "ms / resource: no-op · linked · packed",
      "server CPU s (linked / packed)",
      "Pulumi CPU s (no-op / linked / packed)",
    ],
    report.phases.map((p) => [
      String(p.size),
      p.phase,
      s2(p.seconds.noop),
      s2(p.seconds.linked),
      s2(p.seconds.packed),
      x3(p.ratio.linked),
      `${x3(p.ratio.packed)} (${x3(p.pairedRatio.packed)})`,
      p.goalMet === undefined ? "–" : p.goalMet ? "met" : "NOT met",
      `${p.msPerResource.noop.toFixed(1)} · ${p.msPerResource.linked.toFixed(1)} · ${p.msPerResource.packed.toFixed(1)}`,
      `${s2(p.serverCpuSeconds.linked)} / ${s2(p.serverCpuSeconds.packed)}`,
      `${s2(p.pulumiCpuSeconds.noop)} / ${s2(p.pulumiCpuSeconds.linked)} / ${s2(p.pulumiCpuSeconds.packed)}`,
    ]),
    new Set([0, 2, 3, 4, 5, 6, 8, 9, 10]),
  );
}

function flatnessTable(report: Report): string {
  return table(
    ["Phase", "no-op", "linked", "packed", `goal ≤ ${FLATNESS_GOAL}× (packed)`],
    report.flatness.map((f) => [
      f.phase,
      x3(f.ratio.noop),
      x3(f.ratio.linked),
      x3(f.ratio.packed),
      f.goalMet ? "met" : "NOT met",
    ]),
    new Set([1, 2, 3]),
  );
}

function stateTable(report: Report): string {
  return table(
    [
      "Size",
      "Stack",
      "state bytes / resource",
      "__provider bytes / resource",
      "checkpoint file KiB",
      "provider by reference",
    ],
    report.state.map((x) => [
      String(x.size),
      x.side,
      String(x.bytesPerResource),
      String(x.providerBytesPerResource),
      (x.checkpointBytes / 1024).toFixed(0),
      x.byReference ? "yes" : "no",
    ]),
    new Set([0, 2, 3, 4]),
  );
}

export function markdown(report: Report): string {
  const rounds = table(
    ["Size", "Round", "Stack", "Phase", "wall s", "server CPU s", "Pulumi CPU s", "rest CPU s"],
    report.samples.map((x) => [
      String(x.size),
      String(x.round),
      x.side,
      x.phase,
      s2(x.seconds),
      x.serverCpuSeconds === undefined ? "–" : s2(x.serverCpuSeconds),
      s2(x.pulumiCpuSeconds),
      s2(x.restCpuSeconds),
    ]),
    new Set([0, 1, 4, 5, 6, 7]),
  );
  const m = report.machine;
  const st = report.settings;
  const packed = report.packed;
  return [
    ...reportHead(
      "Pulumi engine benchmark",
      m,
      `Pulumi CLI ${m.pulumiCli}, @pulumi/pulumi ${m.pulumiSdk}, SQLite ${m.sqlite}`,
      `sizes ${st.sizes.join(", ")} resources per stack; rounds per size ${Object.entries(st.rounds)
        .map(([size, n]) => `${size}: ${n}`)
        .join(", ")} (the three stacks of a round run one after the other, in an order that rotates ` +
        `from round to round); --parallel ${st.parallel}; ${st.server}; the whole run took ` +
        `${(report.wallSeconds / 60).toFixed(1)} min`,
    ),
    phaseTable(report),
    "",
    "Medians over the rounds of each operation's wall time. no-op: resources of a dynamic provider that " +
      "does no I/O (the engine's own cost); linked: AuthorizationCodeGrant of this provider, the SDK " +
      "resolved through the repository's link; packed: the same program with the SDK installed from its " +
      "`npm pack` tarball. × no-op: the integrations' median ÷ the no-op median, same run, same size " +
      "(judged against the goal for up, refresh and destroy); paired: the median of each round's own " +
      "ratio. total: a round's phases added up. server CPU: the server process during the operation; " +
      "Pulumi CPU: the processes the operation ran (runner, CLI, plugins; sampled every 100 ms).",
    "",
    `Operations, in the order a round runs them: ${PHASES.map((p) => `${p} = ${st.operations[p]}`).join("; ")}.`,
    "",
    ...(report.flatness.length
      ? [
          `### Cost as the work grows: ms per resource at ${FLATNESS_TO} ÷ at ${FLATNESS_FROM}`,
          "",
          flatnessTable(report),
          "",
        ]
      : []),
    "### State per resource (after up, `pulumi stack export`)",
    "",
    stateTable(report),
    "",
    ...(packed
      ? [
          `Packed install: ${packed.tarball.file} (${(packed.tarball.bytes / 1024).toFixed(0)} KiB, ` +
            `${packed.tarball.files} files); npm installed ${Object.entries(packed.versions)
              .map(([name, version]) => `${name} ${version}`)
              .join(", ")} in ${packed.seconds.toFixed(0)} s.`,
          "",
        ]
      : []),
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

const times = (value: number) => `${value.toFixed(2)}×`;

/** Up, refresh and destroy of the packed install within GOAL× no-op at each size; the time per resource flat from FLATNESS_FROM to FLATNESS_TO. */
export function goals(phases: readonly PhaseSummary[], flat: readonly FlatnessSummary[]): GoalRow[] {
  const judged: GoalRow[] = phases
    .filter((p) => p.goalMet !== undefined)
    .map((p) => ({
      measure: `pulumi ${p.phase} of ${p.size} integrations (SDK installed from npm pack)`,
      figure: `${times(p.ratio.packed)} no-op (paired ${times(p.pairedRatio.packed)}; linked ${times(p.ratio.linked)})`,
      goal: `≤ ${GOAL}× no-op`,
      met: metOver([p.goalMet!]),
    }));
  const flatness: GoalRow[] = flat
    .filter((f) => f.phase !== "total")
    .map((f) => ({
      measure: `pulumi ${f.phase}: time per integration at ${f.to} ÷ at ${f.from} (packed)`,
      figure: `${times(f.ratio.packed)} (no-op ${times(f.ratio.noop)})`,
      goal: `≤ ${FLATNESS_GOAL}×`,
      met: metOver([f.goalMet]),
    }));
  return [...judged, ...flatness];
}
