// The rule behind convergence, over generated declarations of every kind: diff(state of A, B)
// reports exactly the properties whose values differ between declarations A and B — including an
// optional property B omits and A had (removed from the program, or set out of band and found by
// refresh, which puts it into the state's outputs) — set-like lists compared as sets, a declared
// clientId that differs replacing, a secret compared through its fingerprint.
import fc from "fast-check";
import { check } from "../../src/check";
import { diff } from "../../src/diff";
import { secretFingerprint } from "../../src/fingerprint";
import { AUTHORIZATION_CODE_GRANT_RESOURCE, type ProviderResource } from "../../src/resources";
import {
  BUILT_IN_REST_APIS,
  KIND_TEMPLATES,
  materialize,
  type References,
} from "../arbitraries/declarations";

const REFS: References = {
  scopes: ["s.one", "s.two", "s.three"],
  restApis: BUILT_IN_REST_APIS,
  integrations: ["Fixture one", "Fixture two"],
};
const GENERATED_SECRET = "generated-by-the-server-0123456789abcdef";
const GENERATED_CLIENT_ID = "generated-client-id-0001";

const inputsOf = (kind: ProviderResource, declaration: Record<string, unknown>) => {
  const { inputs, failures } = check(kind, declaration);
  expect(failures).toEqual([]);
  return inputs;
};

/** The state after up of `inputs`: the inputs and what the server added (as outputs). */
function stateOf(kind: ProviderResource, inputs: Record<string, unknown>): Record<string, unknown> {
  const state: Record<string, unknown> = {
    ...inputs,
    id: "0190f0a0-0000-7000-8000-000000000001",
    version: 3,
  };
  if (kind === AUTHORIZATION_CODE_GRANT_RESOURCE) {
    state.clientId = inputs.clientId ?? GENERATED_CLIENT_ID;
    const secret = inputs.publicClient ? undefined : ((inputs.clientSecret as string) ?? GENERATED_SECRET);
    if (secret === undefined) delete state.clientSecret;
    else state.clientSecret = secret;
    state.clientSecretFingerprint = secret === undefined ? null : secretFingerprint(secret);
  }
  return state;
}

/** The oracle: which properties differ, written out without the provider's helpers. */
function differing(kind: ProviderResource, state: Record<string, unknown>, news: Record<string, unknown>) {
  const normal = (key: string, value: unknown) =>
    JSON.stringify(Array.isArray(value) && kind.setLists.includes(key) ? [...value].sort() : (value ?? null));
  const changed = Object.keys(kind.fields.shape).filter(
    (key) =>
      !["clientId", "clientSecret"].includes(key) && normal(key, state[key]) !== normal(key, news[key]),
  );
  const replaces = typeof news.clientId === "string" && news.clientId !== state.clientId ? ["clientId"] : [];
  const secret =
    typeof news.clientSecret === "string" && news.clientSecret !== state.clientSecret ? ["clientSecret"] : [];
  return { changed: [...changed, ...replaces, ...secret].sort(), replaces };
}

describe.each(KIND_TEMPLATES)("diff: $name", ({ kind, template }) => {
  test("reports exactly the properties that differ, an omitted optional one included", () => {
    fc.assert(
      fc.property(template(REFS), template(REFS), (a, b) => {
        const state = stateOf(kind, inputsOf(kind, materialize(a, "u-")));
        const news = inputsOf(kind, materialize(b, "u-"));
        const expected = differing(kind, state, news);
        const result = diff(kind, state, news);
        expect([...result.changed].sort()).toEqual(expected.changed);
        expect(result.replaces).toEqual(expected.replaces);
        expect(result.changes).toBe(expected.changed.length > 0);
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});

test("AuthorizationCodeGrant: an optional property the record has and the declaration omits is a change of that property", () => {
  const minimal = inputsOf(AUTHORIZATION_CODE_GRANT_RESOURCE, {
    name: "n",
    providerName: "p",
    redirectUrls: ["https://a.example/cb"],
  });
  const optional = Object.keys(AUTHORIZATION_CODE_GRANT_RESOURCE.fields.shape).filter(
    (key) => !["clientId", "clientSecret"].includes(key) && minimal[key] === undefined,
  );
  expect(optional.sort()).toEqual(["loginUrl", "logoUrl"]);
  fc.assert(
    fc.property(KIND_TEMPLATES[0]!.template(REFS), (t) => {
      const news = inputsOf(AUTHORIZATION_CODE_GRANT_RESOURCE, materialize(t, "u-"));
      for (const key of optional.filter((k) => news[k] === undefined)) {
        // Set out of band, then refreshed into the state (or declared before and removed since).
        const state = {
          ...stateOf(AUTHORIZATION_CODE_GRANT_RESOURCE, news),
          [key]: "https://elsewhere.example.com/",
        };
        expect(diff(AUTHORIZATION_CODE_GRANT_RESOURCE, state, news)).toMatchObject({
          changes: true,
          changed: [key],
          replaces: [],
        });
      }
    }),
    { numRuns: 100, seed: 11 },
  );
});
