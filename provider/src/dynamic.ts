import { createHash } from "node:crypto";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { check } from "./check";
import { ENDPOINT_KEY, isInsecureEndpoint, type ProviderConfig, resolveConfig, TOKEN_KEY } from "./config";
import { createRecord, deleteRecord, readRecord, toInputs, toOutputs, updateRecord } from "./crud";
import { diff } from "./diff";
import { ManagementClient } from "./http/client";
import { identityLine, whoami } from "./identity";
import { RESOURCES_BY_CLASS, type ResourceClassName } from "./resources";

/**
 * The dynamic provider's operations, loaded by name in Pulumi's dynamic-provider host (the SDK's
 * provider objects only `require` this module), so no credential or server code is ever serialized
 * into the program's state. The host calls configure once per kind with the stack's config; every
 * other operation names the resource by its class name (a key of RESOURCES_BY_CLASS).
 */
export { RESOURCES_BY_CLASS, type ResourceClassName };

/** An input the SDK adds to every resource: its project, stack and name, which seed idempotent creates. */
export const SEED_INPUT = "__resource";

let settings: ProviderConfig | undefined;
let client: ManagementClient | undefined;
/** The identity check of each endpoint and token this process used (one call each). */
const identities = new Map<string, Promise<void>>();
/** Warnings already printed by this process (the host configures once per resource kind). */
const warned = new Set<string>();

/**
 * Called by Pulumi's dynamic-provider host with the stack config that Pulumi hands the provider: the
 * current one for preview and up, the copy recorded in the state for refresh and destroy. Only the
 * endpoint is taken from it; the admin token comes from the command's environment (see config.ts).
 */
export async function configure(config: dynamic.Config): Promise<void> {
  settings = resolveConfig(
    {
      [ENDPOINT_KEY]: config.get(ENDPOINT_KEY),
      [TOKEN_KEY]: config.get(TOKEN_KEY),
    },
    process.env,
  );
  client = new ManagementClient(settings);
  const warnings = [...settings.warnings];
  if (isInsecureEndpoint(settings.endpoint)) {
    warnings.push(
      `inbound-oauth: ${settings.endpoint} is plain http to a host that is not loopback, so the admin token crosses the network unencrypted. Use https.`,
    );
  }
  for (const warning of warnings) {
    if (!warned.has(warning)) console.warn(warning);
    warned.add(warning);
  }
}

/** The client, after the server has said once which token this is (logged, for the drift job's report). */
async function connection(): Promise<{ client: ManagementClient; endpoint: string }> {
  if (!client || !settings) {
    settings = resolveConfig({}, process.env);
    client = new ManagementClient(settings);
  }
  const current = { client, settings };
  const key = createHash("sha256").update(`${settings.endpoint}\n${settings.adminToken}`).digest("hex");
  let check = identities.get(key);
  if (!check) {
    check = whoami(current.client, current.settings.tokenSource).then(
      (who) => {
        if (who) console.log(identityLine(current.settings.endpoint, who, current.settings.tokenSource));
      },
      (error: unknown) => {
        identities.delete(key); // asked again by the next operation (the server may be back)
        throw error;
      },
    );
    identities.set(key, check);
  }
  await check;
  return { client: current.client, endpoint: current.settings.endpoint };
}

/**
 * Tests only: the operations go through `next` (e.g. a client whose retries never really wait, or
 * one behind a proxy that loses answers) instead of the configured one.
 */
export function useClientForTests(next: ManagementClient, endpoint: string): void {
  client = next;
  settings = { endpoint, adminToken: "", tokenSource: "the client of a test", warnings: [] };
}

/** The serialized provider, which Pulumi's dynamic-provider host adds to every resource's inputs. */
export const PROVIDER_KEY = "__provider";

/** The resource's own inputs: without what the SDK and Pulumi's host add. */
function withoutSeed(inputs: Record<string, unknown>): Record<string, unknown> {
  const { [SEED_INPUT]: _seed, [PROVIDER_KEY]: _provider, ...rest } = inputs;
  return rest;
}

export async function checkInputs(
  kind: ResourceClassName,
  news: Record<string, unknown>,
): Promise<dynamic.CheckResult> {
  const result = check(RESOURCES_BY_CLASS[kind], withoutSeed(news));
  const inputs =
    news[SEED_INPUT] === undefined ? result.inputs : { ...result.inputs, [SEED_INPUT]: news[SEED_INPUT] };
  return result.failures.length ? { inputs, failures: result.failures } : { inputs };
}

