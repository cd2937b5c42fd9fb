import { createHash } from "node:crypto";
import { SECRET_FINGERPRINT } from "../../server/src/contract";

/** The server's clientSecretFingerprint of a secret, computed locally (never sent anywhere). */
export function secretFingerprint(secret: string): string {
  const digest = createHash("sha256").update(SECRET_FINGERPRINT.domain).update(secret).digest();
  return SECRET_FINGERPRINT.prefix + digest.subarray(0, SECRET_FINGERPRINT.bytes).toString("base64url");
}
