// The real Pulumi engine on this provider, next to the engine on a provider that does nothing, in
// one run: up, refresh and destroy of BENCH_COUNT integrations against BENCH_COUNT resources of a
// no-op dynamic provider (the engine's own cost).
//
//   npx tsc -p tsconfig.build.json && node dist/bench/pulumi-engine.js
//
// The real server (`serve --log-level warn` on a fresh SQLite file) runs as a child process. Two
// stacks, each in its own folder under test-output/bench/pulumi-engine (file backend, passphrase
// secrets, the same stack config: the server's endpoint and the count; the same environment: the
// admin token in INBOUND_OAUTH_ADMIN_TOKEN, where the provider reads it):
//   integrations  bench/programs/inbound-oauth-integrations.ts: BENCH_COUNT AuthorizationCodeGrant
//   no-op         bench/programs/noop-resources.ts: BENCH_COUNT resources of a dynamic provider whose
//                 create returns the inputs, read the props, delete nothing (no I/O)
// Each round runs, for one stack then the other (which goes first alternates from round to round):
//   up       the Automation API's inline program, as the e2e tier runs it (scripts/pulumi/stack.ts):
//            a fresh Node process imports the program and drives the CLI; BENCH_COUNT creates
//   refresh  the plain CLI, `pulumi refresh --yes`: BENCH_COUNT reads
//   destroy  the plain CLI, `pulumi destroy --yes`: BENCH_COUNT deletes
// each timed on the wall clock. The report gives the median of each phase over the rounds and the
// ratio integrations ÷ no-op per phase, against the goal (within 1.3×). Each operation must succeed
// with the expected step counts and the server must hold BENCH_COUNT integrations after up and none
// after destroy; otherwise the run is invalid and the exit code 1.
//
// Environment: BENCH_COUNT (resources per stack, default 100), BENCH_ROUNDS (default 3),
// BENCH_PARALLEL (`--parallel` of every operation; unset: the engine's default, the same for all).
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { PULUMI_BIN, run as runCommand } from "../scripts/pulumi/cli";
import { PulumiStack } from "../scripts/pulumi/stack";
import { isInterrupted, onCleanup, runMain } from "./lib/cleanup";
import {
  log,
  machineInfo,
  messageOf,
  numberFromEnv,
  packageVersion,
  REPO,
  RESULTS_DIR,
  round,
  table,
} from "./lib/common";
import { quantile } from "./lib/http";
import { startCpuWindow } from "./lib/procfs";
import type { ServerProcess } from "./lib/server-process";
import { startSqliteServer } from "./lib/sqlite-server";

// ---------------------------------------------------------------------------------------------
// Settings

const RESULTS_FILE = join(RESULTS_DIR, "pulumi-engine.json");
/** The stacks' folders: inside the repository, so that the programs' packages resolve from its node_modules. */
const WORK_DIR = join(REPO, "test-output", "bench", "pulumi-engine");

const SETTINGS = {
  count: numberFromEnv("BENCH_COUNT", 100, true),
  rounds: numberFromEnv("BENCH_ROUNDS", 3, true),
  parallel: process.env.BENCH_PARALLEL ? numberFromEnv("BENCH_PARALLEL", 8, true) : undefined,
};

/** The goal: each phase on the integrations within this many times the no-op run's. */
const GOAL = 1.3;

const PHASES = ["up", "refresh", "destroy"] as const;
type Phase = (typeof PHASES)[number];

const SIDES = {
  integrations: {
    label: "integrations (this provider)",
    program: "bench/programs/inbound-oauth-integrations.ts",
    projectName: "bench-engine-integrations",
  },
  noop: {
    label: "no-op dynamic provider",
    program: "bench/programs/noop-resources.ts",
    projectName: "bench-engine-noop",
  },
} as const;
type Side = keyof typeof SIDES;

// ---------------------------------------------------------------------------------------------
// Figures

