// Proves, with the real Pulumi engine on examples/basic, that one stack can be destroyed and
// brought up again as often as it likes (a review stack per pull request does this all day): ten
// destroy/up cycles of the same program, each up converging with exactly the declared records, once
// each, and the state holding exactly their ids. The creates of every cycle carry the same inputs,
// so they start from the same Idempotency-Key; each cycle's record is new (the last one was deleted).
import type { PulumiStack } from "../scripts/pulumi/stack";
import { type Collection, World } from "./helpers/world";

jest.setTimeout(900_000);

const CYCLES = 10;

async function liveRecords(world: World) {
  const collections: Collection[] = ["auth-scopes", "integrations"];
  return (await Promise.all(collections.map((collection) => world.list(collection)))).flat();
}

async function stateIds(stack: PulumiStack): Promise<string[]> {
  const { deployment } = await stack.exportState();
  return (deployment.resources ?? [])
    .filter((r) => String(r.type).startsWith("pulumi-nodejs:dynamic/inbound-oauth:"))
    .map((r) => String(r.id))
    .sort();
}

it(`${CYCLES} destroy/up cycles of one stack: each up converges, with no duplicate record`, async () => {
  const world = await World.start("recreate-cycles");
  try {
    const stack = await world.stack("basic", "examples/basic/index.ts", { projectName: "examples-basic" });
    const seen = new Set<string>();
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const up = await stack.up();
      expect({ cycle, ok: up.ok, error: up.error }).toEqual({ cycle, ok: true, error: undefined });
      expect(up.changes).toEqual({ create: 3 });
      const records = await liveRecords(world);
      expect(records.map((r) => String(r.name)).sort()).toEqual(["Example web app", "useraccount"]);
      const ids = records.map((r) => String(r.id)).sort();
      expect(await stateIds(stack)).toEqual(ids);
      for (const id of ids) {
        expect(seen.has(id)).toBe(false); // a new record each cycle, not a deleted one replayed
        seen.add(id);
      }
      const destroy = await stack.cli(["destroy", "--yes"]);
      expect({ cycle, code: destroy.code }).toEqual({ cycle, code: 0 });
      expect(await liveRecords(world)).toEqual([]);
    }
  } finally {
    await world.stop();
  }
});
