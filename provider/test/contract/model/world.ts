// The server side of the model-based test: the live records of a run, out-of-band changes through
// the management API (with the other admin token, as a console user), and the oracle that says
// whether a live record equals a declaration.
import { secretFingerprint } from "../../../src/fingerprint";
import type { ManagementClient } from "../../../src/http/client";
import { AUTHORIZATION_CODE_GRANT_RESOURCE, type ProviderResource } from "../../../src/resources";
import { materialize } from "../../arbitraries/declarations";

export interface World {
  kind: ProviderResource;
  /** Every record of the run's resource has a name starting with this. */
  prefix: string;
  /** The provider's token, for reads that see what the server holds. */
  admin: ManagementClient;
  /** Someone else's token, for out-of-band changes. */
  console: ManagementClient;
  /** Every secret seen so far: none may appear in a result (but the clientSecret output), an error or a log. */
  secrets: Set<string>;
  /** The answers the proxy loses next (true: lose it), one per request. */
  faultsFor(schedule: boolean[]): void;
  lostAnswers(): number;
  logged: string[];
}

export type OutOfBand =
  | { what: "set"; field: string; from: Record<string, unknown> }
  | { what: "rotate" }
  | { what: "delete" };

const META = ["id", "version", "createdAt", "updatedAt", "clientSecretFingerprint"];

/** The records of this run's kind whose name carries the run's prefix. */
export async function liveRecords(world: World): Promise<Array<Record<string, unknown>>> {
  const page = await world.admin.get<{ items: Array<Record<string, unknown>> }>(
    `${world.kind.path}?limit=100`,
  );
  return page.body.items.filter((item) => String(item.name).startsWith(world.prefix));
}

/** Applies an out-of-band change to the run's record (if there is one); refusals are fine. */
export async function outOfBand(world: World, change: OutOfBand): Promise<void> {
  const [record] = await liveRecords(world);
  if (!record) return;
  const path = `${world.kind.path}/${record.id}`;
  try {
    if (change.what === "delete") await world.console.delete(path);
    else if (change.what === "rotate") {
      const answer = await world.console.post<{ clientSecret?: string }>(`${path}/rotate-secret`, {});
      if (answer.body.clientSecret) world.secrets.add(answer.body.clientSecret);
    } else {
      const body = Object.fromEntries(Object.entries(record).filter(([key]) => !META.includes(key)));
      const value = materialize(change.from, world.prefix)[change.field];
      if (value === undefined) delete body[change.field];
      else body[change.field] = value;
      if (change.field === "publicClient" && value === false && record.publicClient === true)
        body.clientSecret = "out-of-band-secret-for-a-confidential-client-0001";
      if (typeof body.clientSecret === "string") world.secrets.add(body.clientSecret);
      await world.console.put(path, body, { ifMatch: `"${record.version}"` });
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (!code || code === "NETWORK_ERROR" || code === "INTERNAL") throw error;
  }
}

/** The oracle: the live record holds exactly the declared inputs (a generated clientId aside). */
export function liveEquals(
  kind: ProviderResource,
  live: Record<string, unknown>,
  inputs: Record<string, unknown>,
  knownSecret: unknown,
): boolean {
  const normal = (key: string, value: unknown) =>
    JSON.stringify(Array.isArray(value) && kind.setLists.includes(key) ? [...value].sort() : (value ?? null));
  for (const key of Object.keys(kind.fields.shape)) {
    if (key === "clientSecret" || (key === "clientId" && inputs.clientId === undefined)) continue;
    if (normal(key, live[key]) !== normal(key, inputs[key])) return false;
  }
  if (kind !== AUTHORIZATION_CODE_GRANT_RESOURCE) return true;
  if (inputs.publicClient === true) return live.clientSecretFingerprint === null;
  const secret = inputs.clientSecret ?? knownSecret;
  return typeof secret === "string" && secretFingerprint(secret) === live.clientSecretFingerprint;
}

/**
 * Lifts deletion protection out of band, as the error of a refused delete tells a person to do, from
 * the run's records (a replaced record whose delete was refused stays the engine's to delete).
 */
export async function liftDeletionProtection(world: World): Promise<void> {
  for (const record of await liveRecords(world)) {
    if (record.deletionProtection !== true) continue;
    const body = Object.fromEntries(Object.entries(record).filter(([key]) => !META.includes(key)));
    await world.console.put(
      `${world.kind.path}/${record.id}`,
      { ...body, deletionProtection: false },
      { ifMatch: "*" },
    );
  }
}
