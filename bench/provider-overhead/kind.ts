// One kind: the provider's operations next to the bare client's, timed in turn.
import { createHash, randomBytes } from "node:crypto";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { apiBody } from "../../provider/src/crud";
import * as provider from "../../provider/src/dynamic";
import { RESOURCES_BY_CLASS, type ResourceClassName, SEED_INPUT } from "../../provider/src/dynamic";
import { isInterrupted } from "../lib/cleanup";
import { log, messageOf } from "../lib/common";
import { cpuPercentOfCore, startCpuWindow } from "../lib/procfs";
import type { ServerProcess } from "../lib/server-process";
import type { BareClient } from "./bare-client";
import { compare, type KindResult, stats } from "./figures";
import { INPUTS, READ_GOAL, SETTINGS } from "./settings";

export const RUN = randomBytes(3).toString("hex");

/** A name no other operation of this run uses (scope names allow no spaces). */
export function nameOf(kind: ResourceClassName, role: string, i: number): string {
  return `bench-po-${RUN}-${kind}-${role}${i}`;
}

export function timed<T>(samples: number[] | undefined, operation: () => Promise<T>): Promise<T> {
  const began = performance.now();
  return operation().then((value) => {
    samples?.push(performance.now() - began);
    return value;
  });
}

/** What Pulumi's engine hands create after check: the checked inputs with the SDK's seed. */
export async function checkedInputs(kind: ResourceClassName, role: string, i: number, samplesMs?: number[]) {
  const name = nameOf(kind, role, i);
  const news = { ...INPUTS[kind](name), [SEED_INPUT]: `bench/provider-overhead/${name}` };
  const result = await timed(samplesMs, () => provider.checkInputs(kind, news));
  if (result.failures?.length)
    throw new Error(`checkInputs(${kind}) failed: ${JSON.stringify(result.failures)}`);
  return result.inputs as Record<string, unknown>;
}

/** The JSON body the provider sends for these checked inputs (without the seed, as create strips it). */
export function bodyOf(inputs: Record<string, unknown>): Record<string, unknown> {
  const { [SEED_INPUT]: _seed, ...rest } = inputs;
  return apiBody(rest);
}

/** An Idempotency-Key shaped like the provider's (`pulumi-` and a base64url SHA-256), one per name. */
export function bareKey(body: Record<string, unknown>): string {
  const digest = createHash("sha256").update(`bench/provider-overhead/${String(body.name)}`);
  return `pulumi-${digest.digest("base64url")}`;
}

export interface Created {
  id: string;
  outs: Record<string, unknown>;
  inputs: Record<string, unknown>;
}

/** Both operations, the first one first for an even i, the other one first for an odd i. */
async function inTurn(
  i: number,
  first: () => Promise<unknown>,
  second: () => Promise<unknown>,
): Promise<void> {
  if (i % 2 === 0) {
    await first();
    await second();
  } else {
    await second();
    await first();
  }
}

/**
 * `count` provider creates alternating with `count` bare POSTs, then reads of the provider's
 * records alternating with bare GETs of the same records, then diffs; samples go into `into` unless
 * this is the warm-up.
 */
export async function runKind(
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
    await inTurn(
      i,
      () => createOne(i),
      () => postOne(i),
    );
  }

  const readOne = async ({ id, outs }: Created) => {
    const result = await timed(into?.read, () => provider.read(kind, id, outs));
    if (result.id !== id) throw new Error(`provider.read(${kind}, ${id}) found no record`);
  };
  const getOne = ({ id }: Created) => timed(into?.get, () => bare.get(`${path}/${encodeURIComponent(id)}`));
  for (const [i, record] of created.entries()) {
    if (isInterrupted()) break;
    await inTurn(
      i,
      () => readOne(record),
      () => getOne(record),
    );
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

export async function benchKind(
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
