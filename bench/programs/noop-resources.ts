// The engine benchmark's baseline program (bench/pulumi-engine.ts): `count` resources (stack config
// `count`, default 100) of a dynamic provider that does no I/O at all, with the same inputs as the
// integrations of inbound-oauth-integrations.ts. What up, refresh and destroy of this stack cost is
// the engine's own cost: the CLI, the dynamic-provider plugin, the gRPC calls and the state file.
import * as pulumi from "@pulumi/pulumi";

// Pulumi's closure serializer writes this object into each resource's state (`__provider`) and the
// dynamic-provider plugin evaluates it: it captures nothing, so it stays self-contained.
const noopProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: String(inputs.name), outs: inputs };
  },
  async read(id, props) {
    return { id, props };
  },
  async delete() {},
};

class NoopResource extends pulumi.dynamic.Resource {
  constructor(name: string, args: Record<string, pulumi.Input<unknown>>) {
    super(noopProvider, name, args, undefined, "bench-noop", "NoopResource");
  }
}

const config = new pulumi.Config();
const count = config.getNumber("count") ?? 100;

const noops: NoopResource[] = [];
for (let i = 0; i < count; i++) {
  noops.push(
    new NoopResource(`app-${i}`, {
      name: `bench-engine-app-${i}`,
      providerName: "Engine benchmark",
      redirectUrls: [`https://app-${i}.example.com/oauth/callback`],
    }),
  );
}

export const resources = noops.length;
