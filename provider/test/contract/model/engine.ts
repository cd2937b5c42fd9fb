// The engine side of the model-based test: Pulumi's operations as its dynamic-provider host calls
// the provider (the SDK's inputs with __resource and __provider; diff of the state's outputs
// against the checked inputs; read with the state's outputs), the steps a run is made of, and the
// invariants checked after each step.
import fc from "fast-check";
import * as provider from "../../../src/dynamic";
import type { ProviderResource } from "../../../src/resources";
import { materialize, type Template } from "../../arbitraries/declarations";
import { liveEquals, liveRecords, type OutOfBand, outOfBand, type World } from "./world";

const HOST = "exports.handler = () => ({})";
/** What crosses the host's gRPC boundary is a protobuf Struct: undefined values do not survive it. */
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value ?? {})) as T;

/** What the runs did, by step and outcome (printed at the end: the test's size). */
export const tally: Record<string, number> = {};
const count = (key: string) => {
  tally[key] = (tally[key] ?? 0) + 1;
};

export interface Engine {
  name: provider.ResourceClassName;
  kind: ProviderResource;
  seed: string;
  /** The program's declaration now. */
  declared: Record<string, unknown>;
  /** The stack's state of the resource: its id and outputs. */
  state: { id: string; outs: Record<string, unknown> } | undefined;
  /** Replaced records whose delete failed: the engine deletes them on the next up. */
  pendingDeletes: string[];
}

export type Step =
  | { op: "declare"; template: Template }
  /** The program changes one property: set, changed or removed (when `from` lacks it). */
  | { op: "edit"; field: string; from: Template }
  | { op: "preview" | "up" | "refresh" | "upRefresh" | "destroy"; faults: boolean[] }
  | { op: "outOfBand"; change: OutOfBand };

/** Mostly answered, now and then lost; four in a row exhaust the client's retries. */
const faults = fc.array(
  fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  { maxLength: 6 },
);

export function stepArbitrary(kind: ProviderResource, template: fc.Arbitrary<Template>): fc.Arbitrary<Step> {
  const fields = Object.keys(kind.fields.shape).filter((key) => key !== "clientId" && key !== "clientSecret");
  const changes: fc.Arbitrary<OutOfBand>[] = [
    fc.record({ what: fc.constant("set" as const), field: fc.constantFrom(...fields), from: template }),
    fc.constant({ what: "delete" as const }),
  ];
  if (kind.secretInputs.length) changes.push(fc.constant({ what: "rotate" as const }));
  return fc.oneof(
    { weight: 1, arbitrary: template.map((t) => ({ op: "declare" as const, template: t })) },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant("edit" as const),
        field: fc.constantFrom(...fields, ...kind.secretInputs),
        from: template,
      }),
    },
    {
      weight: 5,
      arbitrary: fc.record({
        op: fc.constantFrom("preview", "up", "refresh", "upRefresh", "destroy"),
        faults,
      }) as fc.Arbitrary<Step>,
    },
    { weight: 2, arbitrary: fc.oneof(...changes).map((change) => ({ op: "outOfBand" as const, change })) },
  );
}

/** The errors a step may end with though nothing is wrong: the engine reports them and the user acts. */
const EXPECTED_CODES = ["NOT_FOUND", "DELETION_PROTECTED"];

/** Takes one step; true when it failed because answers were lost (the engine then reports an error). */
export async function takeStep(world: World, engine: Engine, step: Step, prefix: string): Promise<boolean> {
  if (step.op === "declare") {
    engine.declared = materialize(step.template, prefix);
    count("declare");
    return false;
  }
  if (step.op === "edit") {
    const { [step.field]: _old, ...rest } = engine.declared;
    const value = materialize(step.from, prefix)[step.field];
    const edited = value === undefined ? rest : { ...rest, [step.field]: value };
    // An edit the contract refuses (a secret on a public client) is not made: check would fail first.
    const valid = provider.checkInputs(engine.name, edited).then((r) => r.failures === undefined);
    if (await valid) engine.declared = edited;
    count("edit");
    return false;
  }
  if (step.op === "outOfBand") {
    world.faultsFor([]);
    await outOfBand(world, step.change);
    count(`outOfBand:${step.change.what}`);
    return false;
  }
  world.faultsFor(step.faults);
  let error: unknown;
  try {
    await operate(engine, step.op, world);
  } catch (caught) {
    error = caught;
  }
  const lost = world.lostAnswers();
  world.faultsFor([]);
  count(
    `${step.op}:${error === undefined ? "ok" : `${(error as { code?: string }).code ?? "error"}`}${lost ? ":lost" : ""}`,
  );
  noSecretIn(world, error === undefined ? [] : [String(error), JSON.stringify(error)], "an error");
  noSecretIn(world, world.logged.splice(0), "a log line");
  if (error !== undefined) {
    const code = (error as { code?: string }).code ?? "";
    if (lost === 0 && !EXPECTED_CODES.includes(code)) throw error;
    return lost > 0;
  }
  if (step.op === "upRefresh") await convergedInvariant(world, engine);
  if (step.op === "refresh") await diffInvariant(world, engine);
  return false;
}

