// The grant rules that need no database, over generated inputs: a refresh may only narrow the
// scope (RFC 6749 §6), and the dispatcher runs only the grant types it lists — any other name,
// inherited property names included, is unsupported_grant_type before anything is read.
import fc from "fast-check";
import type { Client } from "../../src/domain/oauth/clients";
import { OAuthError } from "../../src/domain/oauth/errors";
import { exchangeGrant, GRANT_TYPES, type GrantContext } from "../../src/domain/oauth/grants";
import { narrowedScope } from "../../src/domain/oauth/grants/refresh-token";

const scopeName = fc.stringMatching(/^[a-z][a-z0-9._:-]{0,11}$/);
const scopes = fc.uniqueArray(scopeName, { maxLength: 6 });

function refusal(run: () => unknown): OAuthError | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof OAuthError) return error;
    throw error;
  }
}

describe("a refresh may only narrow the scope", () => {
  test("no scope asked: the granted scope, unchanged", () => {
    fc.assert(
      fc.property(scopes, (granted) => narrowedScope(granted.join(" "), undefined) === granted.join(" ")),
    );
  });

  test("a subset (any order, repeats, extra spaces) is granted as asked, each once", () => {
    fc.assert(
      fc.property(
        scopes.chain((granted) =>
          fc.tuple(fc.constant(granted), fc.array(fc.constantFrom(...granted, ""), { maxLength: 8 })),
        ),
        ([granted, asked]) => {
          const result = narrowedScope(granted.join(" "), asked.join(" "));
          const expected = [...new Set(asked.filter(Boolean))];
          expect(result).toBe(expected.join(" "));
          for (const name of result.split(" ").filter(Boolean)) expect(granted).toContain(name);
        },
      ),
    );
  });

  test("any scope not granted → invalid_scope naming each, whatever else is asked", () => {
    fc.assert(
      fc.property(
        scopes,
        scopes,
        fc.uniqueArray(scopeName, { minLength: 1, maxLength: 3 }),
        (granted, kept, added) => {
          const extra = added.filter((name) => !granted.includes(name));
          fc.pre(extra.length > 0);
          const asked = [...kept.filter((name) => granted.includes(name)), ...added];
          const error = refusal(() => narrowedScope(granted.join(" "), asked.join(" ")));
          expect(error?.body()).toEqual({
            error: "invalid_scope",
            error_description: `A refresh cannot add scopes: ${[...new Set(asked)].filter((name) => !granted.includes(name)).join(", ")} were not granted.`,
          });
          expect(error?.status).toBe(400);
        },
      ),
    );
  });
});

describe("the grant dispatcher", () => {
  /** A context and client that fail the test if the dispatcher reads them. */
  const untouchable = <T extends object>() =>
    new Proxy({} as T, {
      get(_target, name) {
        throw new Error(`the dispatcher read ${String(name)} for an unsupported grant`);
      },
    });

  test("lists exactly the grants of its folder", () => {
    expect(GRANT_TYPES).toEqual(["authorization_code", "refresh_token"]);
  });

  test("any other grant_type → unsupported_grant_type, before reading the context", async () => {
    const names = fc.oneof(
      fc.string({ minLength: 1, maxLength: 40 }),
      fc.constantFrom(
        "__proto__",
        "toString",
        "constructor",
        "hasOwnProperty",
        "password",
        "client_credentials",
      ),
    );
    await fc.assert(
      fc.asyncProperty(names, async (grantType) => {
        fc.pre(!(GRANT_TYPES as string[]).includes(grantType));
        const error = await exchangeGrant(untouchable<GrantContext>(), untouchable<Client>(), {
          grant_type: grantType,
        }).catch((thrown: unknown) => thrown);
        expect(error).toBeInstanceOf(OAuthError);
        expect((error as OAuthError).body()).toEqual({
          error: "unsupported_grant_type",
          error_description: "Only authorization_code and refresh_token are supported.",
        });
      }),
    );
  });

  test("no grant_type → invalid_request", async () => {
    const error = await exchangeGrant(untouchable<GrantContext>(), untouchable<Client>(), {}).catch(
      (thrown: unknown) => thrown,
    );
    expect((error as OAuthError).body()).toEqual({
      error: "invalid_request",
      error_description: "grant_type is required.",
    });
  });
});
