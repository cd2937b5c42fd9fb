// The scheduled drift job: compares a stack's state with the live records, changes nothing, and
// writes a drift report property by property.
//
//   node drift-check.ts [--stack NAME] [--cwd DIR] [--report-dir DIR]
//
// Runs `pulumi refresh --preview-only --expect-no-changes --json --non-interactive [--stack NAME]`
// in DIR (default: the current directory) with the `pulumi` on PATH, then writes drift-report.md
// and drift-report.json into the report dir (default: DIR) and prints the Markdown.
//
// Exit codes: 0 no drift; 7 drift (the engine's own code for "changes where none were expected");
// anything else: the check itself failed (pulumi's exit code, or 1), with a message on stderr and
// no report.
//
// It needs only read access: give it a viewer token in INBOUND_OAUTH_ADMIN_TOKEN, the only place the
// provider takes its token from (never the stack config, nor the copy of it a refresh would read
// from the state). The report names the token the check ran as (as the server names it, never its
// value); a token the server rejects fails the check with no report.
// Secret values are never printed: a rotated client secret shows as "changed (secret)".
// Standalone on purpose: Node built-ins only, so it can be copied into any repository.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The engine's exit code when --expect-no-changes finds changes. */
export const DRIFT_EXIT_CODE = 7;
export const REPORT_FILES = { markdown: "drift-report.md", json: "drift-report.json" } as const;
/** Where the check's token comes from (the provider reads it there, and only there). */
const TOKEN_ENV = "INBOUND_OAUTH_ADMIN_TOKEN";

/** The key and value that mark a secret object in the engine's JSON (`{<sig>: <secret>, ...}`). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";
const MASK = "[secret]";
const MAX_VALUE_LENGTH = 300;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface ResourceState {
  urn?: string;
  type?: string;
  id?: string;
  inputs?: Record<string, Json>;
  outputs?: Record<string, Json>;
}

/** One resource the engine looked at: the state it recorded and what it read back. */
interface Observation {
  op: string;
  urn: string;
  type?: string;
  old?: ResourceState | null;
  new?: ResourceState | null;
}

/** What the engine printed, whichever of its two JSON forms the CLI used. */
export interface EngineOutput {
  observations: Observation[];
  /** Resources that match (the engine's count, the stack resource included). */
  unchanged: number;
  /** Changed resources the output counts but does not name (the CLI printed one document, see parseEngineOutput). */
  unnamedChanges: number;
  errors: string[];
  /** The tokens the provider said it called the server as (its log line, see identityFrom). */
  identities: TokenIdentity[];
  failed: boolean;
}

/** A management API token as the server names it (GET /api/v1/whoami): never its value. */
export interface TokenIdentity {
  name: string;
  role: string;
}

export interface DriftedProperty {
  property: string;
  /** True for a secret: then neither value is given, only that it changed. */
  secret: boolean;
  /** The value in the stack's state (secrets inside masked). */
  state?: unknown;
  /** The live value. */
  live?: unknown;
}

export interface DriftedResource {
  urn: string;
  /** The type token, e.g. pulumi-nodejs:dynamic/inbound-oauth:AuthorizationCodeGrant. */
  type: string;
  name: string;
  id?: string;
  /** changed: the record differs from the state; deleted: the record is gone (deleted out of band). */
  drift: "changed" | "deleted";
  properties: DriftedProperty[];
}

export interface DriftReport {
  project: string;
  stack: string;
  checkedAt: string;
  command: string;
  exitCode: number;
  status: "no-drift" | "drift";
  resources: DriftedResource[];
  unchanged: number;
  /** The token the check ran as, as the server named it; null when no call was made (no resources). */
  token: TokenIdentity | null;
  /** Changed resources the engine counted without naming them (older CLIs, see parseEngineOutput). */
  unnamedChanges?: number;
  /** Set when the engine reported drift it did not detail. */
  note?: string;
}

// ---------------------------------------------------------------------------------------------
// Values: masking and display

function isSecretValue(value: unknown): boolean {
  if (value === MASK) return true;
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SECRET_SIG] === SECRET_SIG_VALUE
  );
}

