import type { FieldChange, User, UserInput } from "../../contract";
import { endUserSessions, passwordHash, storePasswordHash } from "../../storage/records/user-passwords";
import { ApiError } from "../api-error";
import { hashPassword, verifyPassword } from "../passwords";
import type { Fields, KindBehaviour, Prepared } from "../records/behaviour";

const PASSWORD_CHANGED: FieldChange[] = [{ field: "password", secret: true }];

/** The record's own fields: everything but the name and the password. */
function fieldsOf(input: UserInput): Fields<User> {
  return { roles: input.roles ?? [], active: input.active ?? true };
}

/** What is worked out before the write's transaction: scrypt is slow, and SQLite has one writer. */
export interface UserPasswordWork {
  /** The new hash, or undefined when the request carries no password or the current one. */
  hash?: string;
}

/**
 * Users: the password is hashed with scrypt into user_passwords and never enters the record or the
 * audit log (which says only that it changed). A replace without a password keeps the current one.
 */
export function userBehaviour(now: () => string): KindBehaviour<UserInput, User, UserPasswordWork> {
  return {
    async precompute(db, input, id): Promise<UserPasswordWork> {
      if (input.password === undefined) return {};
      const current = id === undefined ? undefined : await passwordHash(db, id);
      // Sending the current password again (a declarative re-apply) is not a change.
      if (current !== undefined && (await verifyPassword(input.password, current))) return {};
      return { hash: await hashPassword(input.password) };
    },

    async prepareCreate(_tx, input, precomputed): Promise<Prepared<User>> {
      if (input.password === undefined) {
        throw new ApiError(
          "VALIDATION_FAILED",
          "A new user needs a password: include password (at least 12 characters) in the request.",
          { errors: [{ path: "password", message: "is required when creating a user" }] },
        );
      }
      const hash = precomputed?.hash ?? (await hashPassword(input.password));
      return {
        fields: fieldsOf(input),
        after: (tx, id) => storePasswordHash(tx, id, hash, now()),
        secretChanges: PASSWORD_CHANGED,
      };
    },

    async prepareReplace(_tx, input, previous, precomputed): Promise<Prepared<User>> {
      const fields = fieldsOf(input);
      const deactivated = previous.active !== false && fields.active === false;
      const hash = precomputed?.hash;
      if (hash !== undefined) {
        return {
          fields,
          after: async (tx, id) => {
            await storePasswordHash(tx, id, hash, now());
            await endUserSessions(tx, id);
          },
          secretChanges: PASSWORD_CHANGED,
        };
      }
      return deactivated ? { fields, after: endUserSessions } : { fields };
    },
  };
}
