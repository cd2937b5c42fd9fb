// The engine bench's figures: one timed operation (wall clock and CPU per process group), the medians
// per size and phase, and the time per resource as the size grows.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { onCleanup } from "../lib/cleanup";
import { round } from "../lib/common";
import { quantile } from "../lib/http";
import { startCpuWindow } from "../lib/procfs";
import type { ServerProcess } from "../lib/server-process";
import {
  FLATNESS_FROM,
  FLATNESS_GOAL,
  FLATNESS_TO,
  GOAL,
  INTEGRATION_SIDES,
  JUDGED_PHASES,
  PHASES,
  type Phase,
  SIDES,
  type Side,
} from "./settings";

export interface PhaseSample {
  /** Resources in the stack. */
  size: number;
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
  sample: Pick<PhaseSample, "size" | "round" | "side" | "phase">,
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

type IntegrationSide = (typeof INTEGRATION_SIDES)[number];

export interface PhaseSummary {
  size: number;
  phase: Phase | "total";
  /** Median wall time over the rounds, s. */
  seconds: Record<Side, number>;
  /** The median ÷ the size, ms. */
  msPerResource: Record<Side, number>;
  /** This provider's median ÷ the no-op median: the headline figure, judged against the goal. */
  ratio: Record<IntegrationSide, number>;
  /** The median of each round's own ratio (the stacks of a round run minutes apart at most). */
  pairedRatio: Record<IntegrationSide, number>;
  /** The packed install within the goal (judged phases only). */
  goalMet?: boolean;
  /** Medians of the CPU figures, s. */
  serverCpuSeconds: Record<IntegrationSide, number>;
  pulumiCpuSeconds: Record<Side, number>;
}

export interface FlatnessSummary {
  phase: Phase | "total";
  from: number;
  to: number;
  /** ms per resource at `to` ÷ ms per resource at `from`, per side. */
  ratio: Record<Side, number>;
  /** The packed install within the goal. */
  goalMet: boolean;
}

export function median(values: number[]): number {
  return quantile(values, 0.5) ?? 0;
}

/** One figure of one side per round of one size: a phase's, or the phases added up ("total"). */
export function perRound(
  samples: PhaseSample[],
  size: number,
  phase: Phase | "total",
  side: Side,
  pick: (s: PhaseSample) => number,
) {
  const ofSize = samples.filter((s) => s.size === size);
  const rounds = [...new Set(ofSize.map((s) => s.round))];
  return rounds.map((r) =>
    ofSize
      .filter((s) => s.side === side && s.round === r && (phase === "total" || s.phase === phase))
      .reduce((sum, s) => sum + pick(s), 0),
  );
}

function bySide<K extends Side, V>(sides: readonly K[], value: (side: K) => V): Record<K, V> {
  return Object.fromEntries(sides.map((side) => [side, value(side)])) as Record<K, V>;
}

export function summarize(samples: PhaseSample[], size: number, phase: Phase | "total"): PhaseSummary {
  const of = (side: Side, pick: (s: PhaseSample) => number) =>
    median(perRound(samples, size, phase, side, pick));
  const sides = Object.keys(SIDES) as Side[];
  const seconds = bySide(sides, (side) => of(side, (s) => s.seconds));
  const noopRounds = perRound(samples, size, phase, "noop", (s) => s.seconds);
  const ratio = bySide(INTEGRATION_SIDES, (side) =>
    seconds.noop > 0 ? round(seconds[side] / seconds.noop, 3) : 0,
  );
  return {
    size,
    phase,
    seconds: bySide(sides, (side) => round(seconds[side], 2)),
    msPerResource: bySide(sides, (side) => round((seconds[side] * 1000) / size, 1)),
    ratio,
    pairedRatio: bySide(INTEGRATION_SIDES, (side) =>
      round(
        median(perRound(samples, size, phase, side, (s) => s.seconds).map((x, i) => x / noopRounds[i]!)),
        3,
      ),
    ),
    ...(phase !== "total" && JUDGED_PHASES.includes(phase)
      ? { goalMet: ratio.packed > 0 && ratio.packed <= GOAL }
      : {}),
    serverCpuSeconds: bySide(INTEGRATION_SIDES, (side) =>
      round(
        of(side, (s) => s.serverCpuSeconds ?? 0),
        2,
      ),
    ),
    pulumiCpuSeconds: bySide(sides, (side) =>
      round(
        of(side, (s) => s.pulumiCpuSeconds),
        2,
      ),
    ),
  };
}

/** The time per resource at FLATNESS_TO ÷ at FLATNESS_FROM, per phase; none unless both sizes ran. */
export function flatness(phases: PhaseSummary[]): FlatnessSummary[] {
  const at = (size: number, phase: Phase | "total") =>
    phases.find((p) => p.size === size && p.phase === phase);
  return [...PHASES, "total" as const].flatMap((phase) => {
    const from = at(FLATNESS_FROM, phase);
    const to = at(FLATNESS_TO, phase);
    if (!from || !to) return [];
    const ratio = bySide(Object.keys(SIDES) as Side[], (side) =>
      from.msPerResource[side] > 0 ? round(to.msPerResource[side] / from.msPerResource[side], 3) : 0,
    );
    return [
      {
        phase,
        from: FLATNESS_FROM,
        to: FLATNESS_TO,
        ratio,
        goalMet: ratio.packed > 0 && ratio.packed <= FLATNESS_GOAL,
      },
    ];
  });
}