function containsSecret(value: unknown): boolean {
  if (isSecretValue(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  return Object.values(value).some(containsSecret);
}

/** Properties whose value is never shown, whatever the engine marked (clientSecret, adminToken, ...). */
export function isSecretName(property: string): boolean {
  return /(secret|password|passphrase|privatekey|apikey|token)$/i.test(property);
}

/** Inputs and outputs the provider and Pulumi add (serialized code, seeds): never shown. */
function isInternal(property: string): boolean {
  return property.startsWith("__");
}

/** The value with every secret replaced by "[secret]" (and the provider's internals dropped). */
export function maskValue(value: unknown): unknown {
  if (isSecretValue(value)) return MASK;
  if (Array.isArray(value)) return value.map(maskValue);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !isInternal(key))
        .map(([key, item]) => [key, isSecretName(key) ? MASK : maskValue(item)]),
    );
  }
  return value;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

function showValue(value: unknown): string {
  if (value === undefined) return "(unset)";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH)}…` : text;
}

/** Text as a Markdown code span (nothing inside is read as Markdown or HTML); pipes escaped in tables. */
function code(text: string, inTable = false): string {
  const oneLine = text.replace(/\r?\n|\r/g, " ");
  const longestRun = Math.max(0, ...(oneLine.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const padded = /^[`\s]|[`\s]$/.test(oneLine) ? ` ${oneLine} ` : oneLine;
  const span = `${fence}${padded}${fence}`;
  return inTable ? span.replace(/\|/g, "\\|") : span;
}

/** `urn:pulumi:<stack>::<project>::<type>::<name>` → its parts. */
function parseUrn(urn: string): { stack: string; project: string; type: string; name: string } {
  const parts = urn.split("::");
  const qualifiedType = parts[2] ?? "";
  return {
    stack: (parts[0] ?? "").replace(/^urn:pulumi:/, ""),
    project: parts[1] ?? "",
    type: qualifiedType.split("$").pop() ?? qualifiedType,
    name: parts.slice(3).join("::"),
  };
}

function shortType(type: string): string {
  return type.split(":").pop() || type;
}

// ---------------------------------------------------------------------------------------------
// The engine's output

/**
 * The identity in the line the inbound-oauth provider logs before its first call to the server:
 * `inbound-oauth: calling <endpoint> as the token "<name>" (role <role>), from <where>`.
 */
export function identityFrom(message: string): TokenIdentity | undefined {
  const match =
    /inbound-oauth: calling \S+ as the token "([A-Za-z0-9._@-]{1,100})" \(role ([a-z_]{1,40})\)/.exec(
      message,
    );
  return match ? { name: match[1] ?? "", role: match[2] ?? "" } : undefined;
}

function addIdentity(identities: TokenIdentity[], message: string | undefined): void {
  const identity = message ? identityFrom(message) : undefined;
  if (identity && !identities.some((seen) => seen.name === identity.name && seen.role === identity.role)) {
    identities.push(identity);
  }
}

/**
 * Reads what `pulumi refresh --preview-only --json` printed. With PULUMI_ENABLE_STREAMING_JSON_PREVIEW
 * set (this job sets it), the CLI prints one engine event per line; each resOutputsEvent carries the
 * state (old) and what the provider read back (new). Without it, the CLI prints one document whose
 * steps repeat the recorded state for changed resources (observed with v3.274): deleted resources
 * are still named, changed ones only counted.
 */
export function parseEngineOutput(stdout: string): EngineOutput {
  const text = stdout.trim();
  if (!text) throw new Error("pulumi printed nothing on stdout");
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    // not one document: one event per line
  }
  if (typeof document === "object" && document !== null && "steps" in document) {
    return fromDocument(document as Record<string, unknown>);
  }
  const events = text
    .split("\n")
    .filter((line) => line.trim())
    .map((line, index) => {
      try {
        return JSON.parse(line) as Record<string, Record<string, unknown> | undefined>;
      } catch {
        throw new Error(`line ${index + 1} of pulumi's output is not JSON: ${line.slice(0, 120)}`);
      }
    });
  return fromEvents(events);
}

