// A Pulumi stack of a program module, for the end-to-end tier, the demo and the engine benchmark:
// each operation runs in a fresh process (inline-runner) with the real CLI and the real
// dynamic-provider plugin; the plain CLI (refresh, destroy, stack export) runs in the same folder.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { assertPulumiCli, type CommandResult, REPO_ROOT, runPulumi } from "./cli";
import type { RunRequest, RunResult } from "./inline-runner";

/** The compiled runner (make build). */
const RUNNER = join(REPO_ROOT, "dist", "scripts", "pulumi", "inline-runner.js");

export interface StackOptions {
  /** The stack's folder, inside the repository (e.g. test-output/e2e/<name>); created empty. */
  dir: string;
  /** The program module (e.g. examples/basic/index.ts). */
  program: string;
  projectName: string;
  stackName?: string;
  /** Environment for every command (e.g. INBOUND_OAUTH_ADMIN_TOKEN). */
  env?: Record<string, string>;
}

export class PulumiStack {
  readonly dir: string;
  readonly stackName: string;
  private program: string;
  private runs = 0;

  constructor(private readonly options: StackOptions) {
    assertPulumiCli();
    this.dir = resolve(options.dir);
    this.program = resolve(REPO_ROOT, options.program);
    this.stackName = options.stackName ?? "dev";
    rmSync(this.dir, { recursive: true, force: true });
    for (const folder of ["backend", "home"]) mkdirSync(join(this.stateDir, folder), { recursive: true });
  }

  /** Runs the next operations (and `cli`) with this environment instead (e.g. a rotated token). */
  useEnv(env: Record<string, string>): void {
    this.options.env = env;
  }

  /** Runs the next operations on another program module (a changed program). */
  useProgram(program: string): void {
    this.program = resolve(REPO_ROOT, program);
  }

  /** Creates the stack (when new) and sets its config. */
  async configure(config: ConfigMap, removeConfig: string[] = []): Promise<void> {
    const result = await this.operation({ op: "init", config, removeConfig });
    if (!result.ok) throw new Error(`configuring stack ${this.stackName} failed: ${result.error}`);
  }

  preview(options: RunRequest["options"] = {}): Promise<RunResult> {
    return this.operation({ op: "preview", options });
  }

  up(options: RunRequest["options"] = {}): Promise<RunResult> {
    return this.operation({ op: "up", options });
  }

  refresh(options: RunRequest["options"] = {}): Promise<RunResult> {
    return this.operation({ op: "refresh", options });
  }

  destroy(): Promise<RunResult> {
    return this.operation({ op: "destroy" });
  }

  /** The plain CLI in the stack's folder, on this stack (e.g. `refresh --preview-only --expect-no-changes`). */
  cli(args: string[], env: Record<string, string> = {}): Promise<CommandResult> {
    return runPulumi([...args, "--stack", this.stackName], {
      cwd: this.dir,
      stateDir: this.stateDir,
      env: { ...this.options.env, ...env },
    });
  }

  /** `pulumi stack export` as the CLI writes it (secrets stay ciphertext). */
  async exportState(): Promise<{ text: string; deployment: { resources?: Array<Record<string, unknown>> } }> {
    const result = await this.cli(["stack", "export"]);
    if (result.code !== 0) throw new Error(`pulumi stack export failed (${result.code}): ${result.stderr}`);
    const parsed = JSON.parse(result.stdout) as {
      deployment: { resources?: Array<Record<string, unknown>> };
    };
    return { text: result.stdout, deployment: parsed.deployment };
  }

  /** The stack's file backend and PULUMI_HOME (pass it to offlineEnv to run `pulumi` as users do). */
  get stateDir(): string {
    return join(this.dir, "state");
  }

  private async operation(request: Pick<RunRequest, "op" | "options" | "config" | "removeConfig">) {
    const run = ++this.runs;
    const requestFile = join(this.stateDir, `run-${run}-request.json`);
    const resultFile = join(this.stateDir, `run-${run}-result.json`);
    const full: RunRequest = {
      workDir: this.dir,
      stateDir: this.stateDir,
      projectName: this.options.projectName,
      stackName: this.stackName,
      program: this.program,
      ...(this.options.env ? { env: this.options.env } : {}),
      ...request,
    };
    // The request holds the stack's config (the admin token among it) and the result the stack's
    // outputs in clear: readable by this user only, and removed once read.
    writeFileSync(requestFile, JSON.stringify(full), { mode: 0o600 });
    const code = await new Promise<number>((done, fail) => {
      // Examples are typed ES modules in typeless packages (as `pulumi new` makes them): Node 24
      // loads them after stripping the types; its note about the missing "type" is noise here.
      const flags = ["--disable-warning=MODULE_TYPELESS_PACKAGE_JSON"];
      const child = spawn(process.execPath, [...flags, RUNNER, requestFile, resultFile], {
        cwd: this.dir,
        stdio: ["ignore", "inherit", "inherit"],
      });
      child.once("error", fail);
      child.once("close", (exit) => done(exit ?? 1));
    });
    if (code !== 0) throw new Error(`the Pulumi runner exited with code ${code} (request ${requestFile})`);
    const result = JSON.parse(readFileSync(resultFile, "utf8")) as RunResult;
    for (const file of [requestFile, resultFile]) rmSync(file, { force: true });
    return result;
  }
}
