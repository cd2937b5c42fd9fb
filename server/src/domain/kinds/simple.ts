import type { KindBehaviour, Prepared } from "../records/service";

/** Kinds whose stored fields are exactly their input fields. */
export function plainFields<I extends { name: string }>(input: I): Prepared {
  const { name: _name, ...fields } = input;
  return { fields };
}

export const plainBehaviour: KindBehaviour<{ name: string }> = {
  prepareCreate: async (_tx, input) => plainFields(input),
  prepareReplace: async (_tx, input) => plainFields(input),
};