async function operate(engine: Engine, op: Exclude<Step["op"], "declare" | "outOfBand">, world: World) {
  if (op === "refresh" || op === "upRefresh") await refresh(engine, world);
  if (op === "preview") await plan(engine, world);
  if (op === "up" || op === "upRefresh") await up(engine, world);
  if (op === "destroy") {
    await deletePending(engine);
    if (engine.state) await provider.remove(engine.name, engine.state.id);
    engine.state = undefined;
  }
}

/** Replaced records the engine still has to delete; each stays pending until its delete succeeds. */
async function deletePending(engine: Engine) {
  while (engine.pendingDeletes.length) {
    await provider.remove(engine.name, engine.pendingDeletes[0]!);
    engine.pendingDeletes.shift();
  }
}

async function checked(engine: Engine, world: World) {
  const result = await provider.checkInputs(engine.name, {
    ...engine.declared,
    __resource: engine.seed,
    __provider: HOST,
  });
  expect(result.failures).toBeUndefined();
  const inputs = wire(result.inputs) as Record<string, unknown>;
  if (typeof inputs.clientSecret === "string") world.secrets.add(inputs.clientSecret);
  return { ...inputs, __provider: HOST };
}

async function plan(engine: Engine, world: World) {
  const inputs = await checked(engine, world);
  if (!engine.state) return { inputs, diff: undefined };
  const diff = await provider.diffInputs(engine.name, engine.state.outs, inputs);
  noSecretIn(world, [JSON.stringify(diff)], "a diff");
  return { inputs, diff };
}

async function create(engine: Engine, world: World, inputs: Record<string, unknown>) {
  const created = await provider.create(engine.name, inputs);
  remember(world, created.outs);
  return { id: created.id, outs: wire(created.outs) as Record<string, unknown> };
}

async function up(engine: Engine, world: World) {
  await deletePending(engine);
  const { inputs, diff } = await plan(engine, world);
  if (!engine.state) {
    engine.state = await create(engine, world, inputs);
    return;
  }
  if (!diff?.changes) return;
  if (diff.replaces?.length) {
    const old = engine.state;
    if (diff.deleteBeforeReplace) {
      await provider.remove(engine.name, old.id);
      engine.state = undefined;
      engine.state = await create(engine, world, inputs);
    } else {
      engine.state = await create(engine, world, inputs);
      engine.pendingDeletes.push(old.id);
      await provider.remove(engine.name, old.id);
      engine.pendingDeletes.pop();
    }
    return;
  }
  const updated = await provider.update(engine.name, engine.state.id, engine.state.outs, inputs);
  remember(world, updated.outs);
  engine.state = { id: engine.state.id, outs: wire(updated.outs) as Record<string, unknown> };
}

async function refresh(engine: Engine, world: World) {
  if (!engine.state) return;
  const read = await provider.read(engine.name, engine.state.id, { ...engine.state.outs, __provider: HOST });
  noSecretIn(world, [JSON.stringify({ ...read.inputs, clientSecret: undefined })], "refreshed inputs");
  engine.state = read.id ? { id: read.id, outs: wire(read.props) as Record<string, unknown> } : undefined;
  if (engine.state) remember(world, engine.state.outs);
}

/** Notes the secret an output holds, and checks that no other output holds one. */
function remember(world: World, outs: Record<string, unknown> | undefined) {
  if (typeof outs?.clientSecret === "string") world.secrets.add(outs.clientSecret);
  noSecretIn(world, [JSON.stringify({ ...outs, clientSecret: undefined })], "an output");
}

function noSecretIn(world: World, texts: string[], where: string) {
  for (const text of texts)
    for (const secret of world.secrets)
      if (text.includes(secret))
        throw new Error(`a secret appeared in ${where}: ${text.replace(secret, "<secret>")}`);
}

/** After up --refresh: one record, the state's, equal to the declaration. */
async function convergedInvariant(world: World, engine: Engine) {
  const records = await liveRecords(world);
  expect(records.map((r) => r.id)).toEqual([engine.state?.id]);
  const inputs = await checked(engine, world);
  expect({
    converged: liveEquals(engine.kind, records[0]!, inputs, engine.state?.outs.clientSecret),
  }).toEqual({
    converged: true,
  });
}

/** After refresh: diff finds changes exactly when the live record differs from the declaration. */
async function diffInvariant(world: World, engine: Engine) {
  if (!engine.state) return;
  const live = (await liveRecords(world)).find((r) => r.id === engine.state?.id);
  if (!live) return;
  const { inputs, diff } = await plan(engine, world);
  const equal = liveEquals(engine.kind, live, inputs, engine.state.outs.clientSecret);
  expect({ changes: diff?.changes, live }).toEqual({ changes: !equal, live });
}
