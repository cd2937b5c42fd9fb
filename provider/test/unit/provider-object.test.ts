// Pulumi serializes a dynamic provider once per object (its closure analysis costs tens of
// milliseconds of CPU); the SDK therefore hands every resource of a kind the same object.
import { providerObject } from "../../../sdk/src/provider-object";

describe("the SDK's provider objects", () => {
  it("are one object per kind, so Pulumi serializes each kind once per program", () => {
    expect(providerObject("AuthorizationCodeGrant")).toBe(providerObject("AuthorizationCodeGrant"));
    expect(providerObject("AuthScope")).toBe(providerObject("AuthScope"));
    expect(providerObject("AuthScope")).not.toBe(providerObject("ApiAccessPolicy"));
  });
});
