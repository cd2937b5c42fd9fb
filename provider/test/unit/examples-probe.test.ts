test("probe", async () => {
  jest.resetModules();
  process.env.INBOUND_OAUTH_ADMIN_TOKEN = "tok-secret-123";
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  const seen: any[] = [];
  await pulumi.runtime.setMocks({
    newResource: (args) => { seen.push(args); return { id: `${args.name}-id`, state: { ...args.inputs, clientId: args.inputs.clientId ?? "mock-client-id", clientSecret: args.inputs.publicClient ? undefined : "mock-secret" } }; },
    call: (args) => args.inputs,
  }, "examples-basic", "dev");
  const mod = require("../../../examples/basic/index");
  const v = await new Promise((r) => mod.clientSecret.apply(r));
  console.log(v, await mod.clientSecret.isSecret, await pulumi.isSecret(mod.clientId));
  await new Promise((r) => setTimeout(r, 500));
  for (const s of seen) console.log(s.type, s.name, JSON.stringify(s.inputs).slice(0, 3000));
}, 60000);
