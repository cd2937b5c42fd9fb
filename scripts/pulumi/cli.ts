// The Pulumi CLI as the end-to-end tier, the demo and the engine benchmark run it: the binary that
// scripts/ensure-pulumi.sh put in .tools/pulumi/bin (beside the dynamic-provider plugin), fully
// offline (file backend and PULUMI_HOME in the stack's own folder, passphrase secrets, no update
// check, no plugin download).
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The repository root, from the source (scripts/pulumi) or the build (dist/scripts/pulumi). */
export const REPO_ROOT = (() => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "pulumi-inbound-oauth")
      return dir;
  }
  throw new Error(`no repository root above ${__dirname}`);
})();

/** Where `make pulumi-cli` puts `pulumi` and `pulumi-resource-pulumi-nodejs`. */
export const PULUMI_BIN = join(REPO_ROOT, ".tools", "pulumi", "bin");

/** Throws an actionable error when the CLI has not been provided yet. */
export function assertPulumiCli(): void {
  if (
    !existsSync(join(PULUMI_BIN, "pulumi")) ||
    !existsSync(join(PULUMI_BIN, "pulumi-resource-pulumi-nodejs"))
  ) {
    throw new Error(`${PULUMI_BIN} has no pulumi CLI: run \`make pulumi-cli\` (it reuses or builds one).`);
  }
}

/** The passphrase of every test stack's secrets provider (throwaway stacks only). */
export const TEST_PASSPHRASE = "inbound-oauth-e2e-passphrase";

/**
 * The environment of every Pulumi command for a stack kept in `stateDir`: the CLI and the plugin
 * first on PATH, then the Node that runs this process (the plugin script calls `node`).
 */
export function offlineEnv(stateDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: [PULUMI_BIN, dirname(process.execPath), process.env.PATH ?? ""].join(":"),
    PULUMI_HOME: join(resolve(stateDir), "home"),
    PULUMI_BACKEND_URL: `file://${join(resolve(stateDir), "backend")}`,
    PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    ...extra,
  };
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, `stdin` as its input (never rejects on a non-zero exit; the caller reads `code`). */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number; stdin?: string },
): Promise<CommandResult> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 600_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      done({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/** The plain `pulumi` CLI (no program run: refresh, destroy, stack export, config) in a stack's folder. */
export function runPulumi(
  args: string[],
  options: { cwd: string; stateDir: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<CommandResult> {
  assertPulumiCli();
  return run(join(PULUMI_BIN, "pulumi"), [...args, "--non-interactive", "--color", "never"], {
    cwd: options.cwd,
    env: offlineEnv(options.stateDir, options.env),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
}
