// The examples' own Pulumi files, read the way the tests need them: an example's project name
// (its Pulumi.yaml) and its committed stack config (Pulumi.<stack>.yaml).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { parse } from "yaml";
import { REPO_ROOT } from "../../scripts/pulumi/cli";

const read = (folder: string, file: string) =>
  parse(readFileSync(join(REPO_ROOT, "examples", folder, file), "utf8")) as Record<string, unknown>;

/** The project name of examples/<folder> (`name` in its Pulumi.yaml). */
export function exampleProject(folder: string): string {
  return String(read(folder, "Pulumi.yaml").name);
}

/** The `config:` of examples/<folder>/Pulumi.<stack>.yaml, values as written (lists stay lists). */
export function exampleStackFile(folder: string, stackName: string): Record<string, unknown> {
  return (read(folder, `Pulumi.${stackName}.yaml`).config ?? {}) as Record<string, unknown>;
}

/**
 * The same config as the Automation API's ConfigMap: objects as JSON text, which the program's
 * config.getObject / requireObject parse, as they parse what `pulumi config set --path` stores.
 */
export function exampleStackConfig(folder: string, stackName: string): ConfigMap {
  return Object.fromEntries(
    Object.entries(exampleStackFile(folder, stackName)).map(([key, value]) => [
      key,
      { value: typeof value === "string" ? value : JSON.stringify(value) },
    ]),
  );
}