function fromEvents(events: Array<Record<string, Record<string, unknown> | undefined>>): EngineOutput {
  const output: EngineOutput = {
    observations: [],
    unchanged: 0,
    unnamedChanges: 0,
    errors: [],
    identities: [],
    failed: false,
  };
  let summarized = false;
  for (const event of events) {
    const outputs = event.resOutputsEvent?.metadata as Observation | undefined;
    if (outputs) output.observations.push(outputs);
    const diagnostic = event.diagnosticEvent as { severity?: string; message?: string } | undefined;
    if (diagnostic?.severity === "error" && diagnostic.message) output.errors.push(diagnostic.message.trim());
    addIdentity(output.identities, diagnostic?.message);
    const summary = event.summaryEvent as
      | { resourceChanges?: Record<string, number>; result?: string }
      | undefined;
    if (summary) {
      summarized = true;
      output.unchanged = summary.resourceChanges?.same ?? 0;
      output.failed = summary.result === "failed";
    }
  }
  if (!summarized && output.observations.length === 0) {
    throw new Error("pulumi's output has neither resource events nor a summary");
  }
  if (!summarized) output.unchanged = output.observations.filter((seen) => seen.op === "same").length;
  return output;
}

function fromDocument(document: Record<string, unknown>): EngineOutput {
  const steps = document.steps as Array<{
    op: string;
    urn: string;
    oldState?: ResourceState | null;
    newState?: ResourceState | null;
  }>;
  const summary = (document.changeSummary ?? {}) as Record<string, number>;
  const diagnostics = (document.diagnostics ?? []) as Array<{ severity?: string; message?: string }>;
  const observations = steps
    .filter((step) => step.op === "delete")
    .map((step) => ({ op: step.op, urn: step.urn, old: step.oldState ?? null, new: null }));
  const changed = Object.entries(summary)
    .filter(([op]) => op !== "same" && op !== "delete")
    .reduce((total, [, count]) => total + count, 0);
  const identities: TokenIdentity[] = [];
  for (const diagnostic of diagnostics) addIdentity(identities, diagnostic.message);
  return {
    observations,
    unchanged: summary.same ?? 0,
    unnamedChanges: changed,
    errors: diagnostics
      .filter((d) => d.severity === "error" && d.message)
      .map((d) => (d.message ?? "").trim()),
    identities,
    failed: false,
  };
}

// ---------------------------------------------------------------------------------------------
// The report

/** What differs between the state and the live record, property by property (secrets by name only). */
export function driftedProperties(state: ResourceState, live: ResourceState): DriftedProperty[] {
  const before = state.inputs ?? {};
  const after = live.inputs ?? {};
  const drifted = new Map<string, DriftedProperty>();
  const add = (property: string, old: unknown, now: unknown) => {
    const secret = isSecretName(property) || containsSecret(old) || containsSecret(now);
    drifted.set(
      property,
      secret ? { property, secret } : { property, secret, state: maskValue(old), live: maskValue(now) },
    );
  };
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!isInternal(key) && !sameJson(before[key], after[key])) add(key, before[key], after[key]);
  }
  // A secret's value never leaves the server; its fingerprint (an output) shows that it changed.
  const oldOutputs = state.outputs ?? {};
  const newOutputs = live.outputs ?? {};
  for (const key of Object.keys({ ...oldOutputs, ...newOutputs })) {
    const secretName = key.endsWith("Fingerprint") ? key.slice(0, -"Fingerprint".length) : undefined;
    if (secretName && !drifted.has(secretName) && !sameJson(oldOutputs[key], newOutputs[key])) {
      drifted.set(secretName, { property: secretName, secret: true });
    }
  }
  if (drifted.size === 0) {
    // Nothing declared differs: name the outputs that do (e.g. a record rewritten with the same values).
    for (const key of new Set([...Object.keys(oldOutputs), ...Object.keys(newOutputs)])) {
      if (!isInternal(key) && !key.endsWith("Fingerprint") && !sameJson(oldOutputs[key], newOutputs[key])) {
        add(key, oldOutputs[key], newOutputs[key]);
      }
    }
  }
  return [...drifted.values()].sort((a, b) => a.property.localeCompare(b.property));
}

