/**
 * The token-signing keys: `generation.ts` makes a key pair and its JWKs, `encryption.ts` seals the
 * private half under the key-encryption key, `cache.ts` is one process's view of the table (whose
 * SQL is storage/signing-keys.ts), `rotation.ts` says when a key is due and how long a retired key
 * stays published, `schedule.ts` rotates on a timer, `custody.ts` seals and re-encrypts the rows as
 * a whole, and `signing-keys.ts` puts them together for the token signer, the JWKS and the API.
 */
export { reencryptSigningKeys, sealingKeyIds, sealSigningKeys } from "./custody";
export {
  isSealed,
  KEK_BYTES,
  KeyEncryptionError,
  type KeyEncryptionErrorCode,
  KeyEncryptionKey,
  sealedBy,
} from "./encryption";
export { KEY_ALG, type PublicJwk } from "./generation";
export { ROTATION_CHECK_INTERVAL_MS, rotateIfDue, type ScheduleLog, scheduleKeyRotation } from "./schedule";
export { type ActiveSigningKey, SigningKeys } from "./signing-keys";
