import { createHash } from "node:crypto";
import { canonicalJson } from "../../../server/src/contract";

/**
 * The Idempotency-Key of a create: the same seed (one per resource, e.g. its URN), collection path
 * and body always give the same key, so a create sent again after a crash or a lost answer gets the first
 * answer replayed (for 24 hours) instead of making a second record. `generation` gives a new key
 * for the same create when the record an earlier key made is gone. 50 characters; the server hashes it.
 */
export function idempotencyKey(seed: string, path: string, body: Record<string, unknown>, generation = 1) {
  const digest = createHash("sha256").update(`${seed}\n${generation}\n${path}\n${canonicalJson(body)}`);
  return `pulumi-${digest.digest("base64url")}`;
}
