import { createHash } from "node:crypto";
import { canonicalJson } from "../../../server/src/contract";

/**
 * The Idempotency-Key of a create: the same seed (one per resource: project, stack and resource
 * name), collection path and body always give the same key, so a create sent again after a crash or
 * a lost answer gets the first answer replayed (the server keeps it 24 hours) instead of making a
 * second record.
 *
 * `after` is the id of the record the previous key of this create made and that has since been
 * deleted (a destroy, an out-of-band delete): the next key of the chain. It changes with every
 * create/delete cycle, yet it is the same on every retry of one create, because a retry walks the
 * same chain (the replayed answers do not change): so any number of re-creations works, and a
 * crash or lost answer in any of them is still replayed. 50 characters; the server hashes it.
 */
export function idempotencyKey(seed: string, path: string, body: Record<string, unknown>, after?: string) {
  // The first link is the key earlier versions sent (generation 1), so their creates still replay.
  const link = after === undefined ? "1" : `after ${after}`;
  const digest = createHash("sha256").update(`${seed}\n${link}\n${path}\n${canonicalJson(body)}`);
  return `pulumi-${digest.digest("base64url")}`;
}
