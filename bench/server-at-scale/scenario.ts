// One database's run: the server on a fresh database and the fixtures made through its API; a
// copy of that database kept as the "empty" one; the original grown to the "full" one (no server
// on it meanwhile); then both served at once, the seeded rows checked through the API, and the
// four requests measured on each in rounds whose order flips, so that a busy stretch of the
// machine falls on both.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { onCleanup } from "../lib/cleanup";
import { messageOf } from "../lib/common";
import { HttpClient } from "../lib/http";
import { type Pinning, withPinnedLoadGenerator } from "../lib/pinning";
import { postgresCpuSeconds } from "../lib/postgres";
import { type ServerProcess, startServer } from "../lib/server-process";
import { runTarget, type TargetOutcome } from "../lib/targets";
import { copyDatabase } from "./copy-database";
import { createDeletable, createFixtures, type Fixtures, readTemplates } from "./fixtures";
import { type Measured, measureWorkload, refreshOnce, type Subjects } from "./measure";
import { type WalFigures, withWal } from "./postgres-wal";
import { type Seeded, seedFull } from "./seed";
import { openPostgresSeed, openSqliteSeed, type SeedDatabase } from "./seed-database";
import { CLI, SETTINGS, type TargetKey, WORKLOADS } from "./settings";
import { postgresSizes, type Sizes, sqliteSizes } from "./sizes";
import { basicAuthorization, seedMeasuredGrants } from "./subjects";
import { validateSeeded } from "./validate";

export type State = "empty" | "full";

export interface TargetResult extends TargetOutcome {
  key: TargetKey;
  label: string;
  /** Every measured run, in the order they ran. */
  runs: (Measured & { state: State; round: number; wal?: WalFigures })[];
  seeded?: Omit<Seeded, "probe">;
  checks?: string[];
  sizes: Partial<Record<State, Sizes>>;
  peakRssBytes: Partial<Record<State, number>>;
}

export const TARGET_LABELS: Record<TargetKey, string> = {
  sqlite: "server + SQLite",
  postgres: "server + PostgreSQL",
};

function openSeed(kind: TargetKey, location: string): Promise<SeedDatabase> {
  return kind === "sqlite" ? Promise.resolve(openSqliteSeed(location)) : openPostgresSeed(location);
}

