// The four measured requests, each warmed up, then run BENCH_DURATION seconds on
// BENCH_CONNECTIONS connections: GET one integration, a list page and an introspection from
// autocannon; refresh grants from undici workers, each spending the refresh token its last grant
// answered (rotation on every use).
import os from "node:os";
import { log, round } from "../lib/common";
import { HttpClient, type LoopOutcome, quantile, timedLoop } from "../lib/http";
import { autocannonLoad, type LoadSpec, loadIsValid } from "../lib/load";
import { type CpuWindow, cpuPercentOfCore, startCpuWindow } from "../lib/procfs";
import type { ServerProcess } from "../lib/server-process";
import { SETTINGS, type Workload } from "./settings";

export interface Measured {
  workload: Workload;
  request: string;
  perSecond: number;
  operations: number;
  latencyMs: { p50?: number; p99?: number };
  serverMsPerOperation?: number;
  databaseMsPerOperation?: number;
  restOfMachinePercentOfCore: number;
  valid: boolean;
  errors: string[];
}

/** What the four requests need: the admin token, a record, the client and its tokens. */
export interface Subjects {
  adminToken: string;
  integrationId: string;
  /** HTTP Basic of the client whose tokens are refreshed and introspected. */
  clientAuthorization: string;
  /** One refresh token per connection; each grant replaces its chain's with the new one. */
  chains: { refreshToken: string }[];
  /** An access token the server issued (by a refresh grant), to introspect. */
  accessToken: string;
  /** Integrations made for the delete workload (no tokens of their own), taken from the end. */
  deletable: string[];
}

const FORM = { "content-type": "application/x-www-form-urlencoded" };

function activeCheck(body: string): string | undefined {
  return (JSON.parse(body) as { active?: unknown }).active === true ? undefined : "not active";
}

function perOperation(seconds: number | undefined, operations: number) {
  return seconds === undefined || operations === 0 ? undefined : round((seconds * 1000) / operations, 3);
}

async function autocannonRun(
  server: ServerProcess,
  workload: Workload,
  spec: LoadSpec,
  databaseCpu: (() => number | undefined) | undefined,
): Promise<Measured> {
  const options = { connections: SETTINGS.connections, pipelining: 1 };
  const warm = await autocannonLoad(server.url, spec, { ...options, seconds: SETTINGS.warmupSeconds });
  const window = startCpuWindow(server.pid, databaseCpu);
  const measured = await autocannonLoad(server.url, spec, { ...options, seconds: SETTINGS.durationSeconds });
  const cpu = window();
  const { result } = measured;
  return {
    workload,
    request: `${spec.method} ${spec.path.split("?")[0]}`,
    perSecond: round(result.requests.average, 1),
    operations: result.requests.total,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
    serverMsPerOperation: perOperation(cpu.serverSeconds, result.requests.total),
    databaseMsPerOperation: perOperation(cpu.databaseSeconds, result.requests.total),
    restOfMachinePercentOfCore: cpuPercentOfCore(cpu, os.availableParallelism()).restOfMachinePercentOfCore,
    valid: loadIsValid(warm) && loadIsValid(measured),
    errors: [...warm.failed, ...measured.failed]
      .slice(0, 3)
      .map((f) => `${f.status} ${f.body.slice(0, 200)}`),
  };
}

/** A refresh grant of chain's token; the chain keeps the new one. Throws unless it rotated. */
export async function refreshOnce(
  http: HttpClient,
  clientAuthorization: string,
  chain: { refreshToken: string },
): Promise<{ access_token: string; refresh_token: string }> {
  const answer = await http.send("POST", "/oauth/token", {
    headers: { authorization: clientAuthorization },
    form: { grant_type: "refresh_token", refresh_token: chain.refreshToken },
    expect: 200,
  });
  const tokens = JSON.parse(answer.body) as { access_token: string; refresh_token: string };
  if (!tokens.refresh_token || tokens.refresh_token === chain.refreshToken)
    throw new Error("the refresh grant did not rotate the refresh token");
  chain.refreshToken = tokens.refresh_token;
  return tokens;
}

