// CPU pinning with taskset (util-linux): the server under test on one core, the load generator
// (this process, all its threads) on another, so neither takes CPU time from the other and a
// server that spreads work over threads gets no more than one core.
import { execFileSync } from "node:child_process";
import os from "node:os";

export interface Pinning {
  /** The CPU the servers run on and the CPU of the load generator; unset when not pinned. */
  serverCpu?: string;
  loadGeneratorCpu?: string;
  /** What the report says: which pinning was used, or why none. */
  description: string;
}

/** The CPU list (taskset -c syntax) a process may run on, or undefined without taskset. */
function affinityOf(pid: number): string | undefined {
  try {
    const out = execFileSync("taskset", ["-c", "-p", String(pid)], { encoding: "utf8" });
    return /:\s*(\S+)\s*$/.exec(out.trim())?.[1];
  } catch {
    return undefined;
  }
}

/** The CPUs of a taskset -c list such as "0-1,3". */
function cpusOf(list: string): Set<number> {
  const cpus = new Set<number>();
  for (const part of list.split(",")) {
    const [from, to = from] = part.split("-").map(Number);
    for (let cpu = from!; cpu <= to!; cpu++) cpus.add(cpu);
  }
  return cpus;
}

/** The CPU list this process started with, to give it back after a pinned run. */
const ORIGINAL_AFFINITY = affinityOf(process.pid);

/**
 * The pinning BENCH_PIN asks for: "auto" (the default) pins the server to CPU 0 and the load
 * generator to CPU 1 when taskset is there and this process may run on both; "off" never pins.
 */
export function cpuPinning(setting = process.env.BENCH_PIN ?? "auto"): Pinning {
  if (setting === "off") return { description: "not pinned (BENCH_PIN=off)" };
  if (setting !== "auto") throw new Error(`BENCH_PIN must be auto or off, got "${setting}"`);
  if (ORIGINAL_AFFINITY === undefined)
    return { description: "not pinned: taskset (util-linux) is not installed" };
  const cpus = cpusOf(ORIGINAL_AFFINITY);
  if (os.availableParallelism() < 2 || !cpus.has(0) || !cpus.has(1))
    return { description: `not pinned: this process may run on CPUs ${ORIGINAL_AFFINITY} only` };
  return {
    serverCpu: "0",
    loadGeneratorCpu: "1",
    description: "pinned with taskset: each server on CPU 0, the load generator (the bench process) on CPU 1",
  };
}

/** Sets the CPU list of every thread of this process (taskset -a -p -c). */
function pinSelf(cpus: string): void {
  execFileSync("taskset", ["-a", "-p", "-c", cpus, String(process.pid)], { stdio: "ignore" });
}

/**
 * Runs body with this process (the load generator) on the pinning's CPU, then gives it back its
 * first CPU list: what it starts meanwhile (a PostgreSQL cluster) would inherit the pin otherwise.
 */
export async function withPinnedLoadGenerator<T>(pinning: Pinning, body: () => Promise<T>): Promise<T> {
  if (!pinning.loadGeneratorCpu || ORIGINAL_AFFINITY === undefined) return body();
  pinSelf(pinning.loadGeneratorCpu);
  try {
    return await body();
  } finally {
    pinSelf(ORIGINAL_AFFINITY);
  }
}
