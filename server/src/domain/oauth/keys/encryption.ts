import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  type KeyObject,
  randomBytes,
} from "node:crypto";

/**
 * Private signing keys at rest: AES-256-GCM under a key-encryption key (KEK) the operator keeps
 * outside the database. A sealed value is the text
 *
 *   ioa-kek1.<kek id>.<iv>.<ciphertext>.<tag>        (each part base64url, no padding)
 *
 * with a random 96-bit IV and, as associated data, the version, the KEK id and the signing key's
 * kid: a sealed value copied onto another row, or altered in any byte, does not open. The KEK id
 * (72 bits of a domain-separated SHA-256 of the KEK) names the KEK that sealed a row without
 * revealing it, so a wrong KEK is told apart from a damaged row, and a later rotation knows
 * which rows are done.
 */
export const KEK_BYTES = 32;
const VERSION = "ioa-kek1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type KeyEncryptionErrorCode =
  | "KEY_ENCRYPTION_KEY_INVALID"
  | "KEY_ENCRYPTION_KEY_MISSING"
  | "KEY_ENCRYPTION_KEY_MISMATCH"
  | "SEALED_KEY_CORRUPT";

/** Never carries key material: only ids, kids, paths and what to do. */
export class KeyEncryptionError extends Error {
  constructor(
    readonly code: KeyEncryptionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** base64url without padding, refusing anything that does not re-encode to the same text. */
function strictBase64url(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, "base64url");
  return bytes.toString("base64url") === text ? bytes : undefined;
}

export class KeyEncryptionKey {
  private constructor(
    private readonly key: KeyObject,
    /** Public: names this KEK in sealed values, logs and messages. */
    readonly id: string,
  ) {}

  /** A new KEK as text (32 random bytes, base64url), for a 0600 file. */
  static generateText(): string {
    return randomBytes(KEK_BYTES).toString("base64url");
  }

  /** A KEK that lives only in this process (tests, in-memory databases). */
  static ephemeral(): KeyEncryptionKey {
    return KeyEncryptionKey.fromText(KeyEncryptionKey.generateText(), "a generated key");
  }

  /** Parses the text of a KEK file or variable (surrounding whitespace ignored); `source` names it in errors. */
  static fromText(text: string, source: string): KeyEncryptionKey {
    const bytes = strictBase64url(text.trim());
    if (!bytes || bytes.length !== KEK_BYTES) {
      throw new KeyEncryptionError(
        "KEY_ENCRYPTION_KEY_INVALID",
        `${source} is not a key-encryption key: it must hold ${KEK_BYTES} bytes in base64url (43 characters), ` +
          `e.g. made by \`node -e 'console.log(require("crypto").randomBytes(32).toString("base64url"))'\`.`,
      );
    }
    const id = createHash("sha256")
      .update("inbound-oauth key-encryption key id\0")
      .update(bytes)
      .digest()
      .subarray(0, 9)
      .toString("base64url");
    return new KeyEncryptionKey(createSecretKey(bytes), id);
  }

  /** Seals `plaintext` (a private JWK) for the signing key `kid`. */
  seal(kid: string, plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(this.id, kid));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const parts = [iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString("base64url"));
    return [VERSION, this.id, ...parts].join(".");
  }

  /** Opens a value sealed for `kid`; throws KeyEncryptionError when this KEK did not seal it for that kid. */
  open(kid: string, sealed: string): string {
    const envelope = parseEnvelope(sealed);
    if (!envelope) {
      throw new KeyEncryptionError("SEALED_KEY_CORRUPT", `the stored private key of ${kid} is damaged`);
    }
    if (envelope.kekId !== this.id) {
      throw new KeyEncryptionError(
        "KEY_ENCRYPTION_KEY_MISMATCH",
        `the private key of ${kid} was sealed by key-encryption key ${envelope.kekId}, not by the one given (${this.id})`,
      );
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, envelope.iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(this.id, kid));
      decipher.setAuthTag(envelope.tag);
      return Buffer.concat([decipher.update(envelope.ciphertext), decipher.final()]).toString("utf8");
    } catch {
      throw new KeyEncryptionError(
        "SEALED_KEY_CORRUPT",
        `the stored private key of ${kid} does not open under key-encryption key ${this.id}: it was altered or belongs to another key`,
      );
    }
  }

  toJSON(): { id: string } {
    return { id: this.id };
  }
}

function associatedData(kekId: string, kid: string): Buffer {
  return Buffer.from(`${VERSION}.${kekId}\n${kid}`, "utf8");
}

/** True when the stored text is a sealed value (of any KEK), false for a clear JWK. */
export function isSealed(stored: string): boolean {
  return stored.startsWith(`${VERSION}.`);
}

/** The id of the KEK that sealed a stored value, or undefined when it is not a well-formed one. */
export function sealedBy(stored: string): string | undefined {
  return parseEnvelope(stored)?.kekId;
}

function parseEnvelope(
  sealed: string,
): { kekId: string; iv: Buffer; ciphertext: Buffer; tag: Buffer } | undefined {
  const parts = sealed.split(".");
  if (parts.length !== 5 || parts[0] !== VERSION) return undefined;
  const [, kekId, ...encoded] = parts as [string, string, string, string, string];
  const [iv, ciphertext, tag] = encoded.map(strictBase64url);
  if (!strictBase64url(kekId) || kekId.length !== 12) return undefined;
  if (iv?.length !== IV_BYTES || !ciphertext || tag?.length !== TAG_BYTES) return undefined;
  return { kekId, iv, ciphertext, tag };
}
