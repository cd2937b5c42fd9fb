// The sealed envelope of private signing keys (AES-256-GCM, kid as associated data), over generated
// keys, kids and plaintexts: it round-trips, and any change of one character, another kid or another
// key-encryption key makes it fail to open.
import fc from "fast-check";
import { isSealed, KeyEncryptionKey, sealedBy } from "../../src/domain/oauth/keys";

const kekArb = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((bytes) => KeyEncryptionKey.fromText(Buffer.from(bytes).toString("base64url"), "test"));
const kidArb = fc.string({ minLength: 1, maxLength: 40 });
const plaintextArb = fc.string({ maxLength: 300 });
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";

test("a sealed private key opens under the same KEK and kid to the same text, and names its KEK", () => {
  fc.assert(
    fc.property(kekArb, kidArb, plaintextArb, (kek, kid, plaintext) => {
      const sealed = kek.seal(kid, plaintext);
      expect(isSealed(sealed)).toBe(true);
      expect(sealedBy(sealed)).toBe(kek.id);
      expect(kek.open(kid, sealed)).toBe(plaintext);
      if (plaintext.length >= 8) expect(sealed).not.toContain(plaintext);
    }),
  );
});

test("a sealed private key with any one character changed does not open", () => {
  fc.assert(
    fc.property(
      kekArb,
      kidArb,
      plaintextArb,
      fc.nat(),
      fc.constantFrom(...BASE64URL),
      (kek, kid, plaintext, at, replacement) => {
        const sealed = kek.seal(kid, plaintext);
        const index = at % sealed.length;
        fc.pre(sealed[index] !== replacement);
        const tampered = sealed.slice(0, index) + replacement + sealed.slice(index + 1);
        expect(() => kek.open(kid, tampered)).toThrow(expect.objectContaining({ code: expect.any(String) }));
      },
    ),
  );
});

test("a sealed private key with bytes added or cut does not open", () => {
  fc.assert(
    fc.property(kekArb, kidArb, plaintextArb, fc.nat(), fc.boolean(), (kek, kid, plaintext, at, cut) => {
      const sealed = kek.seal(kid, plaintext);
      const index = at % sealed.length;
      const changed = cut
        ? sealed.slice(0, index) + sealed.slice(index + 1)
        : `${sealed.slice(0, index)}A${sealed.slice(index)}`;
      expect(() => kek.open(kid, changed)).toThrow();
    }),
  );
});

test("a sealed private key does not open with another kid as associated data", () => {
  fc.assert(
    fc.property(kekArb, kidArb, kidArb, plaintextArb, (kek, kid, other, plaintext) => {
      fc.pre(kid !== other);
      expect(() => kek.open(other, kek.seal(kid, plaintext))).toThrow(
        expect.objectContaining({ code: "SEALED_KEY_CORRUPT" }),
      );
    }),
  );
});

test("a sealed private key does not open under another KEK, and the message carries no key material", () => {
  fc.assert(
    fc.property(kekArb, kekArb, kidArb, plaintextArb, (kek, other, kid, plaintext) => {
      fc.pre(kek.id !== other.id);
      const sealed = kek.seal(kid, plaintext);
      let message = "";
      try {
        other.open(kid, sealed);
      } catch (error) {
        expect(error).toMatchObject({ code: "KEY_ENCRYPTION_KEY_MISMATCH" });
        message = (error as Error).message;
      }
      expect(message).toContain(kek.id);
      expect(JSON.stringify(other)).toBe(JSON.stringify({ id: other.id }));
    }),
  );
});

test("a KEK is exactly 32 bytes of canonical base64url; anything else is refused with a stable code", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      fc.pre(bytes.length !== 32);
      expect(() => KeyEncryptionKey.fromText(Buffer.from(bytes).toString("base64url"), "test")).toThrow(
        expect.objectContaining({ code: "KEY_ENCRYPTION_KEY_INVALID" }),
      );
    }),
  );
  const text = KeyEncryptionKey.generateText();
  expect(KeyEncryptionKey.fromText(`${text}\n`, "test").id).toBe(KeyEncryptionKey.fromText(text, "test").id);
  // Padded standard base64 is not base64url: refused rather than guessed at.
  expect(() => KeyEncryptionKey.fromText(Buffer.alloc(32).toString("base64"), "test")).toThrow();
  expect(() => KeyEncryptionKey.fromText(`${text.slice(0, 42)}+`, "test")).toThrow();
});