export async function diffInputs(
  kind: ResourceClassName,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<dynamic.DiffResult> {
  const { changes, replaces, stables, deleteBeforeReplace } = diff(
    RESOURCES_BY_CLASS[kind],
    withoutSeed(olds),
    withoutSeed(news),
  );
  return { changes, replaces, stables, deleteBeforeReplace };
}

/**
 * Outputs cannot tell a declared clientId or clientSecret from one the server generated, yet only a
 * declared one is an input (refresh must not show a generated one as drift). The state records which.
 */
const DECLARED = "__declared";

function declared(kind: ResourceClassName, inputs: Record<string, unknown>): string[] {
  const optional = [...RESOURCES_BY_CLASS[kind].replaceOnChanges, ...RESOURCES_BY_CLASS[kind].secretInputs];
  return optional.filter((key) => inputs[key] !== undefined);
}

export async function create(
  kind: ResourceClassName,
  inputs: Record<string, unknown>,
): Promise<dynamic.CreateResult> {
  const { client, endpoint } = await connection();
  const seed = String(inputs[SEED_INPUT] ?? "");
  const { record } = await createRecord(client, RESOURCES_BY_CLASS[kind], withoutSeed(inputs), { seed });
  const outs = {
    ...toOutputs(RESOURCES_BY_CLASS[kind], record, endpoint),
    ...provided(inputs),
    [DECLARED]: declared(kind, inputs),
  };
  return { id: record.id, outs };
}

export async function read(
  kind: ResourceClassName,
  id: string,
  props: Record<string, unknown>,
): Promise<dynamic.ReadResult> {
  const { client, endpoint } = await connection();
  const record = await readRecord(client, RESOURCES_BY_CLASS[kind], id);
  if (!record) return {};
  const known = typeof props.clientSecret === "string" ? { clientSecret: props.clientSecret } : {};
  const wasDeclared = Array.isArray(props[DECLARED]) ? (props[DECLARED] as string[]) : [];
  const previousInputs = { ...props };
  for (const key of [
    ...RESOURCES_BY_CLASS[kind].replaceOnChanges,
    ...RESOURCES_BY_CLASS[kind].secretInputs,
  ]) {
    if (!wasDeclared.includes(key)) delete previousInputs[key];
  }
  return {
    id,
    props: {
      ...toOutputs(RESOURCES_BY_CLASS[kind], { ...record, ...known }, endpoint),
      ...provided(props),
      [DECLARED]: wasDeclared,
    },
    inputs: { ...toInputs(RESOURCES_BY_CLASS[kind], record, previousInputs), ...provided(props) },
  };
}

export async function update(
  kind: ResourceClassName,
  id: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<dynamic.UpdateResult> {
  const { client, endpoint } = await connection();
  const { record, overwritten } = await updateRecord(
    client,
    RESOURCES_BY_CLASS[kind],
    id,
    withoutSeed(news),
    {
      previous: olds,
    },
  );
  if (overwritten.length)
    console.log(`${kind} ${record.name}: set ${overwritten.join(", ")} to the declared values`);
  return {
    outs: {
      ...toOutputs(RESOURCES_BY_CLASS[kind], record, endpoint),
      ...provided(news),
      [DECLARED]: declared(kind, news),
    },
  };
}

export async function remove(kind: ResourceClassName, id: string): Promise<void> {
  await deleteRecord((await connection()).client, RESOURCES_BY_CLASS[kind], id);
}

/** The provider of each kind, as the dynamic-provider host runs it (see providerOf). */
const providers = new Map<ResourceClassName, dynamic.ResourceProvider>();

/**
 * The provider of one kind: what the text in every resource's `__provider` (the SDK's
 * serializedProvider) evaluates to in Pulumi's dynamic-provider host. One object per kind and
 * process, so the host, which caches providers by that text, configures each kind once.
 */
export function providerOf(kind: ResourceClassName): dynamic.ResourceProvider {
  if (!Object.hasOwn(RESOURCES_BY_CLASS, kind)) {
    throw new Error(
      `inbound-oauth: no resource kind ${JSON.stringify(kind)} (this provider has ${Object.keys(RESOURCES_BY_CLASS).join(", ")})`,
    );
  }
  let provider = providers.get(kind);
  if (!provider) {
    provider = {
      configure: (req) => configure(req.config),
      check: (_olds, news) => checkInputs(kind, news),
      diff: (_id, olds, news) => diffInputs(kind, olds, news),
      create: (inputs) => create(kind, inputs),
      read: (id, props) => read(kind, id, props),
      update: (id, olds, news) => update(kind, id, olds, news),
      delete: (id) => remove(kind, id),
    };
    providers.set(kind, provider);
  }
  return provider;
}

/** Provider-only inputs carried into the state as they were given. */
function provided(inputs: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key of ["adopt", SEED_INPUT]) if (inputs[key] !== undefined) kept[key] = inputs[key];
  return kept;
}