function loopMeasured(
  workload: Workload,
  request: string,
  measured: LoopOutcome,
  cpu: CpuWindow,
  warm: LoopOutcome,
): Measured {
  const latency = (q: number) => {
    const value = quantile(measured.latenciesMs, q);
    return value === undefined ? undefined : round(value, 1);
  };
  return {
    workload,
    request,
    perSecond: measured.wallSeconds > 0 ? round(measured.operations / measured.wallSeconds, 1) : 0,
    operations: measured.operations,
    latencyMs: { p50: latency(0.5), p99: latency(0.99) },
    serverMsPerOperation: perOperation(cpu.serverSeconds, measured.operations),
    databaseMsPerOperation: perOperation(cpu.databaseSeconds, measured.operations),
    restOfMachinePercentOfCore: cpuPercentOfCore(cpu, os.availableParallelism()).restOfMachinePercentOfCore,
    valid: warm.failures === 0 && measured.failures === 0 && measured.operations > 0,
    errors: [...warm.errors, ...measured.errors].slice(0, 3),
  };
}

async function refreshRun(
  server: ServerProcess,
  subjects: Subjects,
  databaseCpu: (() => number | undefined) | undefined,
): Promise<Measured> {
  const http = new HttpClient(server.url, subjects.chains.length);
  try {
    const grant = async (chain: { refreshToken: string }) => {
      await refreshOnce(http, subjects.clientAuthorization, chain);
    };
    const warm = await timedLoop(subjects.chains, SETTINGS.warmupSeconds, grant);
    const window = startCpuWindow(server.pid, databaseCpu);
    const measured = warm.failures ? warm : await timedLoop(subjects.chains, SETTINGS.durationSeconds, grant);
    return loopMeasured("refresh", "POST /oauth/token", measured, window(), warm);
  } finally {
    await http.close();
  }
}

/**
 * BENCH_DELETES deletes of integrations, one after the other (each a transaction: the record, its
 * secret, links and the audit entry; the database's cascades look for its codes and tokens).
 */
async function deleteRun(
  server: ServerProcess,
  subjects: Subjects,
  databaseCpu: (() => number | undefined) | undefined,
): Promise<Measured> {
  const admin = { authorization: `Bearer ${subjects.adminToken}` };
  const ids = subjects.deletable.splice(-SETTINGS.deletes);
  const window = startCpuWindow(server.pid, databaseCpu);
  const measured = await timedLoop(
    [server.url],
    3600,
    async (url) => {
      const answer = await fetch(`${url}/api/v1/integrations/${ids.pop()}`, {
        method: "DELETE",
        headers: admin,
      });
      const body = await answer.text();
      if (answer.status !== 204) throw new Error(`DELETE answered ${answer.status}: ${body.slice(0, 300)}`);
    },
    () => ids.length > 0,
  );
  return loopMeasured("delete", "DELETE /api/v1/integrations/{id}", measured, window(), measured);
}

/** One workload's run on a started server. */
export function measureWorkload(
  server: ServerProcess,
  subjects: Subjects,
  workload: Workload,
  databaseCpu?: () => number | undefined,
): Promise<Measured> {
  const admin = { authorization: `Bearer ${subjects.adminToken}` };
  log(`${server.name} ${workload}: warm-up ${SETTINGS.warmupSeconds} s, then ${SETTINGS.durationSeconds} s`);
  switch (workload) {
    case "get":
      return autocannonRun(
        server,
        "get",
        { method: "GET", path: `/api/v1/integrations/${subjects.integrationId}`, headers: admin },
        databaseCpu,
      );
    case "list":
      return autocannonRun(
        server,
        "list",
        { method: "GET", path: `/api/v1/integrations?limit=${SETTINGS.listLimit}`, headers: admin },
        databaseCpu,
      );
    case "refresh":
      return refreshRun(server, subjects, databaseCpu);
    case "delete":
      return deleteRun(server, subjects, databaseCpu);
    case "introspect": {
      const form = new URLSearchParams({ token: subjects.accessToken }).toString();
      return autocannonRun(
        server,
        "introspect",
        {
          method: "POST",
          path: "/oauth/introspect",
          headers: { authorization: subjects.clientAuthorization, ...FORM },
          body: () => form,
          check: activeCheck,
        },
        databaseCpu,
      );
    }
  }
}
