// The SDK as users install it: `npm pack` of sdk/ into a temporary folder, then `npm install` of that
// tarball (with the repository's @pulumi/pulumi version beside it) into a program folder of its own,
// so that the SDK's real path is inside a node_modules folder and the program, the SDK, the runner's
// Automation API and the dynamic-provider plugin all use that folder's one @pulumi/pulumi.
import {
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { join, relative, sep } from "node:path";
import { onCleanup } from "../lib/cleanup";
import { log, packageVersion, REPO, run } from "../lib/common";
import { SIDES } from "./settings";

export interface PackedInstall {
  /** The program folder: package.json, node_modules/ and the program (index.ts). */
  dir: string;
  program: string;
  /** The stack's folder, inside `dir` (so that the plugin, which runs there, resolves its node_modules). */
  stackDir: string;
  tarball: { file: string; bytes: number; files: number };
  /** What npm installed: the SDK and the packages it resolves. */
  versions: Record<string, string>;
  /** How long packing and installing took, s. */
  seconds: number;
}

const SDK_DIR = join(REPO, "sdk");

/** Every .ts file under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(dir, entry.name)]
        : [],
  );
}

/** sdk/dist must be built and newer than the SDK's and the provider's sources (it is what gets packed). */
function checkSdkBuilt(): void {
  const entry = join(SDK_DIR, "dist", "sdk", "src", "index.js");
  let built: number;
  try {
    built = statSync(entry).mtimeMs;
  } catch {
    throw new Error(`${entry} is missing: build the SDK first (npx tsc -p sdk/tsconfig.json, or make build)`);
  }
  const stale = [...sources(join(SDK_DIR, "src")), ...sources(join(REPO, "provider", "src"))].filter(
    (file) => statSync(file).mtimeMs > built,
  );
  if (stale.length)
    throw new Error(`sdk/dist is older than ${relative(REPO, stale[0]!)}: run npx tsc -p sdk/tsconfig.json`);
}

function inside(path: string, dir: string): boolean {
  return path.startsWith(dir + sep);
}

function versionIn(dir: string, name: string): string {
  return (
    JSON.parse(readFileSync(join(dir, "node_modules", name, "package.json"), "utf8")) as { version: string }
  ).version;
}

/**
 * Checks the layout the packed side is for; throws otherwise (the run is then invalid): the SDK a
 * real folder in the program's node_modules, and one @pulumi/pulumi, that folder's, for the program,
 * the SDK and the plugin (which resolves from the stack's folder).
 */
function checkLayout(install: Pick<PackedInstall, "dir" | "program" | "stackDir">): void {
  const modules = join(install.dir, "node_modules");
  const sdk = join(modules, "@inbound-oauth", "pulumi");
  if (lstatSync(sdk).isSymbolicLink() || realpathSync(sdk) !== sdk)
    throw new Error(`${sdk} is a link, not the installed package`);
  const fromProgram = createRequire(install.program);
  const fromStack = createRequire(join(install.stackDir, "plugin.js"));
  const sdkEntry = realpathSync(fromProgram.resolve("@inbound-oauth/pulumi"));
  const resolved = {
    "the SDK": sdkEntry,
    "the SDK's provider (from the stack's folder)": realpathSync(
      fromStack.resolve("@inbound-oauth/pulumi/provider"),
    ),
    "the program's @pulumi/pulumi": realpathSync(fromProgram.resolve("@pulumi/pulumi")),
    "the SDK's @pulumi/pulumi": realpathSync(createRequire(sdkEntry).resolve("@pulumi/pulumi")),
    "the plugin's @pulumi/pulumi": realpathSync(fromStack.resolve("@pulumi/pulumi")),
  };
  for (const [what, path] of Object.entries(resolved)) {
    if (!inside(path, modules)) throw new Error(`${what} resolves outside ${modules}: ${path}`);
  }
  const copies = new Set([
    resolved["the program's @pulumi/pulumi"],
    resolved["the SDK's @pulumi/pulumi"],
    resolved["the plugin's @pulumi/pulumi"],
  ]);
  if (copies.size !== 1) throw new Error(`more than one @pulumi/pulumi: ${[...copies].join(", ")}`);
}

export async function installPacked(workDir: string): Promise<PackedInstall> {
  const began = Date.now();
  checkSdkBuilt();
  const packDir = mkdtempSync(join(os.tmpdir(), "inbound-oauth-bench-engine-pack-"));
  const removePack = onCleanup(`remove ${packDir}`, () => rmSync(packDir, { recursive: true, force: true }));
  try {
    log(`npm pack of sdk/ into ${packDir}`);
    const packed = JSON.parse(
      await run("npm", ["pack", "--json", "--loglevel=error", "--pack-destination", packDir], SDK_DIR),
    ) as Array<{ filename: string; size: number; entryCount: number }>;
    const tarball = join(packDir, packed[0]!.filename);

    const dir = join(workDir, "packed");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "package.json"),
      `${JSON.stringify({ name: "bench-engine-packed", private: true, description: "The engine benchmark's packed install (removed at the end of a valid run)" }, null, 2)}\n`,
    );
    // The repository's @pulumi/pulumi version, so that the packed and linked sides differ only in the SDK's install.
    const pulumiVersion = packageVersion("@pulumi/pulumi");
    log(`npm install of the tarball and @pulumi/pulumi@${pulumiVersion} into ${dir}`);
    await run(
      "npm",
      [
        "install",
        tarball,
        `@pulumi/pulumi@${pulumiVersion}`,
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--no-package-lock",
        "--loglevel=error",
      ],
      dir,
    );
    const program = join(dir, "index.ts");
    copyFileSync(join(REPO, SIDES.packed.program), program);
    const install = { dir, program, stackDir: join(dir, "stack") };
    checkLayout(install);
    // The SDK, @pulumi/pulumi and the SDK's own dependencies, as npm resolved them.
    const sdkManifest = JSON.parse(
      readFileSync(join(dir, "node_modules", "@inbound-oauth", "pulumi", "package.json"), "utf8"),
    ) as { dependencies?: Record<string, string> };
    const versions = Object.fromEntries(
      ["@inbound-oauth/pulumi", "@pulumi/pulumi", ...Object.keys(sdkManifest.dependencies ?? {})].map(
        (name) => [name, versionIn(dir, name)],
      ),
    );
    if (versions["@pulumi/pulumi"] !== pulumiVersion)
      throw new Error(`npm installed @pulumi/pulumi ${versions["@pulumi/pulumi"]}, not ${pulumiVersion}`);
    return {
      ...install,
      tarball: { file: packed[0]!.filename, bytes: packed[0]!.size, files: packed[0]!.entryCount },
      versions,
      seconds: (Date.now() - began) / 1000,
    };
  } finally {
    await removePack();
  }
}
