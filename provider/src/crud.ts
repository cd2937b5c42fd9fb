import { randomBytes } from "node:crypto";
import { sameProperty } from "./compare";
import { secretFingerprint } from "./fingerprint";
import type { ManagementClient } from "./http/client";
import { hasCode, ManagementError } from "./http/errors";
import { idempotencyKey } from "./http/idempotency-key";
import { AUTHORIZATION_CODE_GRANT_RESOURCE, PROVIDER_INPUTS, type ProviderResource } from "./resources";

/** A record as the management API returns it (plus clientSecret when this provider knows it). */
export type ApiRecord = Record<string, unknown> & { id: string; name: string; version: number };

export interface CreateResult {
  record: ApiRecord;
  /** created: a new record; replayed: the record an earlier, interrupted run created; adopted: an existing record taken over. */
  how: "created" | "replayed" | "adopted";
}

export interface UpdateResult {
  record: ApiRecord;
  /** Properties whose live value the update replaced (names only; secrets never by value). */
  overwritten: string[];
}

const META = new Set(["id", "version", "createdAt", "updatedAt", "clientSecretFingerprint"]);
/**
 * Links of the Idempotency-Key chain a create follows at most: one per create/delete cycle of the
 * same resource with the same inputs within the server's 24 hours of replays. A bound, not a limit
 * anyone reaches (each link is one replayed POST and one GET).
 */
export const MAX_KEY_CHAIN = 1000;
const typeName = (kind: ProviderResource) => kind.className;
const itemPath = (kind: ProviderResource, id: string) => `${kind.path}/${encodeURIComponent(id)}`;
const isSecretKey = (kind: ProviderResource, key: string) => kind.secretInputs.includes(key);
const PROVIDER_ONLY = new Set<string>(PROVIDER_INPUTS);

/** What is sent to the server: the inputs without provider-only ones (adopt) and without unset values. */
export function apiBody(inputs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(inputs).filter(([k, v]) => !PROVIDER_ONLY.has(k) && v !== undefined),
  );
}

/** The properties whose values differ between two records (set-like lists as sets; secrets skipped). */
export function changedProperties(
  kind: ProviderResource,
  live: Record<string, unknown>,
  desired: Record<string, unknown>,
) {
  const keys = new Set([...Object.keys(kind.fields.shape), ...Object.keys(desired)]);
  return [...keys].filter((key) => {
    if (META.has(key) || isSecretKey(kind, key) || PROVIDER_ONLY.has(key)) return false;
    if (kind.replaceOnChanges.includes(key) && desired[key] === undefined) return false; // the server keeps it
    return !sameProperty(kind, key, live[key], desired[key]);
  });
}

/** The record, or undefined when it no longer exists. */
export async function readRecord(client: ManagementClient, kind: ProviderResource, id: string) {
  try {
    return (await client.get<ApiRecord>(itemPath(kind, id))).body;
  } catch (error) {
    if (hasCode(error, "NOT_FOUND")) return undefined;
    throw error;
  }
}

/**
 * Creates the record. A lost answer or a crash is safe: the deterministic Idempotency-Key replays the
 * first create, and the live record is then brought to the desired state. A taken name is adopted
 * when `inputs.adopt` is true, else an error saying how to adopt it.
 *
 * Re-creation works any number of times: when the key replays a record that has since been deleted
 * (the resource was destroyed or deleted out of band and is now created again), the next key is
 * derived from that record's id (see idempotencyKey), and so on until a key is new (a new record) or
 * replays a live one (a create of this chain whose answer was lost: taken over, no duplicate).
 *
 * An adopted confidential integration keeps its secret, which Pulumi then does not know (the output
 * clientSecret stays unset), unless the program declares clientSecret: the adopting PUT then sets it.
 */
export async function createRecord(
  client: ManagementClient,
  kind: ProviderResource,
  inputs: Record<string, unknown>,
  options: { seed: string },
): Promise<CreateResult> {
  const body = apiBody(inputs);
  let after: string | undefined;
  for (let link = 1; ; link++) {
    const idempotency = idempotencyKey(options.seed, kind.path, body, after);
    let created: Awaited<ReturnType<typeof client.post<ApiRecord>>>;
    try {
      created = await client.post<ApiRecord>(kind.path, body, { idempotencyKey: idempotency });
    } catch (error) {
      if (!hasCode(error, "NAME_TAKEN") || !error.existingId) throw error;
      if (inputs.adopt !== true) throw nameTaken(kind, String(body.name), error);
      const { record } = await updateRecord(client, kind, error.existingId, inputs);
      return { record, how: "adopted" };
    }
    if (!created.replayed) return { record: created.body, how: "created" };
    // The answer of an earlier create of this chain: the record may have changed or gone since.
    const live = await readRecord(client, kind, created.body.id);
    if (live === undefined) {
      if (link >= MAX_KEY_CHAIN)
        throw new Error(
          `${typeName(kind)} "${body.name}" was created and deleted ${link} times within 24 hours with these inputs; wait, or change an input, then run again.`,
        );
      after = created.body.id;
      continue;
    }
    const { record } = await updateRecord(client, kind, live.id, inputs, { previous: created.body });
    return { record, how: "replayed" };
  }
}

function nameTaken(kind: ProviderResource, name: string, cause: ManagementError): ManagementError {
  return new ManagementError({
    code: cause.code,
    status: cause.status,
    existingId: cause.existingId,
    attempts: cause.attempts,
    detail:
      `A ${typeName(kind)} named "${name}" already exists (id ${cause.existingId}) and this stack does not manage it. ` +
      "To take it over, set `adopt: true` on the resource and run `pulumi up` again: its properties are then set to " +
      "the declared ones. Otherwise choose another name.",
  });
}

