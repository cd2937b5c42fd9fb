// The text the SDK writes as each resource's `__provider`, evaluated as Pulumi's dynamic-provider
// host evaluates it (a module whose handler() returns the provider), with the package's ./provider
// export standing for the installed package.

import { PROVIDER_MODULE, serializedProvider } from "../../../sdk/src/provider-object";
import type { ResourceClassName } from "../../src/dynamic";
import * as implementation from "../../src/dynamic";

/** What requireFromString does with the text, `require` resolving only the provider's package. */
function evaluate(text: string): { handler: () => unknown } {
  const module = { exports: {} as { handler: () => unknown } };
  const load = (name: string) => {
    if (name !== PROVIDER_MODULE) throw new Error(`the provider's text required ${name}`);
    return implementation;
  };
  new Function("exports", "require", "module", text)(module.exports, load, module);
  return module.exports;
}

const KINDS = Object.keys(implementation.RESOURCES_BY_CLASS) as ResourceClassName[];

describe("the SDK's serialized provider", () => {
  it.each(KINDS)("of %s evaluates to that kind's provider, one object per kind and process", (kind) => {
    const provider = evaluate(serializedProvider(kind)).handler();
    expect(provider).toBe(implementation.providerOf(kind));
    expect(evaluate(serializedProvider(kind)).handler()).toBe(provider);
    for (const other of KINDS.filter((k) => k !== kind))
      expect(implementation.providerOf(other)).not.toBe(provider);
    expect(Object.keys(provider as object).sort()).toEqual(
      ["check", "configure", "create", "delete", "diff", "read", "update"].sort(),
    );
  });

  it("runs each operation on its own kind", async () => {
    const provider = implementation.providerOf("AuthScope");
    const checked = await provider.check!({}, { name: "orders.read", __resource: "p/s/r" });
    expect(checked.failures).toBeUndefined();
    expect(checked.inputs).toMatchObject({ name: "orders.read", __resource: "p/s/r" });
    // An integration's required inputs are not an auth scope's.
    const refused = await implementation.providerOf("AuthorizationCodeGrant").check!(
      {},
      { name: "orders.read" },
    );
    expect(refused.failures?.map((failure) => failure.property)).toEqual(
      expect.arrayContaining(["providerName", "redirectUrls"]),
    );
  });

  it("names an unknown kind in its error", () => {
    expect(() => implementation.providerOf("Nope" as ResourceClassName)).toThrow(/no resource kind "Nope"/);
  });
});
