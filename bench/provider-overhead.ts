// What the Pulumi provider adds to a request: wall time of its create, read and diff per resource
// against the local server, side by side with a bare undici request to the same server, in one run.
//
//   npx tsc -p tsconfig.build.json && node dist/bench/provider-overhead.js
//
// The real server (`serve --log-level warn` on a fresh SQLite file) runs as a child process. This
// process configures the dynamic provider (provider/src/dynamic.ts) through INBOUND_OAUTH_ENDPOINT
// and INBOUND_OAUTH_ADMIN_TOKEN, then for each kind (AuthorizationCodeGrant, AuthScope,
// ApiAccessPolicy) runs BENCH_OPS sequential operations of each of:
//   create  provider.create(kind, checked inputs), a name no other operation used
//           vs a bare undici POST of the same JSON body (another unused name), with the admin token
//           and an Idempotency-Key, as the provider sends it
//   read    provider.read(kind, id, outputs) of a record the create phase made
//           vs a bare undici GET of the same record
//   diff    provider.diffInputs(kind, outputs, checked inputs): no network, in µs
//   check   provider.checkInputs(kind, inputs): no network, in µs
// Provider and bare operations alternate (which goes first alternates too), so a slower stretch
// of the machine or a growing database hits both. The bare requests use an undici Pool with the
// provider's connection settings (provider/src/http/client.ts), kept alive like the provider's.
// Any failed request makes the run invalid and the exit code 1.
//
// Environment: BENCH_OPS (operations per kind and phase, default 300), BENCH_WARMUP_OPS (unreported
// operations per kind before measuring, default 20).
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Pool, request } from "undici";
import { apiBody } from "../provider/src/crud";
import * as provider from "../provider/src/dynamic";
import { RESOURCES_BY_CLASS, type ResourceClassName, SEED_INPUT } from "../provider/src/dynamic";
import { DEFAULT_TIMEOUT_MS } from "../provider/src/http/client";
import { isInterrupted, runMain } from "./lib/cleanup";
import {
  log,
  machineInfo,
  messageOf,
  numberFromEnv,
  packageVersion,
  RESULTS_DIR,
  round,
  table,
} from "./lib/common";
import { quantile } from "./lib/http";
import { cpuPercentOfCore, startCpuWindow } from "./lib/procfs";
import type { ServerProcess } from "./lib/server-process";
import { startSqliteServer } from "./lib/sqlite-server";

// ---------------------------------------------------------------------------------------------
// Settings

const RESULTS_FILE = join(RESULTS_DIR, "provider-overhead.json");

const SETTINGS = {
  operations: numberFromEnv("BENCH_OPS", 300, true),
  warmupOperations: numberFromEnv("BENCH_WARMUP_OPS", 20, true),
};

/** The goal: a provider read costs less than this many bare GETs of the same record. */
const READ_GOAL = 1.5;

const KIND_NAMES = Object.keys(RESOURCES_BY_CLASS) as ResourceClassName[];

/** Valid inputs of each kind with a given name (an ApiAccessPolicy refers to a built-in REST API). */
const INPUTS: Record<ResourceClassName, (name: string) => Record<string, unknown>> = {
  AuthorizationCodeGrant: (name) => ({
    name,
    providerName: "Acme",
    redirectUrls: ["https://app.example.com/cb"],
  }),
  AuthScope: (name) => ({ name, description: "Read access for the provider benchmark" }),
  ApiAccessPolicy: (name) => ({ name, restApis: ["Table API"] }),
};

// ---------------------------------------------------------------------------------------------
// Figures

