// A model-based test of the provider against a real server: random declared states of each kind,
// random out-of-band changes through the management API (set, change or clear a field, rotate the
// secret, delete the record), and random sequences of the engine's operations as Pulumi's
// dynamic-provider host performs them (preview = check + diff; up = check + diff + create, update
// or replace; refresh = read; up --refresh; destroy), with answers lost by a proxy in front of the
// server (the client's own retries then resend what is safe to resend). After each step:
// - after up --refresh, the live record equals the declaration (generated fields aside), once;
// - after a refresh, diff is empty exactly when the live record equals the declaration;
// - no secret (declared, generated, rotated, the admin tokens) in any result but the clientSecret
//   output, in any error, or in anything logged;
// - at the end (a fault-free up --refresh, then destroy) nothing is left: no duplicate, no orphan.
// Bounded: MODEL_RUNS runs per kind (default 100), 4 to 12 steps each, a fixed seed (MODEL_SEED,
// default below; fast-check prints the seed and the shrunk sequence of a failure).
import fc from "fast-check";
import * as provider from "../../src/dynamic";
import type { ManagementClient } from "../../src/http/client";
import { AUTHORIZATION_CODE_GRANT_RESOURCE, type ProviderResource } from "../../src/resources";
import { BUILT_IN_REST_APIS, KIND_TEMPLATES, materialize, type Template } from "../arbitraries/declarations";
import { type LiveServer, startLossyProxy, startServer, testClient } from "./helpers";
import { type Engine, type Step, stepArbitrary, takeStep, tally } from "./model/engine";
import { liftDeletionProtection, liveRecords, type World } from "./model/world";

jest.setTimeout(600_000);

const SEED = Number(process.env.MODEL_SEED ?? 20_261_203);
const RUNS = Number(process.env.MODEL_RUNS ?? 100);
const REFS = {
  scopes: ["mb.read", "mb.write", "mb.admin"],
  restApis: BUILT_IN_REST_APIS,
  integrations: ["MB fixture one", "MB fixture two"],
};

let server: LiveServer;
let admin: ManagementClient;
let console_: ManagementClient;
let proxy: Awaited<ReturnType<typeof startLossyProxy>>;
let faults: boolean[] = [];
let lost = 0;
const logged: string[] = [];

beforeAll(async () => {
  server = await startServer();
  admin = testClient(server.url, server.adminToken).client;
  console_ = testClient(server.url, server.otherToken).client;
  for (const name of REFS.scopes) await console_.post("/api/v1/auth-scopes", { name });
  for (const name of REFS.integrations)
    await console_.post("/api/v1/integrations", {
      name,
      providerName: "Fixture",
      redirectUrls: ["https://fixture.example.com/cb"],
    });
  proxy = await startLossyProxy(server.url, () => {
    const drop = faults.shift() ?? false;
    if (drop) lost++;
    return drop;
  });
  provider.useClientForTests(testClient(proxy.url, server.adminToken).client, proxy.url);
  for (const method of ["log", "warn", "error", "info"] as const)
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(" "));
    });
});
afterAll(async () => {
  jest.restoreAllMocks();
  console.log(`model-based test, seed ${SEED}: ${runNumber} runs; steps ${JSON.stringify(tally)}`);
  await proxy?.close();
  await admin?.close();
  await console_?.close();
  await server?.close();
});

let runNumber = 0;

describe.each(KIND_TEMPLATES)("model: $name", ({ kind, name, template }) => {
  test(`${RUNS} random sequences converge`, async () => {
    await fc.assert(
      fc.asyncProperty(
        template(REFS),
        fc.array(stepArbitrary(kind, template(REFS)), { minLength: 4, maxLength: 12 }),
        (first, steps) => run(kind, name, first, steps),
      ),
      {
        numRuns: RUNS,
        seed: SEED,
        ...(process.env.MODEL_PATH ? { path: process.env.MODEL_PATH, endOnFailure: true } : {}),
      },
    );
  });
});

async function run(kind: ProviderResource, name: Engine["name"], first: Template, steps: Step[]) {
  const prefix = `r${++runNumber}-`;
  const world: World = {
    kind,
    prefix,
    admin,
    console: console_,
    secrets: new Set([server.adminToken, server.otherToken]),
    faultsFor: (schedule) => {
      faults = [...schedule];
      lost = 0;
    },
    lostAnswers: () => lost,
    logged,
  };
  const engine: Engine = {
    name,
    kind,
    seed: `model/${prefix}`,
    declared: materialize(first, prefix),
    state: undefined,
    pendingDeletes: [],
  };
  for (const step of [...steps, { op: "upRefresh", faults: [] } as Step]) {
    // An operation that failed for lost answers is run again, unchanged, as the user reruns it.
    // (Changing the program in between can leave a record whose create answer was lost: see README.)
    const failed = await takeStep(world, engine, step, prefix);
    if (failed) await takeStep(world, engine, { ...step, faults: [] } as Step, prefix);
  }
  // Nothing is left behind: destroy (after lifting deletion protection in place) empties the server.
  const { clientId: _keep, ...declared } = engine.declared;
  engine.declared =
    kind === AUTHORIZATION_CODE_GRANT_RESOURCE ? { ...declared, deletionProtection: false } : declared;
  await takeStep(world, engine, { op: "up", faults: [] }, prefix);
  if (engine.pendingDeletes.length) await liftDeletionProtection(world);
  await takeStep(world, engine, { op: "destroy", faults: [] }, prefix);
  expect(await liveRecords(world)).toEqual([]);
}
