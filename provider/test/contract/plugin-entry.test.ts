// What Pulumi's dynamic-provider host loads, once per process (a fresh process for every preview and
// up, two for refresh and destroy): the provider's operations and its client need no package beyond
// zod and the contract. Its HTTP client is Node's own: loading undici cost every plugin process
// ~0.1 s of CPU, and compiling its parser's WebAssembly at the first connection more.
jest.mock("undici", () => {
  throw new Error("the provider loaded undici");
});

test("the provider's entry, its client and a request load no HTTP client package", async () => {
  const provider = require("../../src/plugin-entry") as typeof import("../../src/plugin-entry");
  expect(typeof provider.providerOf("AuthorizationCodeGrant").create).toBe("function");
  const { ManagementClient } = require("../../src/http/client") as typeof import("../../src/http/client");
  // Nothing listens on port 9 of loopback: the request fails without an answer, after loading what it needs.
  const client = new ManagementClient({ endpoint: "http://127.0.0.1:9", adminToken: "t" }, { retries: 0 });
  try {
    await expect(client.get("/api/v1/integrations")).rejects.toMatchObject({ code: "NETWORK_ERROR" });
  } finally {
    await client.close();
  }
});