interface Stats {
  operations: number;
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

function stats(values: number[], scale = 1): Stats {
  const scaled = values.map((v) => v * scale);
  const digits = scale === 1 ? 3 : 1;
  return {
    operations: scaled.length,
    mean: round(scaled.reduce((a, b) => a + b, 0) / Math.max(1, scaled.length), digits),
    p50: round(quantile(scaled, 0.5) ?? 0, digits),
    p99: round(quantile(scaled, 0.99) ?? 0, digits),
    max: round(Math.max(0, ...scaled), digits),
  };
}

interface Comparison {
  /** Wall time per provider operation, ms. */
  providerMs: Stats;
  /** Wall time per bare undici request, ms. */
  bareMs: Stats;
  /** provider ÷ bare. */
  ratioMean: number;
  ratioP50: number;
}

function compare(providerMs: number[], bareMs: number[]): Comparison {
  const p = stats(providerMs);
  const b = stats(bareMs);
  return {
    providerMs: p,
    bareMs: b,
    ratioMean: b.mean > 0 ? round(p.mean / b.mean, 3) : 0,
    ratioP50: b.p50 > 0 ? round(p.p50 / b.p50, 3) : 0,
  };
}

interface KindResult {
  kind: ResourceClassName;
  path: string;
  create?: Comparison;
  read?: Comparison & { goal: number; goalMet: boolean };
  /** provider.diffInputs of unchanged inputs against the create's outputs, µs. */
  diffUs?: Stats & { reportedChanges: number };
  /** provider.checkInputs, µs. */
  checkUs?: Stats;
  /** CPU during the measured operations, % of one core. */
  cpu?: ReturnType<typeof cpuPercentOfCore>;
  error?: string;
}

// ---------------------------------------------------------------------------------------------
// The bare client: undici's request on a Pool with the provider's connection settings

class BareClient {
  private readonly pool: Pool;

  constructor(
    private readonly endpoint: string,
    private readonly token: string,
  ) {
    // As ManagementClient builds its Pool (provider/src/http/client.ts).
    this.pool = new Pool(new URL(endpoint).origin, {
      connections: 8,
      headersTimeout: DEFAULT_TIMEOUT_MS,
      bodyTimeout: DEFAULT_TIMEOUT_MS,
      connectTimeout: 10_000,
    });
  }

  /** The headers the provider sends (provider/src/http/exchange.ts). */
  private headers(extra: Record<string, string>): Record<string, string> {
    return {
      authorization: `Bearer ${this.token}`,
      accept: "application/json, application/problem+json",
      "user-agent": "pulumi-inbound-oauth-provider",
      ...extra,
    };
  }

  /** POST of a JSON body; the answer's text when it is 201. */
  async post(path: string, body: Record<string, unknown>, idempotencyKey: string): Promise<string> {
    const response = await request(`${this.endpoint}${path}`, {
      method: "POST",
      headers: this.headers({ "content-type": "application/json", "idempotency-key": idempotencyKey }),
      body: JSON.stringify(body),
      dispatcher: this.pool,
      headersTimeout: DEFAULT_TIMEOUT_MS,
      bodyTimeout: DEFAULT_TIMEOUT_MS,
    });
    const text = await response.body.text();
    if (response.statusCode !== 201) throw new Error(`POST ${path} answered ${response.statusCode}: ${text}`);
    return text;
  }

