// Proves that each example folder is an ordinary Pulumi project a user runs with the plain CLI:
// in a copy of the folder, `pulumi stack init`, `pulumi config set` (the endpoint; the admin token goes in
// INBOUND_OAUTH_ADMIN_TOKEN; multi-stack's redirect URLs with --path), `pulumi preview --diff` (lists the creates,
// writes nothing), `pulumi up --yes` (creates the records) and `pulumi destroy --yes` (removes them).
// This needs the Node.js language host, `pulumi-language-nodejs`, which a full Pulumi install has
// and the CLI built here does not: without one on the CLI's PATH the tests are skipped, and the
// title says so (examples-lifecycle.test.ts runs the same programs through the Automation API).
import {
  accessSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  rmSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { type CommandResult, offlineEnv, PULUMI_BIN, REPO_ROOT, runPulumi } from "../scripts/pulumi/cli";
import { exampleStackFile } from "./helpers/examples";
import { COLLECTIONS, type Collection, World } from "./helpers/world";

jest.setTimeout(600_000);

/**
 * The `pulumi-language-nodejs` the CLI would run: the CLI looks beside its own (resolved)
 * executable, then on its PATH (the PATH of offlineEnv: .tools/pulumi/bin, this Node, the user's).
 */
function findLanguageHost(): string | undefined {
  const cli = join(PULUMI_BIN, "pulumi");
  const dirs = [
    ...(existsSync(cli) ? [dirname(realpathSync(cli))] : []),
    ...(offlineEnv(REPO_ROOT).PATH ?? "").split(":").filter(Boolean),
  ];
  for (const dir of dirs) {
    const candidate = join(dir, "pulumi-language-nodejs");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

interface Example {
  folder: string;
  /** Steps of the first preview and up (the stack itself included). */
  creates: number;
  /** Names of the records up creates, per collection. */
  names: Record<Collection, string[]>;
  /** A confidential client: the stack exports its secret as `clientSecret`. */
  confidential: boolean;
  /** `pulumi config set --path <key> <value>` pairs beyond the provider's settings. */
  pathConfig: Array<[key: string, value: string]>;
}

/** multi-stack's committed Pulumi.dev.yaml, set as a user would with `pulumi config set --path`. */
function multiStackDevConfig(): Array<[string, string]> {
  const urls = exampleStackFile("multi-stack", "dev")["examples-multi-stack:redirectUrls"] as string[];
  return urls.map((url, index) => [`redirectUrls[${index}]`, url]);
}

const EXAMPLES: Example[] = [
  {
    folder: "basic",
    creates: 3,
    confidential: true,
    names: { "auth-scopes": ["useraccount"], integrations: ["Example web app"], "api-access-policies": [] },
    pathConfig: [],
  },
  {
    folder: "spa-public-client",
    creates: 3,
    confidential: false,
    names: {
      "auth-scopes": ["spa.read"],
      integrations: ["Example single-page app"],
      "api-access-policies": [],
    },
    pathConfig: [],
  },
  {
    folder: "token-restriction",
    creates: 5,
    confidential: true,
    names: {
      "auth-scopes": ["attachments.read", "records.read"],
      integrations: ["Reporting app"],
      "api-access-policies": ["Reporting app: Table API only"],
    },
    pathConfig: [],
  },
  {
    folder: "multi-stack",
    creates: 3,
    confidential: true,
    names: {
      "auth-scopes": ["orders.read-dev"],
      integrations: ["orders-app-dev"],
      "api-access-policies": [],
    },
    pathConfig: multiStackDevConfig(),
  },
];

const STACK = "dev";
const LANGUAGE_HOST = findLanguageHost();
const describeWithLanguageHost = LANGUAGE_HOST ? describe : describe.skip;
const TITLE = LANGUAGE_HOST
  ? `each example in its own folder with the plain CLI, as a user runs it (${LANGUAGE_HOST})`
  : "each example in its own folder with the plain CLI (skipped: no pulumi-language-nodejs on PATH; the Automation API tests of examples-lifecycle.test.ts cover the same programs)";

describeWithLanguageHost(TITLE, () => {
  let world: World;

  beforeAll(async () => {
    world = await World.start("language-host");
  });
  afterAll(async () => {
    await world?.stop();
  });

  /** Names held by the server, per collection. */
  const names = async (): Promise<Record<Collection, string[]>> => {
    const all = await Promise.all(
      COLLECTIONS.map(async (c) => [c, (await world.list(c)).map((r) => String(r.name)).sort()] as const),
    );
    return Object.fromEntries(all) as Record<Collection, string[]>;
  };
  const none: Record<Collection, string[]> = {
    integrations: [],
    "auth-scopes": [],
    "api-access-policies": [],
  };
  const expectOk = (result: CommandResult) => {
    // The whole output in the failure message: what the CLI said is the diagnosis.
    expect({ code: result.code, output: result.code === 0 ? "" : result.stdout + result.stderr }).toEqual({
      code: 0,
      output: "",
    });
  };

  describe.each(EXAMPLES)("examples/$folder", (example) => {
    // A copy of the example folder inside the repository (node_modules resolve from its root), so
    // that the example itself gets no Pulumi.<stack>.yaml; the committed stack files stay out of
    // the copy: config is set below with `pulumi config set`, as the READMEs tell users.
    const projectDir = join(REPO_ROOT, "test-output", "e2e", "language-host", example.folder);
    const stateDir = join(REPO_ROOT, "test-output", "e2e", "language-host", `${example.folder}-state`);
    // The admin token in the environment of every command, as the READMEs tell users.
    const pulumi = (...args: string[]) =>
      runPulumi(args, {
        cwd: projectDir,
        stateDir,
        env: { INBOUND_OAUTH_ADMIN_TOKEN: world.server.adminToken },
      });

    beforeAll(() => {
      cpSync(join(REPO_ROOT, "examples", example.folder), projectDir, {
        recursive: true,
        filter: (source) =>
          !["node_modules", "bin"].includes(basename(source)) && !/^Pulumi\..+\.yaml$/.test(basename(source)),
      });
      for (const folder of ["backend", "home"]) mkdirSync(join(stateDir, folder), { recursive: true });
    });
    // The copy's package.json has the example's package name: left in place, it would collide with
    // the example's in Jest's module map on every later run (the state folder stays, for diagnosis).
    afterAll(() => {
      rmSync(projectDir, { recursive: true, force: true });
    });

    it("pulumi stack init and pulumi config set configure a new stack", async () => {
      expectOk(await pulumi("stack", "init", STACK));
      expectOk(await pulumi("config", "set", "inbound-oauth:endpoint", world.server.base, "--stack", STACK));
      for (const [key, value] of example.pathConfig) {
        expectOk(await pulumi("config", "set", "--path", key, value, "--stack", STACK));
      }
      const stackFile = readFileSync(join(projectDir, `Pulumi.${STACK}.yaml`), "utf8");
      expect(stackFile).toContain(world.server.base);
      expect(stackFile).not.toContain(world.server.adminToken);
    });

    it("pulumi preview --diff lists every create and writes nothing to the server", async () => {
      const auditBefore = await world.audit();
      const preview = await pulumi("preview", "--diff", "--stack", STACK);
      expectOk(preview);
      expect(preview.stdout).toMatch(new RegExp(`^\\s*\\+ ${example.creates} to create$`, "m"));
      expect(preview.stdout.match(/^\s*\+ \S+: \(create\)$/gm)).toHaveLength(example.creates);
      for (const name of Object.values(example.names).flat()) expect(preview.stdout).toContain(`"${name}"`);
      expect(await world.audit()).toEqual(auditBefore);
      expect(await names()).toEqual(none);
    });

    it("pulumi up --yes creates the declared records and keeps the secrets out of its output", async () => {
      const up = await pulumi("up", "--yes", "--stack", STACK);
      expectOk(up);
      expect(up.stdout).toMatch(new RegExp(`^\\s*\\+ ${example.creates} created$`, "m"));
      expect(await names()).toEqual(example.names);
      const output = await pulumi("stack", "output", "--json", "--show-secrets", "--stack", STACK);
      expectOk(output);
      const { clientSecret } = JSON.parse(output.stdout) as { clientSecret?: string };
      expect(typeof clientSecret).toBe(example.confidential ? "string" : "undefined");
      for (const hidden of [world.server.adminToken, ...(clientSecret ? [clientSecret] : [])]) {
        expect(up.stdout + up.stderr).not.toContain(hidden);
      }
    });

    it("pulumi destroy --yes removes every record", async () => {
      expectOk(await pulumi("destroy", "--yes", "--stack", STACK));
      expect(await names()).toEqual(none);
    });
  });
});