async function withSeed<T>(
  kind: TargetKey,
  location: string,
  fn: (db: SeedDatabase) => Promise<T>,
): Promise<T> {
  const db = await openSeed(kind, location);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** The sizes with no server on the database (SQLite: after this connection's checkpoint). */
async function sizesOf(kind: TargetKey, location: string): Promise<Sizes> {
  return withSeed(kind, location, (db) =>
    kind === "sqlite" ? sqliteSizes(db, location) : postgresSizes(db),
  );
}

/** Starts the server (pruning off: the database holds what was seeded) on CPU `pinning.serverCpu`. */
function serve(kind: TargetKey, state: string, location: string, tokenFile: string, pinning: Pinning) {
  return startServer(
    `server-${kind}-${state}`,
    CLI,
    [
      "serve",
      "--database",
      location,
      "--admin-token-file",
      tokenFile,
      "--log-level",
      "warn",
      "--prune-interval-seconds",
      "0",
    ],
    "/readyz",
    { cpuProfileDir: SETTINGS.cpuProfileDir, cpus: pinning.serverCpu },
  );
}

/** The fixtures, made through the API of a server on the fresh database, and the admin token. */
async function makeFixtures(kind: TargetKey, location: string, tokenFile: string, pinning: Pinning) {
  const setup = await serve(kind, "setup", location, tokenFile, pinning);
  try {
    if (!existsSync(tokenFile)) throw new Error(`the server wrote no admin token to ${tokenFile}`);
    const adminToken = readFileSync(tokenFile, "utf8").trim();
    return { adminToken, fixtures: await createFixtures(setup.url, adminToken, SETTINGS.listLimit) };
  } finally {
    await setup.stop();
  }
}

/** A state's subjects: its own chains (the same tokens in both copies, then each its own). */
async function subjectsOn(server: ServerProcess, base: Subjects, introspected: string): Promise<Subjects> {
  const http = new HttpClient(server.url, 1);
  try {
    // The access token to introspect: answered by a refresh grant of a grant of its own.
    const tokens = await refreshOnce(http, base.clientAuthorization, { refreshToken: introspected });
    const deletable = await createDeletable(server.url, base.adminToken, SETTINGS.deletes * SETTINGS.repeat);
    return {
      ...base,
      chains: base.chains.map((chain) => ({ ...chain })),
      accessToken: tokens.access_token,
      deletable,
    };
  } finally {
    await http.close();
  }
}

async function runScenario(kind: TargetKey, location: string, result: TargetResult, pinning: Pinning) {
  const dir = mkdtempSync(join(os.tmpdir(), `inbound-oauth-bench-scale-${kind}-`));
  const removeDir = onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, "admin-token");
  const servers: ServerProcess[] = [];
  let removeCopy: (() => Promise<void>) | undefined;
  try {
    const { adminToken, fixtures } = await makeFixtures(kind, location, tokenFile, pinning);
    const measuredGrants = SETTINGS.connections + 1;
    const { templates, refreshTokens } = await withSeed(kind, location, async (db) => {
      const templates = await readTemplates(db, fixtures);
      return {
        templates,
        refreshTokens: await seedMeasuredGrants(db, templates, fixtures, measuredGrants, Date.now()),
      };
    });
    const copy = await copyDatabase(kind, location);
    removeCopy = copy.remove;
    const emptyLocation = copy.location;
    result.sizes.empty = await sizesOf(kind, emptyLocation);
    const { probe, ...seeded } = await withSeed(kind, location, (db) =>
      seedFull(db, templates, fixtures, SETTINGS, Date.now()),
    );
    result.seeded = seeded;
    result.sizes.full = await sizesOf(kind, location);

    const empty = await serve(kind, "empty", emptyLocation, tokenFile, pinning);
    servers.push(empty);
    const full = await serve(kind, "full", location, tokenFile, pinning);
    servers.push(full);
    result.checks = await validateSeeded(
      full.url,
      adminToken,
      seeded.oldestIntegrationId,
      SETTINGS.listLimit,
      probe,
    );
    const base = baseSubjects(adminToken, fixtures, refreshTokens.slice(0, SETTINGS.connections));
    const introspected = refreshTokens.at(-1)!;
    const subjects = {
      empty: await subjectsOn(empty, base, introspected),
      full: await subjectsOn(full, base, introspected),
    };
    const databaseCpu = kind === "postgres" ? postgresCpuSeconds : undefined;
    await withPinnedLoadGenerator(pinning, async () => {
      for (let round = 1; round <= SETTINGS.repeat; round++) {
        const order: State[] = round % 2 === 1 ? ["empty", "full"] : ["full", "empty"];
        for (const workload of WORKLOADS) {
          for (const state of order) {
            const server = state === "empty" ? empty : full;
            const measure = () => measureWorkload(server, subjects[state], workload, databaseCpu);
            const run = kind === "postgres" ? await withWal(location, measure) : await measure();
            result.runs.push({ ...run, state, round });
          }
        }
      }
    });
  } catch (error) {
    const output = servers.map((server) => `\n--- ${server.name} output ---\n${server.output()}`).join("");
    throw new Error(`${messageOf(error)}${output}`);
  } finally {
    for (const [i, server] of servers.entries())
      result.peakRssBytes[i === 0 ? "empty" : "full"] = await server.stop();
    await removeCopy?.();
    await removeDir();
  }
}

function baseSubjects(adminToken: string, fixtures: Fixtures, refreshTokens: string[]): Subjects {
  const client = fixtures.integrations[0]!;
  return {
    adminToken,
    integrationId: client.id,
    clientAuthorization: basicAuthorization(client.clientId, client.secret),
    chains: refreshTokens.map((refreshToken) => ({ refreshToken })),
    accessToken: "",
    deletable: [],
  };
}

export function benchTarget(pinning: Pinning) {
  return (key: TargetKey): Promise<TargetResult> => {
    const result: TargetResult = { key, label: TARGET_LABELS[key], runs: [], sizes: {}, peakRssBytes: {} };
    return runTarget(
      result,
      async () => {},
      (_database, location) => runScenario(key, location, result, pinning),
    );
  };
}