interface PhaseSample {
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

const CLOCK_TICKS = (() => {
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
class DescendantsCpu {
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

async function timedPhase<T>(
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

interface PhaseSummary {
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

function median(values: number[]): number {
  return quantile(values, 0.5) ?? 0;
}

/** One figure of one side per round: a phase's, or the three phases added up ("total"). */
function perRound(
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

function summarize(samples: PhaseSample[], phase: Phase | "total"): PhaseSummary {
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

// ---------------------------------------------------------------------------------------------
// The server's view: how many integrations it holds

async function integrationCount(server: ServerProcess, token: string): Promise<number> {
  let count = 0;
  let cursor: string | null | undefined;
  do {
    const query = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : "?limit=100";
    const response = await fetch(`${server.url}/api/v1/integrations${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as { items?: unknown[]; nextCursor?: string | null };
    if (response.status !== 200) throw new Error(`GET /api/v1/integrations answered ${response.status}`);
    count += body.items?.length ?? 0;
    cursor = body.nextCursor;
  } while (cursor);
  return count;
}

// ---------------------------------------------------------------------------------------------
// One round of one stack

/** `N unchanged`, `N deleted`... from the plain CLI's summary ("Resources:" block). */
function summaryCount(stdout: string, word: string): number {
  const match = new RegExp(`(\\d+) ${word}`).exec(stdout.slice(stdout.lastIndexOf("Resources:")));
  return match ? Number(match[1]) : 0;
}

async function runSide(
  side: Side,
  stack: PulumiStack,
  roundNumber: number,
  server: ServerProcess,
  token: string,
): Promise<PhaseSample[]> {
  const count = SETTINGS.count;
  const parallelArgs = SETTINGS.parallel ? ["--parallel", String(SETTINGS.parallel)] : [];
  const samples: PhaseSample[] = [];
  const at = (phase: Phase) => ({ round: roundNumber, side, phase });
  const failed = (phase: Phase, detail: string) =>
    new Error(`round ${roundNumber}, ${SIDES[side].label}: ${phase} failed: ${detail}`);

  log(`round ${roundNumber}: ${side} up (${count} creates)`);
  const up = await timedPhase(server, at("up"), () =>
    stack.up(SETTINGS.parallel ? { parallel: SETTINGS.parallel } : {}),
  );
  if (!up.value.ok) throw failed("up", `${up.value.error}\n${up.value.stderr}`);
  // The stack itself is a resource too: count + 1 creates.
  if (up.value.changes?.create !== count + 1)
    throw failed("up", `expected ${count + 1} creates, got ${JSON.stringify(up.value.changes)}`);
  samples.push(up.sample);
  if (side === "integrations") {
    const held = await integrationCount(server, token);
    if (held !== count) throw failed("up", `the server holds ${held} integrations, expected ${count}`);
  }

  log(`round ${roundNumber}: ${side} refresh (${count} reads)`);
  const refresh = await timedPhase(server, at("refresh"), () =>
    stack.cli(["refresh", "--yes", ...parallelArgs]),
  );
  if (refresh.value.code !== 0)
    throw failed("refresh", `exit ${refresh.value.code}\n${refresh.value.stderr}`);
  const unchanged = summaryCount(refresh.value.stdout, "unchanged");
  if (unchanged !== count + 1)
    throw failed("refresh", `expected ${count + 1} unchanged, got:\n${refresh.value.stdout.slice(-800)}`);
  samples.push(refresh.sample);

  log(`round ${roundNumber}: ${side} destroy (${count} deletes)`);
  const destroy = await timedPhase(server, at("destroy"), () =>
    stack.cli(["destroy", "--yes", ...parallelArgs]),
  );
  if (destroy.value.code !== 0)
    throw failed("destroy", `exit ${destroy.value.code}\n${destroy.value.stderr}`);
  const deleted = summaryCount(destroy.value.stdout, "deleted");
  if (deleted !== count + 1)
    throw failed("destroy", `expected ${count + 1} deleted, got:\n${destroy.value.stdout.slice(-800)}`);
  samples.push(destroy.sample);
  if (side === "integrations") {
    const held = await integrationCount(server, token);
    if (held !== 0) throw failed("destroy", `the server still holds ${held} integrations`);
  }
  for (const s of samples) log(`  ${s.phase}: ${s.seconds.toFixed(2)} s`);
  return samples;
}

// ---------------------------------------------------------------------------------------------
// Report

/** An operation during which the rest of the machine was busier than this (% of one core) is flagged. */
const NOISY_REST_PERCENT = 50;

function noisyOperations(samples: PhaseSample[]): string[] {
  return samples
    .filter((x) => (x.restCpuSeconds / x.seconds) * 100 > NOISY_REST_PERCENT)
    .map(
      (x) => `round ${x.round} ${x.side} ${x.phase} (${Math.round((x.restCpuSeconds / x.seconds) * 100)} %)`,
    );
}

interface Report {
  benchmark: "pulumi-engine";
  generatedAt: string;
  machine: ReturnType<typeof machineInfo> & { pulumiCli: string; pulumiSdk: string; sqlite: string };
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

function markdown(report: Report): string {
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
    "## Pulumi engine benchmark",
    "",
    `Machine: ${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.kernel}; Node ${m.node}; ` +
      `Pulumi CLI ${m.pulumiCli}, @pulumi/pulumi ${m.pulumiSdk}, SQLite ${m.sqlite}`,
    `Settings: ${st.count} resources per stack, ${st.rounds} rounds (the two stacks alternate, which goes ` +
      `first alternates too); --parallel ${st.parallel}; ${st.server}`,
    "",
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

async function pulumiVersion(): Promise<string> {
  const result = await runCommand(join(PULUMI_BIN, "pulumi"), ["version"], {
    cwd: REPO,
    env: { PULUMI_SKIP_UPDATE_CHECK: "true" },
  });
  return result.code === 0 ? result.stdout.trim() : "unknown";
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  // The stacks' folders go at the end, unless an operation failed (then they are kept for inspection).
  let keepWork = false;
  const removeWork = onCleanup(`remove ${WORK_DIR}`, () => {
    if (!keepWork) rmSync(WORK_DIR, { recursive: true, force: true });
  });
  const { server, token, stop } = await startSqliteServer("engine");
  const samples: PhaseSample[] = [];
  let error: string | undefined;
  try {
    const stacks = {} as Record<Side, PulumiStack>;
    for (const side of Object.keys(SIDES) as Side[]) {
      const { program, projectName } = SIDES[side];
      const stack = new PulumiStack({
        dir: join(WORK_DIR, side),
        program,
        projectName,
        stackName: "bench",
        env: { INBOUND_OAUTH_ADMIN_TOKEN: token },
      });
      // The same stack config and environment on both sides, so that both carry the same settings.
      const config: ConfigMap = {
        "inbound-oauth:endpoint": { value: server.url },
        [`${projectName}:count`]: { value: String(SETTINGS.count) },
      };
      log(`creating stack ${projectName} in ${stack.dir}`);
      await stack.configure(config);
      stacks[side] = stack;
    }

    for (let r = 1; r <= SETTINGS.rounds && !isInterrupted(); r++) {
      const order: Side[] = r % 2 === 1 ? ["integrations", "noop"] : ["noop", "integrations"];
      for (const side of order) {
        if (isInterrupted()) break;
        samples.push(...(await runSide(side, stacks[side], r, server, token)));
      }
    }
    if (isInterrupted()) throw new Error("interrupted");
  } catch (caught) {
    error = messageOf(caught);
    log(`failed: ${error}\n--- ${server.name} output ---\n${server.output()}`);
  } finally {
    await stop();
    keepWork = error !== undefined && !isInterrupted();
    await removeWork();
    if (keepWork) log(`kept the stacks' folders for inspection: ${WORK_DIR}`);
  }

  const complete = !error && samples.length === SETTINGS.rounds * 2 * PHASES.length;
  const report: Report = {
    benchmark: "pulumi-engine",
    generatedAt: new Date().toISOString(),
    machine: {
      ...machineInfo(),
      pulumiCli: await pulumiVersion(),
      pulumiSdk: packageVersion("@pulumi/pulumi"),
      sqlite: process.versions.sqlite ?? "unknown",
    },
    settings: {
      count: SETTINGS.count,
      rounds: SETTINGS.rounds,
      parallel: SETTINGS.parallel ? String(SETTINGS.parallel) : "engine default (8)",
      goal: GOAL,
      server: "the server on a fresh SQLite file (WAL, synchronous=FULL), a child process",
      programs: { integrations: SIDES.integrations.program, noop: SIDES.noop.program },
      operations: {
        up: "Automation API inline program in a fresh Node process (scripts/pulumi/stack.ts up())",
        refresh: "plain CLI `pulumi refresh --yes`",
        destroy: "plain CLI `pulumi destroy --yes`",
      },
    },
    phases: complete ? PHASES.map((phase) => summarize(samples, phase)) : [],
    ...(complete ? { total: summarize(samples, "total") } : {}),
    samples,
    noisyOperations: noisyOperations(samples),
    valid: complete,
    ...(error ? { error } : {}),
  };

  process.stdout.write(`${markdown(report)}\n`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${RESULTS_FILE}`);

  if (!report.valid) {
    process.stdout.write(`\n**INVALID RUN**: ${error ?? "not every operation ran"}\n`);
    return 1;
  }
  return 0;
}

runMain(main);
