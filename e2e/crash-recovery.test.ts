// Proves that a crash of the authorization server in the middle of a large `pulumi up` is
// recoverable by just running `pulumi up` again: every declared record exists once, and no record
// is left on the server without a resource in the stack's state (or the other way round).
//
// The crash is made to hit the worst moment: the provider reaches the server through a relay that,
// just before the kill, stops passing on the answers to creates. The server has committed those
// records but the provider never learns their ids (as when a server dies between its commit and its
// answer). Then the server is SIGKILLed and the held connections are dropped.
//
// What the engine does (observed with the real engine): the creates in flight fail once the
// provider's retries find no server (about 1.5 s); the engine records no resource for a failed
// create and clears its pending operation, starts no further step, and the up fails. The state then
// lacks records that the server holds: no pending operation is left for the user to clear (no
// `pulumi refresh --clear-pending-creates` needed, because the engine itself did not crash). The
// rerun creates the missing resources again; the provider's deterministic Idempotency-Key (project,
// stack, resource name and body) makes the restarted server replay the answer of the first create
// instead of refusing the name as taken, so the lost records are taken into the state.
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { PulumiStack } from "../scripts/pulumi/stack";
import { type Collection, World } from "./helpers/world";

jest.setTimeout(900_000);

const PROGRAM = "e2e/programs/many-integrations.ts";
const PROJECT = "e2e-many-integrations";
const DECLARED = 50;
/** The relay starts holding answers once this many records exist (and before all of them do). */
const KILL_AT = 10;
/** Creates committed by the server whose answers are held back before the kill. */
const LOST_ANSWERS = 3;

const DECLARED_NAMES = [
  "crash.read",
  ...Array.from({ length: DECLARED - 1 }, (_, i) => `crash-app-${String(i + 1).padStart(3, "0")}`),
].sort();

/**
 * A relay between the provider and the server. While `holding`, it passes requests on but keeps the
 * successful answers to POSTs (committed creates) to itself, their connections left waiting.
 */
class Relay {
  holding = false;
  readonly held: Socket[] = [];
  private constructor(
    private readonly server: Server,
    private readonly targetPort: number,
  ) {}

  static async start(targetPort: number): Promise<Relay> {
    let relay: Relay | undefined;
    const server = createServer((incoming, outgoing) => relay?.pass(incoming, outgoing));
    relay = new Relay(server, targetPort);
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    return relay;
  }