  /** GET; the answer's text when it is 200. */
  async get(path: string): Promise<string> {
    const response = await request(`${this.endpoint}${path}`, {
      method: "GET",
      headers: this.headers({}),
      dispatcher: this.pool,
      headersTimeout: DEFAULT_TIMEOUT_MS,
      bodyTimeout: DEFAULT_TIMEOUT_MS,
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`GET ${path} answered ${response.statusCode}: ${text}`);
    return text;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

// ---------------------------------------------------------------------------------------------
// One kind

const RUN = randomBytes(3).toString("hex");

/** A name no other operation of this run uses (scope names allow no spaces). */
function nameOf(kind: ResourceClassName, role: string, i: number): string {
  return `bench-po-${RUN}-${kind}-${role}${i}`;
}

function timed<T>(samples: number[] | undefined, operation: () => Promise<T>): Promise<T> {
  const began = performance.now();
  return operation().then((value) => {
    samples?.push(performance.now() - began);
    return value;
  });
}

/** What Pulumi's engine hands create after check: the checked inputs with the SDK's seed. */
async function checkedInputs(kind: ResourceClassName, role: string, i: number, samplesMs?: number[]) {
  const name = nameOf(kind, role, i);
  const news = { ...INPUTS[kind](name), [SEED_INPUT]: `bench/provider-overhead/${name}` };
  const result = await timed(samplesMs, () => provider.checkInputs(kind, news));
  if (result.failures?.length)
    throw new Error(`checkInputs(${kind}) failed: ${JSON.stringify(result.failures)}`);
  return result.inputs as Record<string, unknown>;
}

/** The JSON body the provider sends for these checked inputs (without the seed, as create strips it). */
function bodyOf(inputs: Record<string, unknown>): Record<string, unknown> {
  const { [SEED_INPUT]: _seed, ...rest } = inputs;
  return apiBody(rest);
}

/** An Idempotency-Key shaped like the provider's (`pulumi-` and a base64url SHA-256), one per name. */
function bareKey(body: Record<string, unknown>): string {
  const digest = createHash("sha256").update(`bench/provider-overhead/${String(body.name)}`);
  return `pulumi-${digest.digest("base64url")}`;
}

interface Created {
  id: string;
  outs: Record<string, unknown>;
  inputs: Record<string, unknown>;
}

/**
 * `count` provider creates alternating with `count` bare POSTs, then reads of the provider's
 * records alternating with bare GETs of the same records, then diffs; samples go into `into` unless
 * this is the warm-up.
 */
async function runKind(
  kind: ResourceClassName,
  bare: BareClient,
  count: number,
  role: string,
  into?: { check: number[]; create: number[]; post: number[]; read: number[]; get: number[]; diff: number[] },
): Promise<{ reportedChanges: number }> {
  const path = RESOURCES_BY_CLASS[kind].path;
  const providerInputs: Record<string, unknown>[] = [];
  const bareBodies: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    providerInputs.push(await checkedInputs(kind, `${role}p`, i, into?.check));
    bareBodies.push(bodyOf(await checkedInputs(kind, `${role}b`, i)));
  }
  const keys = bareBodies.map(bareKey);

  const created: Created[] = [];
  const createOne = async (i: number) => {
    const inputs = providerInputs[i]!;
    const result = await timed(into?.create, () => provider.create(kind, inputs));
    if (!result.id) throw new Error(`provider.create(${kind}) returned no id`);
    created.push({ id: result.id, outs: result.outs as Record<string, unknown>, inputs });
  };
  const postOne = (i: number) => timed(into?.post, () => bare.post(path, bareBodies[i]!, keys[i]!));
  for (let i = 0; i < count && !isInterrupted(); i++) {
    if (i % 2 === 0) {
      await createOne(i);
      await postOne(i);
    } else {
      await postOne(i);
      await createOne(i);
    }
  }

  const readOne = async ({ id, outs }: Created) => {
    const result = await timed(into?.read, () => provider.read(kind, id, outs));
    if (result.id !== id) throw new Error(`provider.read(${kind}, ${id}) found no record`);
  };
  const getOne = ({ id }: Created) => timed(into?.get, () => bare.get(`${path}/${encodeURIComponent(id)}`));
  for (const [i, record] of created.entries()) {
    if (isInterrupted()) break;
    if (i % 2 === 0) {
      await readOne(record);
      await getOne(record);
    } else {
      await getOne(record);
      await readOne(record);
    }
  }

  // Pulumi's diff of an unchanged resource: the state (the create's outputs) against the checked inputs.
  let reportedChanges = 0;
  for (const { outs, inputs } of created) {
    const result = await timed(into?.diff, () => provider.diffInputs(kind, outs, inputs));
    if (result.changes) reportedChanges++;
  }
  if (isInterrupted()) throw new Error("interrupted");
  return { reportedChanges };
}

async function benchKind(
  kind: ResourceClassName,
  bare: BareClient,
  server: ServerProcess,
): Promise<KindResult> {
  const result: KindResult = { kind, path: RESOURCES_BY_CLASS[kind].path };
  try {
    log(`${kind}: warm-up ${SETTINGS.warmupOperations} operations of each kind`);
    await runKind(kind, bare, SETTINGS.warmupOperations, "w");
    log(`${kind}: ${SETTINGS.operations} operations of each kind`);
    const samples = { check: [], create: [], post: [], read: [], get: [], diff: [] };
    const cpuWindow = startCpuWindow(server.pid);
    const { reportedChanges } = await runKind(kind, bare, SETTINGS.operations, "m", samples);
    result.cpu = cpuPercentOfCore(cpuWindow(), os.availableParallelism());
    result.create = compare(samples.create, samples.post);
    const read = compare(samples.read, samples.get);
    result.read = { ...read, goal: READ_GOAL, goalMet: read.ratioP50 > 0 && read.ratioP50 < READ_GOAL };
    result.diffUs = { ...stats(samples.diff, 1000), reportedChanges };
    result.checkUs = stats(samples.check, 1000);
    if (reportedChanges > 0)
      log(`${kind}: diff reported changes for ${reportedChanges} unchanged resources (expected none)`);
  } catch (error) {
    result.error = messageOf(error);
    log(`${kind} failed: ${result.error}`);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Report

interface Report {
  benchmark: "provider-overhead";
  generatedAt: string;
  machine: ReturnType<typeof machineInfo> & { undici: string; sqlite: string };
  settings: typeof SETTINGS & { readGoal: number; server: string };
  kinds: KindResult[];
  valid: boolean;
}

function markdown(report: Report): string {
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
    "## Provider overhead benchmark",
    "",
    `Machine: ${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.kernel}; Node ${m.node}; ` +
      `undici ${m.undici}, SQLite ${m.sqlite}`,
    `Settings: ${report.settings.operations} sequential operations per kind and operation, after ` +
      `${report.settings.warmupOperations} of warm-up; ${report.settings.server}; the provider and the bare ` +
      "client in this process, alternating",
    "",
    main,
    "",
    "Wall time per operation, one at a time. × bare: the provider's figure ÷ the bare undici request's " +
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

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const { server, token, stop } = await startSqliteServer("provider");
  const kinds: KindResult[] = [];
  let bare: BareClient | undefined;
  try {
    process.env.INBOUND_OAUTH_ENDPOINT = server.url;
    process.env.INBOUND_OAUTH_ADMIN_TOKEN = token;
    await provider.configure({
      get: () => undefined,
      require: (key: string) => {
        throw new Error(`no stack config ${key} in the benchmark`);
      },
    });
    bare = new BareClient(server.url, token);

    for (const kind of KIND_NAMES) {
      if (isInterrupted()) break;
      kinds.push(await benchKind(kind, bare, server));
    }
  } catch (error) {
    throw new Error(`${messageOf(error)}\n--- ${server.name} output ---\n${server.output()}`);
  } finally {
    await bare?.close();
    await stop();
  }

  const report: Report = {
    benchmark: "provider-overhead",
    generatedAt: new Date().toISOString(),
    machine: {
      ...machineInfo(),
      undici: packageVersion("undici"),
      sqlite: process.versions.sqlite ?? "unknown",
    },
    settings: {
      ...SETTINGS,
      readGoal: READ_GOAL,
      server: "the server on a fresh SQLite file (WAL, synchronous=FULL), a child process",
    },
    kinds,
    valid: kinds.length === KIND_NAMES.length && kinds.every((k) => !k.error),
  };

  process.stdout.write(`${markdown(report)}\n`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${RESULTS_FILE}`);

  if (!report.valid) {
    process.stdout.write("\n**INVALID RUN**: some requests failed or a kind did not run.\n\n");
    for (const k of kinds) if (k.error) process.stdout.write(`- ${k.kind}: ${k.error}\n`);
    return 1;
  }
  return 0;
}

runMain(main);
