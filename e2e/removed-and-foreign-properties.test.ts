// Proves, with the real Pulumi engine on examples/basic, that the server ends up holding exactly
// what the program declares when an optional property (logoUrl, loginUrl) is absent from it:
// - removed from the program: the preview shows the removal, up applies it, the record has none;
// - set out of band: the drift check exits 7, `up --refresh` clears it, the drift check exits 0.
import type { PulumiStack } from "../scripts/pulumi/stack";
import { World } from "./helpers/world";

jest.setTimeout(600_000);

const APP_TYPE = "pulumi-nodejs:dynamic/inbound-oauth:AuthorizationCodeGrant";
/** The engine's exit code when `--expect-no-changes` finds changes. */
const DRIFT = 7;
const LOGO_URL = "https://cdn.example.com/example-web-app/logo.png";
const FOREIGN_LOGIN = "https://login.attacker.example/phish";

async function theIntegration(world: World): Promise<Record<string, unknown>> {
  const apps = await world.list("integrations");
  expect(apps).toHaveLength(1);
  return apps[0]!;
}

const driftCheck = (stack: PulumiStack) => stack.cli(["refresh", "--preview-only", "--expect-no-changes"]);

it("removing a declared optional property (logoUrl): the preview shows it, up removes it from the record", async () => {
  const world = await World.start("removed-property");
  try {
    const stack = await world.stack("basic", "e2e/programs/basic-with-logo.ts", {
      projectName: "examples-basic",
    });
    expect((await stack.up()).ok).toBe(true);
    const created = await theIntegration(world);
    expect(created.logoUrl).toBe(LOGO_URL);

    stack.useProgram("examples/basic/index.ts");
    const preview = await stack.preview({ diff: true });
    expect(preview.ok).toBe(true);
    expect(preview.changes).toEqual({ same: 2, update: 1 });
    expect(preview.stdout).toMatch(
      /^ {6}- logoUrl\s*: "https:\/\/cdn\.example\.com\/example-web-app\/logo\.png"$/m,
    );
    expect((await theIntegration(world)).logoUrl).toBe(LOGO_URL); // a preview writes nothing

    const up = await stack.up();
    expect(up.ok).toBe(true);
    expect(up.changes).toEqual({ same: 2, update: 1 });
    const live = await theIntegration(world);
    expect(live.id).toBe(created.id);
    expect(live).not.toHaveProperty("logoUrl");

    const again = await stack.preview({ expectNoChanges: true });
    expect(again.ok).toBe(true);
    expect((await driftCheck(stack)).code).toBe(0);
  } finally {
    await world.stop();
  }
});

it("a loginUrl set out of band: the drift check exits 7, up --refresh removes it, the drift check exits 0", async () => {
  const world = await World.start("foreign-login-url");
  try {
    const stack = await world.stack("basic", "examples/basic/index.ts", { projectName: "examples-basic" });
    expect((await stack.up()).ok).toBe(true);
    const app = await theIntegration(world);
    expect(app).not.toHaveProperty("loginUrl");
    const edit = await world.edit("integrations", String(app.id), { loginUrl: FOREIGN_LOGIN });
    expect(edit.status).toBe(200);

    const drift = await driftCheck(stack);
    expect(drift.code).toBe(DRIFT);
    expect(drift.stdout).toMatch(new RegExp(`~  ${APP_TYPE} web-app update \\[diff: [^\\]]*loginUrl`));

    const up = await stack.up({ refresh: true });
    expect(up.ok).toBe(true);
    expect(up.changes).toEqual({ same: 2, update: 1 });
    const live = await theIntegration(world);
    expect(live.id).toBe(app.id);
    expect(live).not.toHaveProperty("loginUrl");

    expect((await driftCheck(stack)).code).toBe(0);
    const preview = await stack.preview({ expectNoChanges: true });
    expect(preview.ok).toBe(true);
  } finally {
    await world.stop();
  }
});