  get base(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Drops every held connection: the provider sees its requests fail with no answer. */
  dropHeld(): void {
    for (const socket of this.held.splice(0)) socket.destroy();
  }

  async stop(): Promise<void> {
    this.dropHeld();
    this.server.closeAllConnections();
    await new Promise((done) => this.server.close(done));
  }

  private pass(incoming: IncomingMessage, outgoing: ServerResponse) {
    const upstream = request(
      {
        host: "127.0.0.1",
        port: this.targetPort,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        if (this.holding && incoming.method === "POST" && answer.statusCode === 201) {
          answer.resume();
          this.held.push(incoming.socket);
          return;
        }
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    // No server behind the relay: the connection closes without an answer, as a crash looks.
    upstream.once("error", () => incoming.socket.destroy());
    incoming.pipe(upstream);
  }
}

async function serverRecords(world: World): Promise<Array<Record<string, unknown>>> {
  const collections: Collection[] = ["auth-scopes", "integrations"];
  return (await Promise.all(collections.map((collection) => world.list(collection)))).flat();
}

/** The stack's state: the provider's resources (dynamic resources of an inbound-oauth type) and pending operations. */
async function state(stack: PulumiStack) {
  const { deployment } = await stack.exportState();
  const resources = (deployment.resources ?? []).filter(
    (resource) =>
      resource.custom === true && String(resource.type).startsWith("pulumi-nodejs:dynamic/inbound-oauth:"),
  );
  const pending = (deployment as { pending_operations?: unknown[] }).pending_operations ?? [];
  return { ids: resources.map((resource) => String(resource.id)).sort(), pending };
}

/** Polls `condition` until it holds (the up runs meanwhile); fails after two minutes. */
async function waitFor(what: string, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited two minutes for ${what}`);
    await sleep(25);
  }
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

it("a server killed during an up of 50 resources, then restarted: the rerun converges with no duplicate and no orphan record", async () => {
  const world = await World.start("crash-recovery");
  const relay = await Relay.start(world.server.port);
  const log: string[] = [];
  try {
    const stack = await world.stack("many", PROGRAM, {
      projectName: PROJECT,
      config: { "inbound-oauth:endpoint": { value: relay.base } },
    });

    // 1. The up starts. Once KILL_AT records exist, the answers of the next creates are held back,
    // then the server is killed and the held connections dropped.
    let start = Date.now();
    const firstUp = stack.up();
    await waitFor(`${KILL_AT} records`, async () => (await serverRecords(world)).length >= KILL_AT);
    relay.holding = true;
    await waitFor(`${LOST_ANSWERS} held answers`, async () => relay.held.length >= LOST_ANSWERS);
    const atKill = (await serverRecords(world)).length;
    await world.server.kill();
    relay.dropHeld();
    log.push(`records at the kill: ${atKill} (${seconds(start)} after the up started)`);
    expect(atKill).toBeLessThan(DECLARED); // else the crash came too late to test anything

    const killedAt = Date.now();
    const crashed = await firstUp;
    log.push(`the interrupted up failed ${seconds(killedAt)} after the kill`);
    expect(crashed.ok).toBe(false);
    const afterCrash = await state(stack);
    expect(afterCrash.pending).toEqual([]);

    // 2. Restarted on the same port and database, the server holds records the state lacks.
    start = Date.now();
    relay.holding = false;
    await world.restart();
    const committed = await serverRecords(world);
    log.push(
      `after the crash: ${committed.length} records on the server, ${afterCrash.ids.length} in the state (restart took ${seconds(start)})`,
    );
    expect(committed.length).toBeGreaterThanOrEqual(afterCrash.ids.length + LOST_ANSWERS);

    // 3. The rerun creates what the state lacks; the lost creates are replayed, not refused.
    start = Date.now();
    const rerun = await stack.up();
    log.push(`rerun: ${JSON.stringify(rerun.changes)} in ${seconds(start)}`);
    expect(rerun.error).toBeUndefined();
    expect(rerun.changes).toEqual({
      create: DECLARED - afterCrash.ids.length,
      same: afterCrash.ids.length + 1,
    });
    expect(rerun.outputs?.resourceCount?.value).toBe(DECLARED);

    // 4. Exactly the declared records, each once, and the state holds exactly their ids.
    const records = await serverRecords(world);
    expect(records.map((record) => String(record.name)).sort()).toEqual(DECLARED_NAMES);
    const converged = await state(stack);
    expect(converged.ids).toEqual(records.map((record) => String(record.id)).sort());
    expect(converged.pending).toEqual([]);
    // The records committed before the crash kept their ids: none was deleted and recreated.
    expect(converged.ids).toEqual(expect.arrayContaining(committed.map((record) => String(record.id))));

    start = Date.now();
    const preview = await stack.preview({ expectNoChanges: true });
    log.push(`preview with expectNoChanges: ${seconds(start)}`);
    expect(preview.error).toBeUndefined();
    expect(preview.ok).toBe(true);

    // 5. The plain CLI's destroy leaves nothing behind.
    start = Date.now();
    const destroy = await stack.cli(["destroy", "--yes"]);
    log.push(`pulumi destroy: ${seconds(start)}`);
    expect({ code: destroy.code, stderr: destroy.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(await serverRecords(world)).toEqual([]);
  } finally {
    console.log(`crash recovery:\n  ${log.join("\n  ")}`);
    await relay.stop();
    await world.stop();
  }
});
