// What the kernel says about processes and the machine (/proc): peak RSS and CPU time.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Peak resident set size (VmHWM) of a live process, in bytes. */
export function peakRssBytes(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU time a process has used, in seconds (clock-tick resolution). */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** CPU time of the children a process has waited for (cutime + cstime), in seconds. */
function reapedChildrenCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds used so far by a process and its children (e.g. a postmaster and its backends): its
 * own, its live children's, and that of the children it has reaped, so that a backend that exits
 * during a measurement does not take its time away with it.
 */
export function processTreeCpuSeconds(parentPid: number): number | undefined {
  let total = (processCpuSeconds(parentPid) ?? 0) + reapedChildrenCpuSeconds(parentPid);
  let pids: string[] = [];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // After "pid (comm) ": state, then ppid.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === parentPid) total += processCpuSeconds(Number(pid)) ?? 0;
    } catch {
      // the process went away
    }
  }
  return total;
}

/** Busy and total CPU time of the whole machine (all cores, from /proc/stat), in clock ticks. */
export function machineCpuTicks(): { busy: number; total: number } {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is part of user)
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** CPU time spent during a measured window, by whom. */
export interface CpuWindow {
  wallSeconds: number;
  /** The server process. */
  serverSeconds?: number;
  /** The database processes (a PostgreSQL cluster the bench started), when known. */
  databaseSeconds?: number;
  /** This process: the load generator. */
  loadGeneratorSeconds: number;
  /** The whole machine's busy share over the window, 0 to 1 (all cores). */
  machineBusyFraction: number;
}

/** Starts measuring; the returned function ends the window and says where the CPU went. */
export function startCpuWindow(
  serverPid: number | readonly number[],
  databaseCpuSeconds?: () => number | undefined,
): () => CpuWindow {
  // Several server processes (instances on one database) count as one server.
  const serverCpu = () => {
    let total = 0;
    for (const pid of typeof serverPid === "number" ? [serverPid] : serverPid) {
      const seconds = processCpuSeconds(pid);
      if (seconds === undefined) return undefined;
      total += seconds;
    }
    return total;
  };
  const serverBefore = serverCpu();
  const databaseBefore = databaseCpuSeconds?.();
  const generatorBefore = process.cpuUsage();
  const machineBefore = machineCpuTicks();
  const wallBefore = process.hrtime.bigint();
  return () => {
    const wallSeconds = Number(process.hrtime.bigint() - wallBefore) / 1e9;
    const generator = process.cpuUsage(generatorBefore);
    const machineAfter = machineCpuTicks();
    const databaseAfter = databaseCpuSeconds?.();
    const serverAfter = serverCpu();
    const machineTotal = machineAfter.total - machineBefore.total;
    return {
      wallSeconds,
      ...(serverBefore !== undefined && serverAfter !== undefined
        ? { serverSeconds: serverAfter - serverBefore }
        : {}),
      ...(databaseBefore !== undefined && databaseAfter !== undefined
        ? { databaseSeconds: databaseAfter - databaseBefore }
        : {}),
      loadGeneratorSeconds: (generator.user + generator.system) / 1e6,
      machineBusyFraction: machineTotal > 0 ? (machineAfter.busy - machineBefore.busy) / machineTotal : 0,
    };
  };
}

/**
 * A window's CPU use in % of one core (the machine has nproc × 100 %): the server, the database,
 * the load generator, and the rest of the machine's busy time (kernel network work, other jobs).
 */
export function cpuPercentOfCore(window: CpuWindow, nproc: number) {
  const percent = (seconds: number) => Number(((seconds / window.wallSeconds) * 100).toFixed(0));
  const server = window.serverSeconds === undefined ? undefined : percent(window.serverSeconds);
  const database = window.databaseSeconds === undefined ? undefined : percent(window.databaseSeconds);
  const generator = percent(window.loadGeneratorSeconds);
  const machine = window.machineBusyFraction * nproc * 100;
  return {
    ...(server !== undefined ? { serverPercentOfCore: server } : {}),
    ...(database !== undefined ? { databasePercentOfCore: database } : {}),
    loadGeneratorPercentOfCore: generator,
    restOfMachinePercentOfCore: Math.max(
      0,
      Number((machine - (server ?? 0) - (database ?? 0) - generator).toFixed(0)),
    ),
    machineBusyPercent: Number((window.machineBusyFraction * 100).toFixed(0)),
  };
}