/** The drift report of an engine output (exitCode: the CLI's, 0 or 7). */
export function buildReport(
  output: EngineOutput,
  context: { exitCode: number; checkedAt: string; command: string; stack?: string },
): DriftReport {
  const resources: DriftedResource[] = [];
  for (const seen of output.observations) {
    if (seen.op === "same" || seen.op === "refresh") continue;
    const state = seen.old ?? {};
    const type = seen.type ?? state.type ?? parseUrn(seen.urn).type;
    const base = {
      urn: seen.urn,
      type,
      name: parseUrn(seen.urn).name,
      ...(state.id ? { id: state.id } : {}),
    };
    if (seen.op === "delete" || !seen.new) {
      resources.push({ ...base, drift: "deleted", properties: [] });
    } else {
      resources.push({ ...base, drift: "changed", properties: driftedProperties(state, seen.new) });
    }
  }
  // By URN, not in the order the engine happened to read them (its reads run in parallel).
  resources.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  const first = output.observations[0]?.urn;
  const drift = resources.length > 0 || output.unnamedChanges > 0 || context.exitCode === DRIFT_EXIT_CODE;
  const report: DriftReport = {
    project: first ? parseUrn(first).project : "",
    stack: first ? parseUrn(first).stack : (context.stack ?? ""),
    checkedAt: context.checkedAt,
    command: context.command,
    exitCode: context.exitCode,
    status: drift ? "drift" : "no-drift",
    resources,
    unchanged: output.unchanged,
    token: output.identities[0] ?? null,
  };
  if (output.unnamedChanges > 0) {
    report.unnamedChanges = output.unnamedChanges;
    report.note =
      `The engine counts ${plural(output.unnamedChanges, "changed resource")} that its output does not name: ` +
      "this Pulumi CLI ignores PULUMI_ENABLE_STREAMING_JSON_PREVIEW. Run `pulumi refresh --preview-only --diff` to see them.";
  } else if (drift && resources.length === 0) {
    report.note =
      "The engine reported changes without naming them. Run `pulumi refresh --preview-only --diff` to see them.";
  }
  return report;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

export function renderReport(report: DriftReport): string {
  const title = report.project ? `${code(report.project)} (stack ${code(report.stack)})` : "this stack";
  const deleted = report.resources.filter((resource) => resource.drift === "deleted").length;
  const changed = report.resources.length - deleted + (report.unnamedChanges ?? 0);
  const lines = [`# Drift report: ${title}`, ""];
  if (report.status === "no-drift") {
    lines.push(
      `**No drift**: all ${plural(report.unchanged, "resource")} of the stack match the live records.`,
    );
  } else {
    lines.push(
      `**Drift found**: ${plural(changed + deleted, "resource")} ${changed + deleted === 1 ? "differs" : "differ"} from the stack's state ` +
        `(${changed} changed, ${deleted} deleted out of band); ${report.unchanged} unchanged.`,
    );
  }
  const identity = report.token
    ? `as the token ${code(report.token.name)} (role ${code(report.token.role)})`
    : "as no known token (no record was read, or the server does not name tokens)";
  lines.push(
    "",
    `Checked at ${report.checkedAt} with ${code(report.command)} (exit code ${report.exitCode}), ${identity}.`,
  );
  if (report.note) lines.push("", `> ${report.note}`);
  for (const resource of report.resources) {
    const label = `${code(shortType(resource.type))} ${code(resource.name)}`;
    lines.push("");
    if (resource.drift === "deleted") {
      lines.push(`## - deleted out of band: ${label}`, "");
      const id = resource.id ? ` (id ${code(resource.id)})` : "";
      lines.push(`The record${id} no longer exists on the server.`);
      continue;
    }
    lines.push(`## ~ changed: ${label}`, "", "| property | state | live |", "| --- | --- | --- |");
    for (const property of resource.properties) {
      const cells = property.secret
        ? [MASK, "changed (secret)"]
        : [showValue(property.state), showValue(property.live)];
      lines.push(
        `| ${code(property.property, true)} | ${cells.map((cell) => code(cell, true)).join(" | ")} |`,
      );
    }
  }
  if (report.status === "drift") {
    lines.push(
      "",
      "## What to do",
      "",
      "- To put the declared state back: `pulumi up --refresh` (recreates deleted records, overwrites changed properties, puts the known client secret back).",
      "- To keep the live values instead: change the program to match, then `pulumi refresh`.",
    );
  }
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------
// The job

interface Options {
  stack?: string;
  cwd: string;
  reportDir: string;
}

class UsageError extends Error {}

export function parseArgs(args: string[]): Options {
  const values: Record<string, string> = {};
  for (let index = 0; index < args.length; index++) {
    const flag = args[index] ?? "";
    const [name, inline] = flag.split(/=(.*)/s, 2);
    if (!["--stack", "--cwd", "--report-dir"].includes(name ?? "")) {
      throw new UsageError(`unknown argument ${flag}`);
    }
    const value = inline ?? args[++index];
    if (!value) throw new UsageError(`${name} needs a value`);
    values[name ?? ""] = value;
  }
  const cwd = resolve(values["--cwd"] ?? ".");
  return {
    ...(values["--stack"] ? { stack: values["--stack"] } : {}),
    cwd,
    reportDir: resolve(values["--report-dir"] ?? cwd),
  };
}

const USAGE = "usage: node drift-check.ts [--stack NAME] [--cwd DIR] [--report-dir DIR]";

function runPulumi(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn("pulumi", args, {
      cwd,
      // One JSON event per line, each with the recorded and the live state (see parseEngineOutput).
      env: { ...process.env, PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.once("error", fail);
    child.once("close", (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

/** Runs the check; returns the exit code. */
async function main(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const options = parseArgs(args);
  if (!statSync(options.cwd, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`${options.cwd} is not a directory (--cwd: the Pulumi project's folder)`);
  }
  // A report left by an earlier run must not pass for this run's.
  for (const file of Object.values(REPORT_FILES)) rmSync(join(options.reportDir, file), { force: true });
  if (!process.env[TOKEN_ENV]?.trim()) {
    throw new Error(
      `${TOKEN_ENV} is not set: give the check the token it runs with (a viewer token, e.g. ` +
        "`inbound-oauth admin-token create --name drift-job --role viewer`). The provider takes its token " +
        "from there only, never from the stack config or a copy in the state; no drift report was written.",
    );
  }
  const pulumiArgs = ["refresh", "--preview-only", "--expect-no-changes", "--json", "--non-interactive"];
  if (options.stack) pulumiArgs.push("--stack", options.stack);
  const command = `pulumi ${pulumiArgs.join(" ")}`;
  let result: Awaited<ReturnType<typeof runPulumi>>;
  try {
    result = await runPulumi(pulumiArgs, options.cwd);
  } catch (error) {
    throw new Error(`could not run pulumi (is it on PATH?): ${(error as Error).message}`);
  }
  let output: EngineOutput | undefined;
  let unreadable: string | undefined;
  try {
    output = parseEngineOutput(result.stdout);
  } catch (error) {
    unreadable = (error as Error).message;
  }
  const drifted = result.code === DRIFT_EXIT_CODE;
  if ((result.code !== 0 && !drifted) || output?.failed || (!output && !drifted)) {
    const reasons = [...new Set(output?.errors ?? [])];
    if (unreadable && result.code === 0) reasons.push(`pulumi's output could not be read: ${unreadable}`);
    const stderr = result.stderr.trim();
    const lines = [
      `drift-check: \`${command}\` failed (exit code ${result.code}) in ${options.cwd}; no drift report was written.`,
      ...reasons,
      ...(stderr ? [stderr] : []),
    ];
    process.stderr.write(`${lines.join("\n")}\n`);
    return result.code === 0 || result.code === DRIFT_EXIT_CODE ? 1 : result.code;
  }
  const report = buildReport(
    output ?? {
      observations: [],
      unchanged: 0,
      unnamedChanges: 0,
      errors: [],
      identities: [],
      failed: false,
    },
    {
      exitCode: result.code,
      checkedAt: new Date().toISOString(),
      command,
      ...(options.stack ? { stack: options.stack } : {}),
    },
  );
  if (unreadable) report.note = `The engine reported drift, but its output could not be read: ${unreadable}`;
  const markdown = renderReport(report);
  mkdirSync(options.reportDir, { recursive: true });
  writeFileSync(join(options.reportDir, REPORT_FILES.json), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(options.reportDir, REPORT_FILES.markdown), markdown);
  process.stdout.write(markdown);
  return report.status === "drift" ? DRIFT_EXIT_CODE : 0;
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`drift-check: ${(error as Error).message}\n`);
      if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
      process.exitCode = error instanceof UsageError ? 2 : 1;
    },
  );
}
