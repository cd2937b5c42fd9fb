// What `pulumi refresh --preview-only --json` printed, in either of its two JSON forms: the
// resources the engine looked at, its counts and errors, and the token the provider called as.
import type { ResourceState } from "../engine.ts";

/** One resource the engine looked at: the state it recorded and what it read back. */
export interface Observation {
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

/** An output with nothing in it (no resource, no count, no error). */
export function emptyOutput(): EngineOutput {
  return { observations: [], unchanged: 0, unnamedChanges: 0, errors: [], identities: [], failed: false };
}

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
  const output = emptyOutput();
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
