// The JSON document that `pulumi preview --diff --json` prints, and reading it.
import type { ResourceState } from "../engine.ts";

export interface Step {
  op: string;
  urn: string;
  oldState?: ResourceState | null;
  newState?: ResourceState | null;
  detailedDiff?: Record<string, unknown> | null;
  diffReasons?: string[] | null;
  replaceReasons?: string[] | null;
}

export interface PreviewDocument {
  steps: Step[];
  changeSummary?: Record<string, number>;
  diagnostics?: Array<{ message?: string; severity?: string; urn?: string }>;
}

/** Parses the preview document, with an error that says what is wrong with it. */
export function parsePreview(text: string, source: string): PreviewDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${source} is not JSON (${(error as Error).message}); expected the output of \`pulumi preview --diff --json\`.`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || !Array.isArray((parsed as PreviewDocument).steps)) {
    throw new Error(`${source} has no "steps": expected the output of \`pulumi preview --diff --json\`.`);
  }
  return parsed as PreviewDocument;
}