/**
 * Brings the record to the declared inputs: reads it for its ETag and replaces it (If-Match), again if
 * another write lands in between; a record that already matches is left alone. The declared state
 * wins; what it replaced is returned for the log.
 * `previous` (the last known outputs) supplies a generated client secret: when the live secret no
 * longer matches it (rotated out of band), the PUT puts it back, as diff() announced.
 */
export async function updateRecord(
  client: ManagementClient,
  kind: ProviderResource,
  id: string,
  inputs: Record<string, unknown>,
  options: { previous?: Record<string, unknown> } = {},
): Promise<UpdateResult> {
  for (let attempt = 1; ; attempt++) {
    const read = await client.get<ApiRecord>(itemPath(kind, id)).catch((error: unknown) => {
      if (!hasCode(error, "NOT_FOUND")) throw error;
      const detail = `${typeName(kind)} ${id} no longer exists (deleted outside Pulumi). Run \`pulumi refresh\`, then \`pulumi up\` to create it again.`;
      throw new ManagementError({ code: error.code, status: error.status, detail });
    });
    const live = read.body;
    const body = apiBody(inputs);
    const secret =
      knownSecret(kind, body, options.previous) ??
      secretForNowConfidential(kind, body, live, options.previous);
    if (secret !== undefined) body.clientSecret = secret;
    const overwritten = changedProperties(kind, live, body);
    if (secret !== undefined && secretFingerprint(secret) !== live.clientSecretFingerprint)
      overwritten.push("clientSecret");
    const withSecret = (record: ApiRecord) =>
      secret === undefined ? record : { ...record, clientSecret: secret };
    if (overwritten.length === 0) return { record: withSecret(live), overwritten };
    try {
      const { body: record } = await client.put<ApiRecord>(itemPath(kind, id), body, {
        ifMatch: read.etag ?? "*",
      });
      return { record: withSecret(record), overwritten };
    } catch (error) {
      if (!hasCode(error, "PRECONDITION_FAILED") || attempt >= 3) throw error;
    }
  }
}

/** The client secret the record should have and Pulumi knows: the declared one, else the one generated earlier. */
function knownSecret(
  kind: ProviderResource,
  body: Record<string, unknown>,
  previous?: Record<string, unknown>,
) {
  if (!kind.secretInputs.includes("clientSecret") || body.publicClient === true) return undefined;
  if (typeof body.clientSecret === "string") return body.clientSecret;
  const earlier = previous?.clientSecret;
  return typeof earlier === "string" ? earlier : undefined;
}

/**
 * A public client made confidential needs a secret, which the server takes only from the request:
 * when the program declares none, the provider generates one (256 bits, as the server would) and
 * sends it, so Pulumi holds it as the clientSecret output. A client the state still records as
 * public gets one too when the server already has a secret: the update that sent it was applied but
 * its answer lost, so nobody holds that secret.
 */
function secretForNowConfidential(
  kind: ProviderResource,
  body: Record<string, unknown>,
  live: ApiRecord,
  previous?: Record<string, unknown>,
) {
  if (!kind.secretInputs.includes("clientSecret") || body.publicClient === true) return undefined;
  const wasPublic = live.clientSecretFingerprint === null || previous?.publicClient === true;
  return wasPublic ? randomBytes(32).toString("base64url") : undefined;
}

/** Deletes the record; one already gone is fine. Deletion protection is explained, not just reported. */
export async function deleteRecord(
  client: ManagementClient,
  kind: ProviderResource,
  id: string,
): Promise<void> {
  try {
    await client.delete(itemPath(kind, id));
  } catch (error) {
    if (hasCode(error, "NOT_FOUND")) return;
    if (!hasCode(error, "DELETION_PROTECTED")) throw error;
    throw new ManagementError({
      code: error.code,
      status: error.status,
      detail:
        `${typeName(kind)} ${id} has deletion protection, so it was not deleted. To delete it, set ` +
        "`deletionProtection: false` on the resource and run `pulumi up`, then destroy or remove it.",
    });
  }
}

/** The resource's outputs: the record, and for an integration the OAuth endpoints its clients use. */
export function toOutputs(
  kind: ProviderResource,
  record: ApiRecord,
  endpoint: string,
): Record<string, unknown> {
  if (kind.token !== AUTHORIZATION_CODE_GRANT_RESOURCE.token) return { ...record };
  const base = endpoint.replace(/\/+$/, "");
  return {
    ...record,
    authorizeUrl: `${base}/oauth_auth.do`,
    tokenUrl: `${base}/oauth_token.do`,
    jwksUrl: `${base}/api/now/oauth/jwks`,
    introspectUrl: `${base}/oauth/introspect`,
    revokeUrl: `${base}/oauth_revoke_token.do`,
  };
}

/**
 * The inputs a live record stands for, so refresh shows drift property by property. A declared secret
 * is kept only while the live fingerprint still matches it; provider-only inputs (adopt) and a
 * server-chosen clientId (not declared before) are carried over as they were.
 */
export function toInputs(kind: ProviderResource, record: ApiRecord, previous: Record<string, unknown> = {}) {
  const inputs: Record<string, unknown> = {};
  for (const key of Object.keys(kind.fields.shape)) {
    if (isSecretKey(kind, key) || (kind.replaceOnChanges.includes(key) && previous[key] === undefined))
      continue;
    if (record[key] !== undefined) inputs[key] = record[key];
  }
  for (const key of kind.secretInputs) {
    const declared = previous[key];
    if (typeof declared === "string" && secretFingerprint(declared) === record[`${key}Fingerprint`])
      inputs[key] = declared;
  }
  for (const key of PROVIDER_INPUTS) if (previous[key] !== undefined) inputs[key] = previous[key];
  return inputs;
}
