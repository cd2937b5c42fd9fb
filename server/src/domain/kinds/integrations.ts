import type { Integration, IntegrationInput } from "../../contract";
import { deleteClientSecret, replaceClientSecret } from "../../storage/records/client-secrets";
import { ApiError } from "../api-error";
import type { Fields, KindBehaviour, Prepared } from "../records/behaviour";
import { fingerprint, generateClientId, generateSecret, hashSecret } from "../secrets";

const SECRET_CHANGED = [{ field: "clientSecret", secret: true }];

function fieldsOf(input: IntegrationInput, clientId: string, clientSecretFingerprint: string | null) {
  const { name: _name, clientSecret: _secret, clientId: _clientId, ...rest } = input;
  return { ...rest, clientId, clientSecretFingerprint };
}

/** A prepared write that sets a new secret: its hash is stored, the secret itself returned once. */
function withNewSecret(
  fields: Fields<Integration>,
  secret: string,
  now: () => string,
): Prepared<Integration> {
  const stored = { hash: hashSecret(secret), fingerprint: fingerprint(secret) };
  return {
    fields: { ...fields, clientSecretFingerprint: stored.fingerprint },
    after: (tx, id) => replaceClientSecret(tx, id, stored, now()),
    secretChanges: SECRET_CHANGED,
    reveal: { clientSecret: secret },
  };
}

function refuseDeletionProtected(record: Integration): void {
  if (record.deletionProtection) {
    throw new ApiError(
      "DELETION_PROTECTED",
      `The integration "${record.name}" has deletion protection. Set deletionProtection to false first (PUT the record), then delete it.`,
    );
  }
}

/** A rotation: a generated secret, or the caller's. Refused for a public client. */
function rotateSecret(previous: Integration, secret: string | undefined, now: () => string) {
  if (previous.publicClient) {
    throw new ApiError(
      "PUBLIC_CLIENT_HAS_NO_SECRET",
      `The integration "${previous.name}" is a public client and has no secret to rotate.`,
    );
  }
  const { id: _i, name: _n, version: _v, createdAt: _c, updatedAt: _u, ...fields } = previous;
  const { clientSecretFingerprint: _f, ...rest } = fields;
  return withNewSecret({ ...rest, clientSecretFingerprint: null }, secret ?? generateSecret(), now);
}

export function integrationBehaviour(now: () => string): KindBehaviour<IntegrationInput, Integration> {
  return {
    async prepareCreate(_tx, input) {
      const clientId = input.clientId ?? generateClientId();
      if (input.publicClient)
        return { fields: fieldsOf(input, clientId, null), reveal: { clientSecret: null } };
      return withNewSecret(fieldsOf(input, clientId, null), input.clientSecret ?? generateSecret(), now);
    },

    async prepareReplace(_tx, input, previous) {
      const clientId = previous.clientId;
      if (input.clientId !== undefined && input.clientId !== clientId) {
        throw new ApiError(
          "IMMUTABLE_FIELD",
          `clientId cannot change (it is "${clientId}"). Omit it, or create a new integration for the new client ID.`,
          { errors: [{ path: "clientId", message: `cannot change from "${clientId}"` }] },
        );
      }
      const previousFingerprint = previous.clientSecretFingerprint;
      if (input.publicClient) {
        return {
          fields: fieldsOf(input, clientId, null),
          after: deleteClientSecret,
          secretChanges: previousFingerprint ? SECRET_CHANGED : [],
        };
      }
      if (input.clientSecret !== undefined) {
        if (fingerprint(input.clientSecret) === previousFingerprint) {
          return { fields: fieldsOf(input, clientId, previousFingerprint) };
        }
        return withNewSecret(fieldsOf(input, clientId, null), input.clientSecret, now);
      }
      if (!previousFingerprint) {
        throw new ApiError(
          "CLIENT_SECRET_REQUIRED",
          "Making a public client confidential needs a secret: include clientSecret (at least 32 characters) in this request.",
          { errors: [{ path: "clientSecret", message: "is required when publicClient changes to false" }] },
        );
      }
      return { fields: fieldsOf(input, clientId, previousFingerprint) };
    },

    checkDelete: refuseDeletionProtected,
    rotateSecret: (previous, secret) => rotateSecret(previous, secret, now),
  };
}
