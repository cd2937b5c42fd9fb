// Proves what happens on examples/basic when a managed record is deleted outside Pulumi (DELETE
// through the management API): the plain CLI's drift check `pulumi refresh --preview-only
// --expect-no-changes` exits with the engine's drift code 7, showing the integration as deleted,
// and writes nothing; the plain `pulumi refresh --yes` drops it from the state; up creates it
// again (a new record, a new client with a secret Pulumi holds) with no duplicate; the next
// preview is empty.
import { secretFingerprint } from "../provider/src/fingerprint";
import { World } from "./helpers/world";

jest.setTimeout(600_000);

const APP_TYPE = "pulumi-nodejs:dynamic/inbound-oauth:AuthorizationCodeGrant";
const APP_URN = `urn:pulumi:dev::examples-basic::${APP_TYPE}::web-app`;
const SCOPE_URN =
  "urn:pulumi:dev::examples-basic::pulumi-nodejs:dynamic/inbound-oauth:AuthScope::useraccount";
/** The engine's exit code when `--expect-no-changes` finds changes. */
const DRIFT = 7;

it("an integration deleted out of band is reported by the drift check, dropped by refresh and recreated by up", async () => {
  const world = await World.start("out-of-band-delete");
  try {
    const stack = await world.stack("basic", "examples/basic/index.ts", { projectName: "examples-basic" });
    const first = await stack.up();
    expect(first.ok).toBe(true);
    expect(first.changes).toEqual({ create: 3 });
    const [deleted] = await world.list("integrations");
    const [scope] = await world.list("auth-scopes");

    expect((await world.api("DELETE", `/api/v1/integrations/${deleted!.id}`)).status).toBe(204);
    expect(await world.list("integrations")).toEqual([]);

    // The drift check: exit 7, the integration to be deleted from the state, the scope unchanged.
    const before = await world.audit();
    const check = await stack.cli(["refresh", "--preview-only", "--expect-no-changes"]);
    expect(check.code).toBe(DRIFT);
    expect(check.stderr).toContain("no changes were expected for refresh but changes were proposed");
    expect(check.stdout).toMatch(new RegExp(`^ -  ${APP_TYPE} web-app delete\\s*$`, "m"));
    expect(check.stdout).toMatch(/- 1 to delete\n\s+2 unchanged/);
    expect(await world.audit()).toEqual(before);

    // refresh drops it from the state, and only it.
    const refresh = await stack.cli(["refresh", "--yes"]);
    expect(refresh.code).toBe(0);
    expect(refresh.stdout).toMatch(/- 1 deleted\n\s+2 unchanged/);
    const urns = ((await stack.exportState()).deployment.resources ?? []).map((r) => r.urn);
    expect(urns).not.toContain(APP_URN);
    expect(urns).toContain(SCOPE_URN);
    expect(await world.audit()).toEqual(before);

    // up creates it again: a new record, one of that name.
    const up = await stack.up();
    expect(up.ok).toBe(true);
    expect(up.changes).toEqual({ create: 1, same: 2 });
    const apps = await world.list("integrations");
    expect(apps).toHaveLength(1);
    const [app] = apps;
    expect(app!.id).not.toBe(deleted!.id);
    expect(app).toMatchObject({ name: "Example web app", authScopes: ["useraccount"] });
    expect(
      (await world.api("GET", `/api/v1/integrations?name=${encodeURIComponent("Example web app")}`)).body
        .items,
    ).toHaveLength(1);
    expect(up.outputs!.clientId!.value).toBe(app!.clientId);
    expect(app!.clientId).not.toBe(deleted!.clientId);
    expect(app!.clientSecretFingerprint).toBe(secretFingerprint(up.outputs!.clientSecret!.value as string));
    expect(await world.list("auth-scopes")).toEqual([scope]);
    const writes = (await world.audit()).slice(before.length);
    expect(writes.map((e) => [e.action, e.recordId])).toEqual([["create", app!.id]]);

    const preview = await stack.preview({ expectNoChanges: true });
    expect(preview.ok).toBe(true);
    expect(preview.changes).toEqual({ same: 3 });
  } finally {
    await world.stop();
  }
});
