// The engine bench's figures: one timed operation (wall clock and CPU per process group) and the medians per phase.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { onCleanup } from "../lib/cleanup";
import { round } from "../lib/common";
import { quantile } from "../lib/http";
import { startCpuWindow } from "../lib/procfs";
import type { ServerProcess } from "../lib/server-process";
import { GOAL, type Phase, SETTINGS, type Side } from "./settings";

export interface PhaseSample {
  round: number;
  side: Side;
  phase: Phase;
  /** Wall time of the whole operation, s. */
  seconds: number;
  /** CPU of the server process during the operation, s. */
  serverCpuSeconds?: number;
  /** CPU of the processes this bench started for the operation (runner, CLI, plugins), s. */
  pulumiCpuSeconds: number;
  /** Busy CPU of the whole machine minus the server's and ours, s (other jobs, kernel work). */
  restCpuSeconds: number;
}

export const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU used by the processes this bench starts for one operation (the runner, the CLI, its plugins
 * and what they start), the server apart. The plugins run in process groups of their own and may
 * outlive their parent shell, so the kernel's reaped-children count would miss them: instead, every
 * 100 ms, the live descendants of this process are looked up in /proc and the last CPU time seen of
 * each (pid, start time) is kept. Between operations this process has no child but the server, so
 * all of it is the operation's. A process that lives less than 100 ms may be missed, and the last
 * 100 ms of each is not counted.
 */
export class DescendantsCpu {
  private readonly seen = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly excludedPid: number) {
    this.sample();
    this.timer = setInterval(() => this.sample(), 100);
  }

  /** Stops sampling; the CPU seconds the descendants used since the start. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    let total = 0;
    for (const seconds of this.seen.values()) total += seconds;
    return total;
  }

  private sample(): void {
    const processes: { pid: number; ppid: number; key: string; seconds: number }[] = [];
    let names: string[] = [];
    try {
      names = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
    } catch {
      return;
    }
    for (const name of names) {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, "utf8");
        // After "pid (comm) ": state, ppid, ...; utime, stime are fields 14, 15; starttime is 22.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        processes.push({
          pid: Number(name),
          ppid: Number(fields[1]),
          key: `${name}:${fields[19]}`,
          seconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS,
        });
      } catch {
        // the process went away
      }
    }
    const children = new Map<number, typeof processes>();
    for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
    const stack = (children.get(process.pid) ?? []).filter((p) => p.pid !== this.excludedPid);
    while (stack.length > 0) {
      const p = stack.pop()!;
      this.seen.set(p.key, Math.max(this.seen.get(p.key) ?? 0, p.seconds));
      stack.push(...(children.get(p.pid) ?? []));
    }
  }
}

export async function timedPhase<T>(
  server: ServerProcess,
  sample: Pick<PhaseSample, "round" | "side" | "phase">,
  operation: () => Promise<T>,
): Promise<{ value: T; sample: PhaseSample }> {
  const window = startCpuWindow(server.pid);
  const descendants = new DescendantsCpu(server.pid);
  const began = performance.now();
  const running = operation();
  running.catch(() => descendants.stop());
  // On Ctrl-C the CLI cancels gracefully and stops its plugins: let it end before the server stops
  // (this clean-up step, registered last, runs first), or its plugins would outlive it.
  const settled = running.then(
    () => undefined,
    () => undefined,
  );
  const waitForIt = onCleanup("let the running Pulumi operation end", () =>
    Promise.race([settled, new Promise<void>((done) => setTimeout(done, 60_000).unref())]),
  );
  let value: T;
  try {
    value = await running;
  } finally {
    await waitForIt();
  }
  const seconds = (performance.now() - began) / 1000;
  const cpu = window();
  const pulumiCpuSeconds = descendants.stop();
  const machineSeconds = cpu.machineBusyFraction * os.availableParallelism() * cpu.wallSeconds;
  const rest = machineSeconds - (cpu.serverSeconds ?? 0) - cpu.loadGeneratorSeconds - pulumiCpuSeconds;
  return {
    value,
    sample: {
      ...sample,
      seconds: round(seconds, 3),
      ...(cpu.serverSeconds === undefined ? {} : { serverCpuSeconds: round(cpu.serverSeconds, 2) }),
      pulumiCpuSeconds: round(pulumiCpuSeconds, 2),
      restCpuSeconds: round(Math.max(0, rest), 2),
    },
  };
}

export interface PhaseSummary {
  phase: Phase | "total";
  /** Median wall time over the rounds, s. */
  integrationsSeconds: number;
  noopSeconds: number;
  /** integrations ÷ no-op of the medians: the headline figure, judged against the goal. */
  ratio: number;
  /** The median of each round's own ratio (the two stacks of a round run minutes apart at most). */
  pairedRatio: number;
  goal: number;
  goalMet: boolean;
  /** What the provider adds per resource: (integrations − no-op) ÷ count, ms. */
  extraMsPerResource: number;
  /** Medians of the CPU figures, s. */
  integrationsServerCpuSeconds: number;
  integrationsPulumiCpuSeconds: number;
  noopPulumiCpuSeconds: number;
}

export function median(values: number[]): number {
  return quantile(values, 0.5) ?? 0;
}

/** One figure of one side per round: a phase's, or the three phases added up ("total"). */
export function perRound(
  samples: PhaseSample[],
  phase: Phase | "total",
  side: Side,
  pick: (s: PhaseSample) => number,
) {
  const rounds = [...new Set(samples.map((s) => s.round))];
  return rounds.map((r) =>
    samples
      .filter((s) => s.side === side && s.round === r && (phase === "total" || s.phase === phase))
      .reduce((sum, s) => sum + pick(s), 0),
  );
}

export function summarize(samples: PhaseSample[], phase: Phase | "total"): PhaseSummary {
  const of = (side: Side, pick: (s: PhaseSample) => number) => median(perRound(samples, phase, side, pick));
  const integrations = of("integrations", (s) => s.seconds);
  const noop = of("noop", (s) => s.seconds);
  const ratio = noop > 0 ? round(integrations / noop, 3) : 0;
  const noopRounds = perRound(samples, phase, "noop", (s) => s.seconds);
  const pairs = perRound(samples, phase, "integrations", (s) => s.seconds).map((x, i) => x / noopRounds[i]!);
  return {
    phase,
    integrationsSeconds: round(integrations, 2),
    noopSeconds: round(noop, 2),
    ratio,
    pairedRatio: round(median(pairs), 3),
    goal: GOAL,
    goalMet: ratio > 0 && ratio <= GOAL,
    extraMsPerResource: round(((integrations - noop) * 1000) / SETTINGS.count, 1),
    integrationsServerCpuSeconds: round(
      of("integrations", (s) => s.serverCpuSeconds ?? 0),
      2,
    ),
    integrationsPulumiCpuSeconds: round(
      of("integrations", (s) => s.pulumiCpuSeconds),
      2,
    ),
    noopPulumiCpuSeconds: round(
      of("noop", (s) => s.pulumiCpuSeconds),
      2,
    ),
  };
}
