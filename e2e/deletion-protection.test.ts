// Proves deletion protection end to end on examples/multi-stack's "prod" stack (its own
// Pulumi.prod.yaml sets deletionProtection): the plain CLI's `pulumi destroy` fails with a message
// saying what to change and the protected integration stays on the server; once the config turns
// the protection off and `pulumi up` applies it, `pulumi destroy` leaves the server empty.
import type { PulumiStack } from "../scripts/pulumi/stack";
import { exampleStackConfig } from "./helpers/examples";
import { World } from "./helpers/world";

jest.setTimeout(600_000);

const EXAMPLE = "examples/multi-stack";
const PROJECT = "examples-multi-stack";

describe("deletion protection (examples/multi-stack, stack prod)", () => {
  let world: World;
  let stack: PulumiStack;

  beforeAll(async () => {
    world = await World.start("deletion-protection");
    const config = exampleStackConfig("multi-stack", "prod");
    expect(config[`${PROJECT}:deletionProtection`]).toEqual({ value: "true" });
    stack = await world.stack("prod", `${EXAMPLE}/index.ts`, {
      projectName: PROJECT,
      stackName: "prod",
      config,
    });
    const up = await stack.up();
    expect(up.error).toBeUndefined();
    expect(up.changes).toEqual({ create: 3 });
  });

  afterAll(async () => {
    await world?.stop();
  });

  it("pulumi destroy fails, saying to set deletionProtection: false, and the integration stays", async () => {
    const [integration] = await world.list("integrations");
    expect(integration).toMatchObject({ name: "orders-app-prod", deletionProtection: true });

    const destroy = await stack.cli(["destroy", "--yes"]);
    expect(destroy.code).not.toBe(0);
    const output = `${destroy.stdout}\n${destroy.stderr}`;
    expect(output).toContain(`AuthorizationCodeGrant ${integration!.id} has deletion protection`);
    expect(output).toContain("set `deletionProtection: false` on the resource and run `pulumi up`");
    expect(await world.list("integrations")).toEqual([integration]);
    expect((await world.list("auth-scopes")).map((scope) => scope.name)).toEqual(["orders.read-prod"]);
  });

  it("after deletionProtection false and an up, pulumi destroy leaves the server empty", async () => {
    await stack.configure({ [`${PROJECT}:deletionProtection`]: { value: "false" } });
    const up = await stack.up();
    expect(up.error).toBeUndefined();
    expect(up.changes).toEqual({ update: 1, same: 2 });
    expect(await world.list("integrations")).toEqual([
      expect.objectContaining({ name: "orders-app-prod", deletionProtection: false }),
    ]);

    const destroy = await stack.cli(["destroy", "--yes"]);
    expect({ code: destroy.code, stderr: destroy.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(await world.list("integrations")).toEqual([]);
    expect(await world.list("auth-scopes")).toEqual([]);
  });
});
