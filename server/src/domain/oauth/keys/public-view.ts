import type { SigningKey } from "../../../contract";
import type { SigningKeyRow } from "../../../storage/signing-keys";
import { KEY_ALG, publicMembers } from "./generation";

/** A stored key as the management API and the JWKS see it: public members only. */
export function publicView(row: SigningKeyRow): SigningKey {
  return {
    kid: row.kid,
    alg: KEY_ALG,
    status: row.status,
    createdAt: row.created_at,
    retiredAt: row.retired_at ?? null,
    removeAfter: row.remove_after ?? null,
    publicJwk: publicMembers(JSON.parse(row.public_jwk), row.kid),
  };
}
