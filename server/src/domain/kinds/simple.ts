import type { ApiAccessPolicy, ApiAccessPolicyInput, AuthScope, AuthScopeInput } from "../../contract";
import type { Fields, KindBehaviour, RecordMeta } from "../records/behaviour";

/** The fields of a kind whose stored fields are exactly its input fields. */
export function plainFields<I extends { name: string }>(input: I): Omit<I, "name"> {
  const { name: _name, ...fields } = input;
  return fields;
}

function plainBehaviour<I extends { name: string }, R extends RecordMeta>(
  fieldsOf: (input: I) => Fields<R>,
): KindBehaviour<I, R> {
  return {
    prepareCreate: async (_tx, input) => ({ fields: fieldsOf(input) }),
    prepareReplace: async (_tx, input) => ({ fields: fieldsOf(input) }),
  };
}

export const authScopeBehaviour = plainBehaviour<AuthScopeInput, AuthScope>(plainFields);
export const apiAccessPolicyBehaviour = plainBehaviour<ApiAccessPolicyInput, ApiAccessPolicy>(plainFields);
