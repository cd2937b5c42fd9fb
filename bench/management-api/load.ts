// The management API bench's load: one autocannon run of a workload, failures and latency figures.
import os from "node:os";
import { log, round } from "../lib/common";
import { autocannonLoad, type LoadSpec, loadIsValid } from "../lib/load";
import { postgresCpuSeconds } from "../lib/postgres";
import { cpuPercentOfCore, startCpuWindow } from "../lib/procfs";
import type { ServerProcess } from "../lib/server-process";
import { SETTINGS, type TargetKey, type Workload } from "./settings";

export interface RunResult {
  target: TargetKey;
  workload: Workload;
  request: string;
  requestsPerSecond: number;
  requestsTotal: number;
  durationSeconds: number;
  latencyMs: { p50: number; p90: number; p99: number; average: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** The first few non-2xx responses, for error reports. */
  failedResponses: { status: number; body: string }[];
  /**
   * CPU use during the measured run, in % of one core (the machine has nproc × 100 %): the server
   * process, the visible PostgreSQL processes, autocannon (this process), and whatever else ran on
   * the machine (the rest of the machine's busy time: the kernel's network work, other people's jobs).
   */
  cpu: {
    serverPercentOfCore?: number;
    databasePercentOfCore?: number;
    loadGeneratorPercentOfCore: number;
    restOfMachinePercentOfCore: number;
    machineBusyPercent: number;
  };
  valid: boolean;
  warmup: { requestsTotal: number; non2xx: number; errors: number; valid: boolean };
}

export function load(url: string, spec: LoadSpec, seconds: number) {
  return autocannonLoad(url, spec, {
    connections: SETTINGS.connections,
    pipelining: SETTINGS.pipelining,
    seconds,
  });
}

export async function measure(
  target: TargetKey,
  workload: Workload,
  server: ServerProcess,
  spec: LoadSpec,
): Promise<RunResult> {
  const request = `${spec.method} ${spec.path}`;
  log(
    `${target} ${workload}: warm-up ${SETTINGS.warmupSeconds} s, then ${SETTINGS.durationSeconds} s (${request})`,
  );
  const warm = await load(server.url, spec, SETTINGS.warmupSeconds);

  const cpuWindow = startCpuWindow(
    server.pid,
    target.startsWith("postgres") ? postgresCpuSeconds : undefined,
  );
  const measured = await load(server.url, spec, SETTINGS.durationSeconds);
  const { result, failed } = measured;
  const cpu = cpuPercentOfCore(cpuWindow(), os.availableParallelism());

  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = Number(count);
  return {
    target,
    workload,
    request,
    requestsPerSecond: round(result.requests.average, 1),
    requestsTotal: result.requests.total,
    durationSeconds: result.duration,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      average: round(result.latency.average),
      max: result.latency.max,
    },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    failedResponses: [
      ...warm.failed,
      ...failed.filter((f) => !warm.failed.some((w) => w.status === f.status && w.body === f.body)),
    ].slice(0, 5),
    cpu,
    valid: loadIsValid(measured) && loadIsValid(warm),
    warmup: {
      requestsTotal: warm.result.requests.total,
      non2xx: warm.result.non2xx,
      errors: warm.result.errors + warm.result.timeouts,
      valid: loadIsValid(warm),
    },
  };
}
