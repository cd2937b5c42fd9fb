import type { IntegrationInput } from "../../contract";
import type { SqlExecutor } from "../../storage/database";
import { ApiError } from "../api-error";
import type { KindBehaviour, Prepared } from "../records/service";
import type { StoredRecord } from "../records/store";
import { fingerprint, generateClientId, generateSecret, hashSecret } from "../secrets";

const SECRET_CHANGED = [{ field: "clientSecret", secret: true }];

async function storeSecret(tx: SqlExecutor, id: string, secret: string, now: string) {
  await tx.execute("DELETE FROM client_secrets WHERE integration_id = ?", [id]);
  await tx.execute(
    "INSERT INTO client_secrets (integration_id, hash, fingerprint, created_at) VALUES (?, ?, ?, ?)",
    [id, hashSecret(secret), fingerprint(secret), now],
  );
}

function fieldsOf(input: IntegrationInput, clientId: string, clientSecretFingerprint: string | null) {
  const { name: _name, clientSecret: _secret, clientId: _clientId, ...rest } = input;
  return { ...rest, clientId, clientSecretFingerprint };
}

/** A prepared write that sets a new secret: its hash is stored, the secret itself returned once. */
function withNewSecret(fields: Record<string, unknown>, secret: string, now: () => string): Prepared {
  return {
    fields: { ...fields, clientSecretFingerprint: fingerprint(secret) },
    after: (tx, id) => storeSecret(tx, id, secret, now()),
    secretChanges: SECRET_CHANGED,
    reveal: { clientSecret: secret },
  };
}

export function integrationBehaviour(now: () => string): KindBehaviour<IntegrationInput> {
  return {
    async prepareCreate(_tx, input) {
      const clientId = input.clientId ?? generateClientId();
      if (input.publicClient)
        return { fields: fieldsOf(input, clientId, null), reveal: { clientSecret: null } };
      return withNewSecret(fieldsOf(input, clientId, null), input.clientSecret ?? generateSecret(), now);
    },

    async prepareReplace(_tx, input, previous) {
      const clientId = previous.fields.clientId as string;
      if (input.clientId !== undefined && input.clientId !== clientId) {
        throw new ApiError(
          "IMMUTABLE_FIELD",
          `clientId cannot change (it is "${clientId}"). Omit it, or create a new integration for the new client ID.`,
          { errors: [{ path: "clientId", message: `cannot change from "${clientId}"` }] },
        );
      }
      const previousFingerprint = previous.fields.clientSecretFingerprint as string | null;
      if (input.publicClient) {
        return {
          fields: fieldsOf(input, clientId, null),
          after: async (tx, id) => {
            await tx.execute("DELETE FROM client_secrets WHERE integration_id = ?", [id]);
          },
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

    checkDelete(record: StoredRecord) {
      if (record.fields.deletionProtection) {
        throw new ApiError(
          "DELETION_PROTECTED",
          `The integration "${record.name}" has deletion protection. Set deletionProtection to false first (PUT the record), then delete it.`,
        );
      }
    },
  };
}

/** A rotation: a generated secret, or the caller's. Refused for a public client. */
export function rotateSecret(secret: string | undefined, now: () => string) {
  return async (_tx: SqlExecutor, previous: StoredRecord): Promise<Prepared> => {
    if (previous.fields.publicClient) {
      throw new ApiError(
        "PUBLIC_CLIENT_HAS_NO_SECRET",
        `The integration "${previous.name}" is a public client and has no secret to rotate.`,
      );
    }
    const { clientId: _c, clientSecretFingerprint: _f, ...rest } = previous.fields;
    return withNewSecret({ ...rest, clientId: previous.fields.clientId }, secret ?? generateSecret(), now);
  };
}
