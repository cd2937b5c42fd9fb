// One Pulumi operation on a program module, run through the Automation API's inline programs (the
// real engine and the real dynamic-provider plugin; no language host needed), in a process of its
// own so that each run imports the program afresh, as `pulumi up` would.
//   node dist/scripts/pulumi/inline-runner.js <request.json> <result.json>
// The program module is any Pulumi program file (an example's index.ts runs as is: Node 24 strips
// its types); its exports become the stack's outputs.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Automation from "@pulumi/pulumi/automation";
import type { ConfigMap, Stack } from "@pulumi/pulumi/automation";
import { offlineEnv, PULUMI_BIN } from "./cli";

/**
 * The Automation API of the @pulumi/pulumi that the program resolves from its own folder, so that the
 * program, the packages it imports and the runtime that registers its resources are one copy, as
 * under `pulumi up` (the language host runs the program's own @pulumi/pulumi). A program inside the
 * repository gets the repository's; one beside a node_modules of its own (the engine benchmark's
 * packed install) gets that one.
 */
function automationOf(program: string): typeof Automation {
  return createRequire(resolve(program))("@pulumi/pulumi/automation") as typeof Automation;
}

export type Operation = "init" | "preview" | "up" | "refresh" | "destroy";

export interface RunRequest {
  /** The stack's folder: Pulumi.yaml and Pulumi.<stack>.yaml go here, and the dynamic-provider
   * plugin runs here (inside the repository, or beside a node_modules of the program's own, so that
   * `@inbound-oauth/pulumi` and `@pulumi/pulumi` resolve from it). */
  workDir: string;
  /** Where the file backend and PULUMI_HOME live. */
  stateDir: string;
  projectName: string;
  stackName: string;
  /** The program module's path. */
  program: string;
  op: Operation;
  /** Stack config set before the operation (kept in Pulumi.<stack>.yaml). */
  config?: ConfigMap;
  /** Config keys removed before the operation. */
  removeConfig?: string[];
  options?: {
    diff?: boolean;
    expectNoChanges?: boolean;
    refresh?: boolean;
    /** `--json`: the CLI prints the engine's JSON document (what `pulumi preview --diff --json` prints). */
    json?: boolean;
    parallel?: number;
    replace?: string[];
  };
  /** Extra environment for the CLI and the plugins it starts. */
  env?: Record<string, string>;
}

export interface RunResult {
  ok: boolean;
  /** The CLI's exit code when it failed (7: changes where none were expected). */
  exitCode?: number;
  stdout: string;
  stderr: string;
  /** Steps per operation ("create", "update", "same", ...), from the engine's summary. */
  changes?: Record<string, number>;
  /** Stack outputs after up (secret ones flagged; values in clear, for the caller's assertions). */
  outputs?: Record<string, { value: unknown; secret: boolean }>;
  /** The parsed `--json` document. */
  json?: unknown;
  error?: string;
}

async function openStack(request: RunRequest, extraArgs: string[]): Promise<Stack> {
  const programUrl = pathToFileURL(resolve(request.program)).href;
  const program = async () => {
    const exports = (await import(programUrl)) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(exports).filter(([key]) => key !== "default"));
  };
  const { LocalWorkspace, PulumiCommand } = automationOf(request.program);
  const pulumiCommand = await PulumiCommand.get({ root: resolve(PULUMI_BIN, ".."), skipVersionCheck: true });
  const env = offlineEnv(request.stateDir, request.env);
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: request.stackName, projectName: request.projectName, program },
    {
      workDir: request.workDir,
      pulumiHome: env.PULUMI_HOME,
      envVars: env,
      pulumiCommand,
      projectSettings: { name: request.projectName, runtime: "nodejs" },
    },
  );
  // Workspace hook for arguments added to every command (used here for --json).
  stack.workspace.serializeArgsForOp = async () => extraArgs;
  return stack;
}

export async function runOperation(request: RunRequest): Promise<RunResult> {
  const options = request.options ?? {};
  const stack = await openStack(request, options.json ? ["--json"] : []);
  if (request.config) await stack.setAllConfig(request.config);
  for (const key of request.removeConfig ?? []) await stack.removeConfig(key);
  const common = {
    ...(options.parallel ? { parallel: options.parallel } : {}),
  };
  // What preview and up share: the same flags plan the same steps.
  const planning = {
    ...common,
    diff: options.diff ?? false,
    expectNoChanges: options.expectNoChanges ?? false,
    refresh: options.refresh ?? false,
    ...(options.replace ? { replace: options.replace } : {}),
  };
  const withJson = (stdout: string) => (options.json ? { json: JSON.parse(stdout) as unknown } : {});
  // A finished operation: the CLI's output and the steps per operation of the engine's summary.
  const finished = (result: { stdout: string; stderr: string }, changes: unknown) => ({
    ok: true,
    stdout: result.stdout,
    stderr: result.stderr,
    changes: changes as Record<string, number>,
  });
  try {
    switch (request.op) {
      case "init":
        return { ok: true, stdout: "", stderr: "" };
      case "preview": {
        const result = await stack.preview(planning);
        return { ...finished(result, result.changeSummary), ...withJson(result.stdout) };
      }
      case "up": {
        const result = await stack.up(planning);
        return {
          ...finished(result, result.summary.resourceChanges ?? {}),
          outputs: Object.fromEntries(
            Object.entries(result.outputs).map(([key, { value, secret }]) => [key, { value, secret }]),
          ),
        };
      }
      case "refresh": {
        const result = await stack.refresh({ ...common, expectNoChanges: options.expectNoChanges ?? false });
        return finished(result, result.summary.resourceChanges ?? {});
      }
      case "destroy": {
        const result = await stack.destroy({ ...common });
        return finished(result, result.summary.resourceChanges ?? {});
      }
    }
  } catch (error) {
    // The Automation API's CommandError keeps the CLI's result in a private field.
    const result = (error as { commandResult?: { code?: number; stdout?: string; stderr?: string } })
      .commandResult;
    let json: unknown;
    try {
      if (options.json && result?.stdout) json = JSON.parse(result.stdout);
    } catch {
      // no JSON document: the command failed before the engine printed one
    }
    return {
      ok: false,
      ...(result?.code === undefined ? {} : { exitCode: result.code }),
      stdout: result?.stdout ?? "",
      stderr: result?.stderr ?? "",
      error: error instanceof Error ? error.message : String(error),
      ...(json === undefined ? {} : { json }),
    };
  }
}

if (require.main === module) {
  const [requestFile, resultFile] = process.argv.slice(2);
  if (!requestFile || !resultFile) {
    console.error("usage: inline-runner <request.json> <result.json>");
    process.exit(2);
  }
  runOperation(JSON.parse(readFileSync(requestFile, "utf8")) as RunRequest)
    .then((result) => writeFileSync(resultFile, JSON.stringify(result), { mode: 0o600 }))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
