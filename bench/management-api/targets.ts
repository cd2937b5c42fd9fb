// The management API bench's targets: the bare Fastify baseline and the real server, with their workloads.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { onCleanup } from "../lib/cleanup";
import { messageOf } from "../lib/common";
import { startServer } from "../lib/server-process";
import { runTarget } from "../lib/targets";
import { measure, type RunResult } from "./load";
import {
  BARE,
  CLI,
  SETTINGS,
  type ServerKey,
  type TargetKey,
  WITHOUT_FSYNC,
  type Workload,
} from "./settings";

export interface TargetResult {
  key: TargetKey;
  label: string;
  database?: { kind: string; description: string; settings: Record<string, string> };
  peakRssBytes?: number;
  runs: Partial<Record<Workload, RunResult>>;
  error?: string;
}

export const TARGET_LABELS: Record<TargetKey, string> = {
  bare: "bare Fastify",
  sqlite: "server + SQLite",
  "sqlite-nofsync": "server + SQLite on tmpfs (no fsync)",
  postgres: "server + PostgreSQL",
  "postgres-nofsync": "server + PostgreSQL, fsync=off",
};

export function wanted(workload: Workload, key?: TargetKey): boolean {
  // Without fsync only creates are measured: a read commits nothing.
  if (key && WITHOUT_FSYNC[key as ServerKey] && workload !== "create") return false;
  return SETTINGS.workloads.includes(workload);
}

export let nameCounter = 0;
/** A unique integration name per request, across warm-up and measured runs and targets. */
export function uniqueBody(target: TargetKey): () => string {
  const run = randomBytes(3).toString("hex");
  return () =>
    JSON.stringify({
      name: `bench-${target}-${run}-${++nameCounter}`,
      providerName: "Acme",
      redirectUrls: ["https://app.example.com/cb"],
    });
}

export const JSON_HEADERS = { "content-type": "application/json" };

export async function benchBare(result: TargetResult): Promise<void> {
  const server = await startServer("bare-fastify", BARE, [], "/bare", {
    cpuProfileDir: SETTINGS.cpuProfileDir,
  });
  try {
    // Same request shape as the real server gets (a bearer token it ignores).
    const auth = { authorization: `Bearer ioa_${"0".repeat(32)}_${"A".repeat(43)}` };
    if (wanted("get")) {
      result.runs.get = await measure("bare", "get", server, { method: "GET", path: "/bare", headers: auth });
    }
    if (wanted("create")) {
      result.runs.create = await measure("bare", "create", server, {
        method: "POST",
        path: "/bare",
        headers: { ...auth, ...JSON_HEADERS },
        body: uniqueBody("bare"),
      });
    }
  } catch (error) {
    throw new Error(`${messageOf(error)}\n--- ${server.name} output ---\n${server.output()}`);
  } finally {
    result.peakRssBytes = await server.stop();
  }
}

export async function benchRealServer(key: ServerKey, database: string, result: TargetResult): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), `inbound-oauth-bench-${key}-`));
  const removeDir = onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, "admin-token");
  const server = await startServer(
    `server-${key}`,
    CLI,
    ["serve", "--database", database, "--admin-token-file", tokenFile, "--log-level", "warn"],
    "/readyz",
    { cpuProfileDir: SETTINGS.cpuProfileDir },
  );
  try {
    if (!existsSync(tokenFile)) {
      throw new Error(`the server wrote no admin token to ${tokenFile}: was the database not empty?`);
    }
    const token = readFileSync(tokenFile, "utf8").trim();
    const auth = { authorization: `Bearer ${token}` };

    const created = await fetch(`${server.url}/api/v1/integrations`, {
      method: "POST",
      headers: { ...auth, ...JSON_HEADERS },
      body: JSON.stringify({
        name: "bench-read-target",
        providerName: "Acme",
        redirectUrls: ["https://app.example.com/cb"],
      }),
    });
    const createdBody = await created.text();
    if (created.status !== 201)
      throw new Error(`creating the record to read failed: ${created.status} ${createdBody}`);
    const id = (JSON.parse(createdBody) as { id: string }).id;
    const path = `/api/v1/integrations/${id}`;
    const check = await fetch(`${server.url}${path}`, { headers: auth });
    const checkBody = await check.text();
    if (check.status !== 200) throw new Error(`GET ${path} answered ${check.status}: ${checkBody}`);

    if (wanted("get", key))
      result.runs.get = await measure(key, "get", server, { method: "GET", path, headers: auth });
    if (wanted("create", key)) {
      result.runs.create = await measure(key, "create", server, {
        method: "POST",
        path: "/api/v1/integrations",
        headers: { ...auth, ...JSON_HEADERS },
        body: uniqueBody(key),
      });
    }
  } catch (error) {
    throw new Error(`${messageOf(error)}\n--- ${server.name} output ---\n${server.output()}`);
  } finally {
    result.peakRssBytes = await server.stop();
    await removeDir();
  }
}

export async function benchTarget(key: TargetKey): Promise<TargetResult> {
  const result: TargetResult = { key, label: TARGET_LABELS[key], runs: {} };
  const withoutFsync = key === "bare" ? undefined : WITHOUT_FSYNC[key];
  return runTarget(
    result,
    () => benchBare(result),
    (_, location) => benchRealServer(key as ServerKey, location, result),
    withoutFsync ? { kind: withoutFsync, options: { withoutFsync: true } } : undefined,
  );
}
